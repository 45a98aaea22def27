"""[metrics] listen in the controller and agent TOML: parsed, validated with file:line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import load_config as load_agent
from agent.config import with_metrics_listen
from agent.metrics import collector_of
from controller.config import load_config as load_controller
from hotspare.tomlconf import ConfigError


def test_metrics_config_controller_listen_is_read(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[controller]\nlisten = "127.0.0.1:50051"\n[metrics]\nlisten = "127.0.0.1:9464"\n')
    assert load_controller(path).metrics_listen == "127.0.0.1:9464"
    assert load_controller(path, metrics_listen="127.0.0.1:9999").metrics_listen == "127.0.0.1:9999"
    assert load_controller(None).metrics_listen == ""


def test_metrics_config_bad_listen_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[metrics]\n\nlisten = "nowhere"\n')
    with pytest.raises(ConfigError, match=r"c\.toml:3.*listen.*HOST:PORT"):
        load_controller(path)
    with pytest.raises(ConfigError, match="--metrics-listen"):
        load_controller(None, metrics_listen="127.0.0.1:99999")


def test_metrics_config_agent_listen_and_unknown_key(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('[agent]\nid = "a1"\n[metrics]\nlisten = "127.0.0.1:9465"\n')
    cfg = load_agent(path)
    assert cfg.metrics_listen == "127.0.0.1:9465"
    assert with_metrics_listen(cfg, "127.0.0.1:9466").metrics_listen == "127.0.0.1:9466"
    path.write_text('[agent]\nid = "a1"\n[metrics]\nlisten = "127.0.0.1:9465"\nport = 1\n')
    with pytest.raises(ConfigError, match=r"a\.toml:5.*port.*unknown key"):
        load_agent(path)


def test_metrics_collector_of_names_the_collector() -> None:
    assert collector_of("collector:local") == "local"
    assert collector_of("snmp:poll") == "snmp"
    assert collector_of("ipmi:poll") == "ipmi"


def test_metrics_config_fleet_readings_off_by_default_and_bounded(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[metrics]\nlisten = "127.0.0.1:9464"\n')
    assert load_controller(path).metrics_reading_series == 0
    path.write_text('[metrics]\nfleet_readings = true\n')
    assert load_controller(path).metrics_reading_series == 10_000
    path.write_text('[metrics]\nfleet_readings = true\nmax_reading_series = 0\n')
    with pytest.raises(ConfigError, match=r"c\.toml:3.*max_reading_series"):
        load_controller(path)
    path.write_text('[metrics]\nmax_reading_series = 5\n')
    with pytest.raises(ConfigError, match="only with fleet_readings"):
        load_controller(path)
