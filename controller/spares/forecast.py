"""Pure spares maths: gamma-Poisson failure rate, Poisson quantile, reorder point, order quantity."""

from __future__ import annotations

import math
from dataclasses import dataclass

DAYS_PER_YEAR = 365.25
# Pinheiro et al. (FAST 2007): after the first scan error a drive is 39 times more likely to
# fail within 60 days; we apply that multiplier to at-risk parts over the lead time.
AT_RISK_HAZARD_MULTIPLIER = 39.0
_MAX_TERMS = 1_000_000


@dataclass(frozen=True, slots=True)
class RateEstimate:
    """Annualised failure rate with its inputs: posterior mean of a gamma prior and fleet evidence."""

    afr_per_year: float
    failures: int
    device_years: float
    prior_afr_per_year: float
    prior_device_years: float
    source: str  # "prior", "fleet+prior"


def afr_estimate(failures: int, device_years: float, prior_afr_per_year: float,
                 prior_device_years: float, source: str = "") -> RateEstimate:
    """Gamma(a0, b0) prior with a0 = prior_afr * b0, b0 = prior_device_years; Poisson failures.

    Posterior mean rate = (a0 + failures) / (b0 + device_years): a fleet with no history gets the
    prior; a fleet with many device-years gets (close to) its own failures / device-years.
    """
    if failures < 0 or device_years < 0 or prior_afr_per_year < 0 or prior_device_years <= 0:
        raise ValueError("failures, device-years and prior AFR must be >= 0, prior weight > 0")
    a0 = prior_afr_per_year * prior_device_years
    rate = (a0 + failures) / (prior_device_years + device_years)
    label = source or ("prior" if device_years == 0 and failures == 0 else "fleet+prior")
    return RateEstimate(rate, failures, device_years, prior_afr_per_year, prior_device_years,
                        label)


def at_risk_failure_probability(afr_per_year: float, lead_time_days: float,
                                multiplier: float = AT_RISK_HAZARD_MULTIPLIER) -> float:
    """Chance that one at-risk part fails within the lead time: 1 - exp(-m * AFR * L)."""
    return 1.0 - math.exp(-multiplier * afr_per_year * lead_time_days / DAYS_PER_YEAR)


def lead_time_demand(installed: int, afr_per_year: float, lead_time_days: float,
                     at_risk_probabilities: tuple[float, ...] = ()) -> float:
    """Expected failures over the lead time: n * AFR * L (years) + sum of at-risk chances."""
    return installed * afr_per_year * lead_time_days / DAYS_PER_YEAR + sum(at_risk_probabilities)


def poisson_cdf(k: int, mean: float) -> float:
    """P(Poisson(mean) <= k), summed in log space so large means do not underflow."""
    if k < 0:
        return 0.0
    if mean <= 0:
        return 1.0
    log_mean = math.log(mean)
    total = 0.0
    for i in range(min(k, _MAX_TERMS) + 1):
        total += math.exp(-mean + i * log_mean - math.lgamma(i + 1))
    return min(1.0, total)


def poisson_quantile(mean: float, service_level: float) -> int:
    """The smallest S with P(Poisson(mean) <= S) >= service_level."""
    if not 0.0 < service_level < 1.0:
        raise ValueError(f"service level must be in (0, 1), not {service_level}")
    if mean <= 0:
        return 0
    log_mean = math.log(mean)
    total = 0.0
    limit = int(mean + 40 * math.sqrt(mean) + 100)  # far beyond any quantile we ask for
    for s in range(min(limit, _MAX_TERMS) + 1):
        total += math.exp(-mean + s * log_mean - math.lgamma(s + 1))
        if total >= service_level:
            return s
    return limit


def poisson_pmf(k: int, mean: float) -> float:
    if k < 0:
        return 0.0
    if mean <= 0:
        return 1.0 if k == 0 else 0.0
    return math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))


def window_no_stockout_probability(stock: int, mean: float) -> float:
    """P(no lead-time window within two lead times holds more than `stock` failures).

    With an order-up-to-S policy the shelf runs out at time t when the failures of (t - L, t]
    exceed S; a lead-time window [a, a + L] sees no stock-out when every such span ending in it
    holds at most S, i.e. the scan statistic of a Poisson process over 2L with window L. Naus
    (1982) gives it in closed form (exact for a span of two windows), with k = S + 1, psi = mean:
    Q2 = F(k-1)^2 - (k-1) p(k) p(k-2) - (k-1-psi) p(k) F(k-3).
    """
    if mean <= 0:
        return 1.0
    k = stock + 1
    pk = poisson_pmf(k, mean)
    q2 = (poisson_cdf(k - 1, mean) ** 2 - (k - 1) * pk * poisson_pmf(k - 2, mean)
          - (k - 1 - mean) * pk * poisson_cdf(k - 3, mean))
    return min(1.0, max(0.0, q2))


MOMENT, WINDOW = "moment", "window"


def reorder_point(demand_over_lead_time: float, service_level: float,
                  measure: str = WINDOW) -> int:
    """Stock S to hold so that a lead time's failures are covered with the service level.

    `moment`: the smallest S with P(Poisson(lambda L) <= S) >= level (no stock-out at a given
    moment). `window`: the smallest S whose lead-time windows are free of stock-outs with that
    probability (Naus' scan statistic); never below the `moment` answer.
    """
    base = poisson_quantile(demand_over_lead_time, service_level)
    if measure == MOMENT:
        return base
    if measure != WINDOW:
        raise ValueError(f"service measure must be {MOMENT!r} or {WINDOW!r}, not {measure!r}")
    limit = base + int(10 * math.sqrt(demand_over_lead_time) + 20)
    for stock in range(base, limit + 1):
        if window_no_stockout_probability(stock, demand_over_lead_time) >= service_level:
            return stock
    return limit


def order_quantity(reorder_point_units: int, on_hand: int, reserved: int, on_order: int) -> int:
    """What brings available (on hand - reserved + on order) up to the reorder point."""
    return max(0, reorder_point_units - (on_hand - reserved + on_order))
