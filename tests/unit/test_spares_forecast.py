"""Spares maths against values computed by hand: Poisson quantiles, gamma-Poisson AFR, orders."""

from __future__ import annotations

import math

import pytest

from controller.spares import forecast


@pytest.mark.parametrize(("mean", "level", "expected"), [
    (0.05, 0.95, 0),   # P(0) = e^-0.05 = 0.9512
    (0.5, 0.95, 2),    # 0.6065, 0.9098, 0.9856
    (1.0, 0.95, 3),    # 0.3679, 0.7358, 0.9197, 0.9810
    (2.0, 0.95, 5),    # ... P(<=4) = 0.9473, P(<=5) = 0.9834
    (2.0, 0.90, 4),    # P(<=3) = 0.8571, P(<=4) = 0.9473
    (10.0, 0.95, 15),  # P(<=14) = 0.9165, P(<=15) = 0.9513
    (0.0, 0.95, 0),
])
def test_poisson_quantile_matches_hand_computed_values(mean: float, level: float,
                                                       expected: int) -> None:
    assert forecast.poisson_quantile(mean, level) == expected


def test_poisson_cdf_matches_closed_form() -> None:
    assert forecast.poisson_cdf(0, 1.0) == pytest.approx(math.exp(-1))
    assert forecast.poisson_cdf(2, 1.0) == pytest.approx(2.5 * math.exp(-1))
    assert forecast.poisson_cdf(-1, 1.0) == 0.0


def test_poisson_quantile_large_mean_does_not_underflow() -> None:
    s = forecast.poisson_quantile(1000.0, 0.95)  # normal approx: 1000 + 1.645 * sqrt(1000) = 1052
    assert 1048 <= s <= 1056
    assert forecast.poisson_cdf(s, 1000.0) >= 0.95 > forecast.poisson_cdf(s - 1, 1000.0)


def test_poisson_quantile_refuses_impossible_service_level() -> None:
    with pytest.raises(ValueError):
        forecast.poisson_quantile(1.0, 1.0)


def test_afr_estimate_without_history_is_the_prior() -> None:
    est = forecast.afr_estimate(0, 0.0, 0.015, 100.0)
    assert est.afr_per_year == pytest.approx(0.015) and est.source == "prior"


def test_afr_estimate_blends_fleet_evidence_with_the_prior() -> None:
    # (0.015 * 100 + 10) / (100 + 200) = 11.5 / 300
    est = forecast.afr_estimate(10, 200.0, 0.015, 100.0)
    assert est.afr_per_year == pytest.approx(11.5 / 300)
    # zero failures in a small fleet pulls the rate down only a little: 1.5 / 110
    assert forecast.afr_estimate(0, 10.0, 0.015, 100.0).afr_per_year == pytest.approx(1.5 / 110)
    # a lot of evidence dominates: 500 failures / 10,000 device-years ~ 5 %
    big = forecast.afr_estimate(500, 10_000.0, 0.015, 100.0)
    assert big.afr_per_year == pytest.approx(501.5 / 10_100)


def test_lead_time_demand_and_order_quantity() -> None:
    # 1000 disks x 1.5 %/y x 36.525 d = 1.5 expected failures, + two at-risk parts
    assert forecast.lead_time_demand(1000, 0.015, 36.525, (0.1, 0.2)) == pytest.approx(1.8)
    assert forecast.order_quantity(5, on_hand=2, reserved=1, on_order=1) == 3
    assert forecast.order_quantity(2, on_hand=4, reserved=0, on_order=0) == 0


def test_at_risk_probability_uses_the_39x_multiplier() -> None:
    p = forecast.at_risk_failure_probability(0.015, 60)
    assert p == pytest.approx(1 - math.exp(-39 * 0.015 * 60 / 365.25))


def test_window_no_stockout_probability_is_naus_scan_statistic() -> None:
    # S = 0: no failure in two lead times
    assert forecast.window_no_stockout_probability(0, 0.5) == pytest.approx(math.exp(-1.0))
    # psi = 1.34, S = 3 by hand: F(3)^2 - 3 p(4) p(2) - (3 - 1.34) p(4) F(1) = 0.8473
    # (a Monte Carlo of 20,000 Poisson paths gave 0.850)
    assert forecast.window_no_stockout_probability(3, 1.34) == pytest.approx(0.8473, abs=5e-4)
    assert forecast.window_no_stockout_probability(3, 1.34) < forecast.poisson_cdf(3, 1.34)


def test_window_reorder_point_covers_windows_not_only_moments() -> None:
    # psi = 1.34: the moment rule stops at 3 (P(D <= 3) = 0.953) but Q2(3) = 0.847; by hand
    # Q2(4) = F(4)^2 - 4 p(5) p(3) - (4 - 1.34) p(5) F(2) = 0.97614 - 0.00396 - 0.02126 = 0.9509
    assert forecast.reorder_point(1.34, 0.95, forecast.MOMENT) == 3
    assert forecast.reorder_point(1.34, 0.95) == 4
    assert forecast.reorder_point(0.0, 0.95) == 0
    with pytest.raises(ValueError):
        forecast.reorder_point(1.0, 0.95, "yearly")
