"""IPMI pure parts: security refusals, default passwords, secrets files, BMC status mapping."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from agent.collectors.ipmi import readings as conv
from agent.collectors.ipmi.collector import parse_config
from agent.collectors.ipmi.transport import BmcInsecure, BmcSession, SensorSample, _map
from hotspare import model
from hotspare.secrets import load_secret
from hotspare.tomlconf import ConfigError, Located, Section


def _session_with(**attrs):
    """A BmcSession around a stand-in pyghmi session with the given negotiated values."""
    s = object.__new__(BmcSession)
    s._cmd = types.SimpleNamespace(ipmi_session=types.SimpleNamespace(**attrs))
    return s


def test_ipmi_refuses_cipher_suite_zero_and_ipmi15():
    with pytest.raises(BmcInsecure, match="cipher suite 0"):
        _session_with(ipmiversion=2.0, integrityalgo=0, confalgo=0,
                      ipmi15only=False)._check_security()
    with pytest.raises(BmcInsecure, match=r"1\.5"):
        _session_with(ipmiversion=1.5, integrityalgo=1, confalgo="aes",
                      ipmi15only=True)._check_security()
    info = _session_with(ipmiversion=2.0, integrityalgo=1, confalgo="aes",
                         ipmi15only=False)._check_security()
    assert info.cipher_suite == 3


def test_ipmi_code_never_asks_for_ipmi15_or_cipher_zero():
    source = (Path(__file__).resolve().parents[2] / "agent" / "collectors" / "ipmi" /
              "transport.py").read_text()
    call = source[source.index("ipmi_command.Command("):].split(")")[0]
    assert "ipmi15" not in call and "cipher" not in call and "kg=" not in call


def _config(tmp_path: Path, password: str, mode: int = 0o600, extra: str = "") -> Section:
    secrets = tmp_path / "s.toml"
    secrets.write_text(f'[b]\npassword = "{password}"\n')
    secrets.chmod(mode)
    data = {"bmcs": [{"address": "127.0.0.1:6230", "user": "admin", "asset": "srv",
                      "secrets_file": str(secrets), "password_key": "b.password"}]}
    if extra:
        data["bmcs"][0]["allow_default_password"] = True
    doc = Located(tmp_path / "agent.toml", "", data)
    return Section(doc, ("collectors", "ipmi"), data)


def test_ipmi_vendor_default_password_refused_unless_allowed(tmp_path):
    with pytest.raises(ConfigError, match="vendor default"):
        parse_config(_config(tmp_path, "admin"))
    cfg = parse_config(_config(tmp_path, "admin", extra="allow"))
    assert cfg.bmcs[0].password == "admin"
    assert "admin" not in repr(cfg.bmcs[0]).split("user=")[0]  # password is not in repr
    assert "password=" not in repr(cfg.bmcs[0])


def test_ipmi_secrets_file_must_be_private(tmp_path):
    with pytest.raises(ConfigError, match="0600 or 0400"):
        parse_config(_config(tmp_path, "Long-Enough-Secret-1", mode=0o644))
    path = tmp_path / "ok.toml"
    path.write_text('[x]\npassword = "Long-Enough-Secret-1"\n')
    path.chmod(0o400)
    assert load_secret(path, "x.password") == "Long-Enough-Secret-1"
    with pytest.raises(ConfigError) as err:
        load_secret(path, "x.missing")
    assert "Long-Enough" not in str(err.value)


def test_ipmi_short_password_warns(tmp_path, caplog):
    parse_config(_config(tmp_path, "short-1"))
    assert "shorter than" in caplog.text and "short-1" not in caplog.text


def _sample(**kw):
    base = dict(name="CPU Temp", number=1, type="Temperature", value=95.0, units="°C",
                health=2, states=("upper critical threshold",), unavailable=False,
                thresholds={"upper_critical": 90.0})
    return SensorSample(**(base | kw))


def test_ipmi_status_from_bmc_thresholds_never_guessed():
    status, reason = conv.status_of(_sample())
    assert status is model.Status.CRITICAL and reason == "95 >= upper critical 90 (BMC)"
    ok = conv.status_of(_sample(value=99.0, health=0, states=()))
    assert ok[0] is model.Status.OK  # the BMC says ok: we do not second-guess the value
    psu = conv.status_of(_sample(type="Power Supply", value=None, units="", health=2,
                                 states=("Present", "Failure"), thresholds={}))
    assert psu == (model.Status.CRITICAL, "Failure")
    assert conv.status_of(_sample(unavailable=True))[0] is model.Status.UNKNOWN
    r = conv.sensor_reading("srv", _sample(), 1, 30)
    assert r.kind is model.ReadingKind.TEMPERATURE and r.unit == "C"
    assert r.labels["threshold_source"] == "bmc"
    power = conv.sensor_reading("srv", _sample(type="Current", units="W", health=0, states=()),
                                1, 30)
    assert power.kind is model.ReadingKind.POWER


def test_ipmi_error_mapping():
    assert _map(Exception("Incorrect password provided")).kind == "auth_failed"
    assert _map(Exception("None")).kind == "unreachable"
    assert _map(Exception("Session no longer connected")).kind == "unreachable"


def test_ipmi_pyghmi_stays_in_the_worker_process():
    """Only transport.py imports pyghmi, and only the worker imports transport: the agent
    process never loads pyghmi, so its shared I/O loop is never shared between BMCs."""
    import ast

    root = Path(__file__).resolve().parents[2]
    importers: dict[str, set[str]] = {"pyghmi": set(), "agent.collectors.ipmi.transport": set()}
    for package in ("agent", "hotspare", "controller", "tui"):
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                for name in names:
                    for wanted, found in importers.items():
                        if name == wanted or name.startswith(wanted + "."):
                            found.add(str(path.relative_to(root)))
    assert importers["pyghmi"] == {"agent/collectors/ipmi/transport.py"}
    assert importers["agent.collectors.ipmi.transport"] == {"agent/collectors/ipmi/worker.py"}
