"""TOML config errors name the file, the key and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import load_config
from controller.config import load_config as load_controller_config
from hotspare.tomlconf import ConfigError, parse_address


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agent.toml"
    path.write_text(text)
    return path


def test_config_unknown_key_names_file_key_and_line(tmp_path):
    path = _write(tmp_path, '[agent]\nid = "a"\n\n[collectors.local]\ninterval_seconds = 5\nintervall = 3\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"{path}:6:" in str(err.value)
    assert "collectors.local.intervall" in str(err.value) and "unknown key" in str(err.value)


def test_config_wrong_type_names_line(tmp_path):
    path = _write(tmp_path, '[agent]\nid = "a"\n[collectors.local]\ninterval_seconds = "fast"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"{path}:4:" in str(err.value) and "expected a number" in str(err.value)


def test_config_bad_address(tmp_path):
    path = _write(tmp_path, '[agent]\nid = "a"\n[agent.stream]\ncontroller = "nohost:99999"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"{path}:4:" in str(err.value) and "bad port" in str(err.value)


def test_config_syntax_error_has_line(tmp_path):
    path = _write(tmp_path, '[agent]\nid = "a\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "line 2" in str(err.value)


def test_config_unknown_collector(tmp_path):
    path = _write(tmp_path, '[agent]\nid="a"\n[collectors.nosuch]\n')
    with pytest.raises(ConfigError, match="unknown collector"):
        load_config(path)


def test_config_timeout_above_interval_refused(tmp_path):
    path = _write(tmp_path, "[collectors.local]\ninterval_seconds = 1\ntimeout_seconds = 5\n")
    with pytest.raises(ConfigError, match="must not exceed interval_seconds"):
        load_config(path)


def test_config_controller_file_errors(tmp_path):
    path = tmp_path / "controller.toml"
    path.write_text('[controller]\nlisten = "127.0.0.1:50051"\nsynchronous = "SOMETIMES"\n')
    with pytest.raises(ConfigError) as err:
        load_controller_config(path)
    assert f"{path}:3:" in str(err.value)


def test_config_valid_file_loads(tmp_path):
    path = _write(tmp_path, '[agent]\nid = "a1"\n[agent.asset]\nrack = "r1"\nkind = "storage"\n'
                            "[collectors.local]\ninterval_seconds = 2\n")
    cfg = load_config(path, controller="127.0.0.1:6000")
    assert cfg.agent_id == "a1" and cfg.host_asset.location.rack == "r1"
    assert cfg.host_asset.kind.value == "storage"
    assert cfg.stream.controller == "127.0.0.1:6000"
    assert cfg.collectors["local"].interval_seconds == 2


@pytest.mark.parametrize("text,ok", [("127.0.0.1:50051", True), ("[::1]:80", True),
                                     ("host", False), ("h:0", False), ("h:abc", False),
                                     (":80", False), ("a b:80", False)])
def test_parse_address(text, ok):
    if ok:
        assert parse_address(text)[1] > 0
    else:
        with pytest.raises(ValueError):
            parse_address(text)


def test_config_spool_defaults_next_to_the_config_file(tmp_path):
    path = _write(tmp_path, "[agent]\nid = \"a\"\n")
    cfg = load_config(path)
    assert cfg.spool.state_dir == tmp_path / "hotspare-agent-state"
    assert cfg.spool.max_bytes == 256 * 1024 * 1024 and cfg.spool.max_age_seconds == 7 * 86400
    assert cfg.stream.flush_interval_seconds == 0.0


def test_config_spool_keys_relative_state_dir_and_override(tmp_path):
    path = _write(tmp_path, "[agent]\nid = \"a\"\nstate_dir = \"st\"\n[agent.spool]\n"
                            "max_bytes = 1048576\nmax_age_seconds = 3600\n")
    cfg = load_config(path)
    assert cfg.spool.state_dir == tmp_path / "st"
    assert (cfg.spool.max_bytes, cfg.spool.max_age_seconds) == (1048576, 3600.0)
    assert load_config(path, state_dir=Path("elsewhere")).spool.state_dir == Path(
        "elsewhere").absolute()


def test_config_spool_bad_values_name_key_and_line(tmp_path):
    path = _write(tmp_path, "[agent]\nid = \"a\"\n[agent.spool]\nmax_bytes = 10\n")
    with pytest.raises(ConfigError, match=r":4: agent\.spool\.max_bytes: must be at least 65536"):
        load_config(path)
    path = _write(tmp_path, "[agent]\nid = \"a\"\n[agent.spool]\nmax_size = 10\n")
    with pytest.raises(ConfigError, match=r":4: agent\.spool\.max_size: unknown key"):
        load_config(path)


def test_config_not_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "agent.toml"
    path.write_bytes(b"[agent]\n# caf\xe9\nid = \"a\"\n")
    with pytest.raises(ConfigError, match=r"agent\.toml:2: not UTF-8 text \(at byte offset 13\)"):
        load_config(path)
