"""The [spares] section: per-class overrides of priors, lead times and service levels."""

from __future__ import annotations

from pathlib import Path

import pytest

from controller.config import load_config
from controller.spares.plan import PartLife, plan
from hotspare import model
from hotspare.spares import StockItem
from hotspare.tomlconf import ConfigError


def test_spares_config_overrides_a_class_and_the_plan_uses_it(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[spares.classes.disk]\nprior_afr_percent = 4.0\nlead_time_days = 30\n"
                    "service_level_percent = 99\n\n[spares.classes.gpu]\nlead_time_days = 60\n")
    cfg = load_config(path).spares
    disk = cfg.for_class("disk")
    assert (disk.prior_afr_per_year, disk.lead_time_days, disk.service_level) == (
        pytest.approx(0.04), 30, pytest.approx(0.99))
    assert cfg.for_class("gpu").lead_time_days == 60
    assert cfg.for_class("psu").lead_time_days == 21  # untouched built-in
    parts = [PartLife(model.Component(f"d{i}", "h", "disk", model="M", part_number="M"), "lon",
                      0, 0, False) for i in range(100)]
    (line,) = plan([StockItem("M", "lon")], parts, {}, 0, classes=cfg.classes)
    assert (line.lead_time_days, line.service_level) == (30, pytest.approx(0.99))
    assert line.afr_per_year == pytest.approx(0.04) and "configured class disk" in line.afr_source


@pytest.mark.parametrize(("body", "message"), [
    ("service_level_percent = 100", "must be below 100"),
    ('service_measure = "yearly"', "must be 'window' or 'moment'"),
    ('lead_time_days = "two weeks"', "expected a number"),
    ("lead_times = 3", "unknown key"),
])
def test_spares_config_errors_name_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"[spares.classes.disk]\n{body}\n")
    with pytest.raises(ConfigError, match=message) as err:
        load_config(path)
    assert f"{path}:2" in str(err.value)
