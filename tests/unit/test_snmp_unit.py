"""SNMP pure parts: profile files, the interpreter, security policy in the target config."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.collectors.snmp import interpret
from agent.collectors.snmp.collector import parse_config
from agent.collectors.snmp.profiles import builtin_profiles, choose, parse_profile
from hotspare import model
from hotspare.tomlconf import ConfigError, Located, Section

S = model.Status


def test_snmp_every_shipped_profile_parses():
    profiles = builtin_profiles()
    assert {"system", "if-mib", "entity-mib", "entity-sensor-mib", "host-resources", "ucd-snmp",
            "lm-sensors", "ups-mib", "vrrp-mib", "cisco-envmon", "apc-powernet",
            "synology"} <= set(profiles)


def test_snmp_profile_errors_name_file_and_line(tmp_path):
    text = ('name = "x"\n[[tables]]\nname = "t"\ncolumns.a = "1.3.6"\n[[tables.readings]]\n'
            'id = "r"\nkind = "warmth"\n')
    with pytest.raises(ConfigError) as err:
        parse_profile(tmp_path / "x.toml", text)
    assert "x.toml:7:" in str(err.value) and "warmth" in str(err.value)
    bad_column = text.replace('"warmth"', '"temperature"\nvalue = "nope"')
    with pytest.raises(ConfigError, match="unknown column 'nope'"):
        parse_profile(tmp_path / "x.toml", bad_column)


def test_snmp_choose_by_sysobjectid_probe_and_pin():
    profiles = builtin_profiles()
    names = {p.name for p in choose(profiles, "1.3.6.1.4.1.9.1.2066", set())}
    assert "cisco-envmon" in names and "system" in names and "if-mib" not in names
    names = {p.name for p in choose(profiles, "1.3.6.1.4.1.8072", {"1.3.6.1.2.1.2.2.1.1"})}
    assert "if-mib" in names and "cisco-envmon" not in names
    assert [p.name for p in choose(profiles, "x", set(), ("vrrp-mib",))] == ["vrrp-mib"]


def test_snmp_interpreter_scaling_status_and_bad_values():
    table = next(t for t in builtin_profiles()["entity-sensor-mib"].tables)
    base = "1.3.6.1.2.1.99.1.1.1"
    walked = {f"{base}.1.1": 8, f"{base}.2.1": 9, f"{base}.3.1": 1, f"{base}.4.1": 905,
              f"{base}.5.1": 1, "1.3.6.1.2.1.47.1.1.1.1.7.1": "Inlet",
              f"{base}.1.2": 4, f"{base}.2.2": 8, f"{base}.3.2": 0, f"{base}.4.2": "high",
              f"{base}.5.2": 1, "1.3.6.1.2.1.47.1.1.1.1.7.2": "12V"}
    readings, problems = interpret.readings_for("sw", table, walked, 1000,
                                                interpret.CounterState(), False, 60)
    got = {r.sensor_id: r for r in readings}
    temp = got["ent:1:temperature"]
    assert temp.value == 90.5 and temp.status is S.CRITICAL and "(profile)" in temp.reason
    assert temp.name == "Inlet" and temp.labels["threshold_source"] == "mib"
    volt = got["ent:2:voltage"]
    assert volt.status is S.UNKNOWN and "bad value" in volt.reason and problems


def test_snmp_interpreter_bandwidth_needs_two_samples_and_survives_wraps():
    table = next(t for t in builtin_profiles()["if-mib"].tables)
    counters = interpret.CounterState()

    def walk(rx: int, tx: int) -> dict[str, object]:
        return {"1.3.6.1.2.1.2.2.1.2.1": "eth0", "1.3.6.1.2.1.2.2.1.7.1": 1,
                "1.3.6.1.2.1.2.2.1.8.1": 1, "1.3.6.1.2.1.31.1.1.1.6.1": rx,
                "1.3.6.1.2.1.31.1.1.1.10.1": tx, "1.3.6.1.2.1.31.1.1.1.15.1": 1000}

    first, _ = interpret.readings_for("sw", table, walk(0, 0), 0, counters, False, 10)
    assert "if:eth0:bandwidth" not in {r.sensor_id for r in first}
    second, _ = interpret.readings_for("sw", table, walk(1_000_000_000, 0), 10_000, counters,
                                       False, 10)
    bw = next(r for r in second if r.sensor_id == "if:eth0:bandwidth")
    assert bw.value == pytest.approx(80.0) and bw.status is S.WARNING  # 800 Mbit/s of 1000
    wrapped, _ = interpret.readings_for("sw", table, walk(5, 0), 20_000, counters, False, 10)
    assert "if:eth0:bandwidth" not in {r.sensor_id for r in wrapped}  # never an absurd rate


def _section(tmp_path: Path, **target: object) -> Section:
    secrets = tmp_path / "s.toml"
    secrets.write_text('community = "c0mm"\nauth = "auth-key-123"\npriv = "priv-key-456"\n')
    secrets.chmod(0o600)
    data = {"targets": [{"address": "127.0.0.1:1161", "asset": "sw", "secrets_file": str(secrets),
                         **target}]}
    return Section(Located(tmp_path / "agent.toml", "", data), ("collectors", "snmp"), data)


def test_snmp_security_policy(tmp_path):
    with pytest.raises(ConfigError, match="allow_insecure"):
        parse_config(_section(tmp_path, version="2c", community_key="community"))
    cfg = parse_config(_section(tmp_path, version="2c", community_key="community",
                                allow_insecure="old switch"))
    assert "insecure_transport" in cfg.targets[0].asset.flags
    assert "c0mm" not in repr(cfg.targets[0])
    with pytest.raises(ConfigError, match="allow_insecure"):
        parse_config(_section(tmp_path, user="u", auth_protocol="MD5", auth_key="auth",
                              priv_key="priv"))
    with pytest.raises(ConfigError, match="allow_insecure"):
        parse_config(_section(tmp_path, user="u", priv_protocol="DES", auth_key="auth",
                              priv_key="priv"))
    good = parse_config(_section(tmp_path, user="u", auth_key="auth", priv_key="priv"))
    assert good.targets[0].creds.auth_protocol == "SHA-256" and not good.targets[0].asset.flags


def test_snmp_abb_ups_detected_by_sysobjectid_or_its_ident_group():
    profiles = builtin_profiles()
    abb = profiles["abb"]
    assert (abb.vendor, abb.asset_kind) == ("ABB", "ups")
    by_oid = {p.name for p in choose(profiles, "1.3.6.1.4.1.53973.1.1", set())}
    assert "abb" in by_oid and "system" in by_oid
    net_snmp_id = "1.3.6.1.4.1.8072.3.2.10"  # a card reporting a generic sysObjectID
    assert "abb" not in {p.name for p in choose(profiles, net_snmp_id, set())}
    by_probe = {p.name for p in choose(profiles, net_snmp_id, {"1.3.6.1.4.1.53973.1.1.1.1.1"})}
    assert "abb" in by_probe
    # enterprise 5397 (another maker) must not match 53973's prefix, nor 53973 another's
    assert "abb" not in {p.name for p in choose(profiles, "1.3.6.1.4.1.5397.3", set())}
    assert "riello" not in by_oid and "cyberpower" not in by_oid


def _agent_config(tmp_path: Path, target_extra: str) -> Path:
    secrets = tmp_path / "s.toml"
    secrets.write_text('auth = "auth-key-123"\npriv = "priv-key-456"\n')
    secrets.chmod(0o600)
    path = tmp_path / "agent.toml"
    path.write_text(f'[agent]\nid = "a"\n[collectors.snmp]\n[[collectors.snmp.targets]]\n'
                    f'address = "127.0.0.1:1161"\nasset = "nas"\nuser = "u"\n'
                    f'secrets_file = "{secrets}"\nauth_key = "auth"\npriv_key = "priv"\n'
                    f'{target_extra}')
    return path


def test_snmp_storage_patterns_per_target_are_validated_with_file_and_line(tmp_path):
    from agent.config import load_config

    path = _agent_config(tmp_path, "storage_exclude = ['^/backup$', '(unclosed']\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"{path}:11:" in str(err.value) and "storage_exclude" in str(err.value)
    assert "bad regular expression '(unclosed'" in str(err.value)
    path = _agent_config(tmp_path, "storage_include = '^/run$'\n")
    with pytest.raises(ConfigError, match=f"{path}:11:.*storage_include.*list of strings"):
        load_config(path)
    path = _agent_config(tmp_path, "storage_include = ['']\n")
    with pytest.raises(ConfigError, match="empty pattern"):
        load_config(path)
    cfg = load_config(_agent_config(tmp_path, "storage_exclude = ['^/backup$']\n"
                                              "storage_include = ['^/run/user/']\n"))
    target = cfg.collectors["snmp"].targets[0]
    assert (target.storage_exclude, target.storage_include) == (("^/backup$",), ("^/run/user/",))


def _storage(walk: dict[str, object], target_extra: dict[str, tuple[str, ...]] | None = None
             ) -> dict[str, model.Reading]:
    from agent.collectors.snmp.collector import Target, tailored
    from agent.collectors.snmp.session import Credentials

    target = Target("127.0.0.1", 161, Credentials("3"), model.Asset("h", model.AssetKind.NETWORK),
                    **(target_extra or {}))  # type: ignore[arg-type]
    profile = tailored(builtin_profiles()["host-resources"], target)
    got, _ = interpret.readings_for("h", profile.tables[0], walk, 1000,  # type: ignore[arg-type]
                                    interpret.CounterState(), False, 60)
    return {r.sensor_id: r for r in got if r.sensor_id.startswith("hr:storage:")}


def test_snmp_storage_exclusions_per_target_and_read_only_filesystems_on_a_real_walk():
    from tests import snmprec

    walk = snmprec.load(snmprec.DATA / "snmpsim-linux-full-walk.snmprec")
    # the walk's own hrFSTable: /, /usr/local, /export, all readWrite(1), storage rows 31-33
    assert [walk[f"1.3.6.1.2.1.25.3.8.1.5.{i}"] for i in (1, 2, 3)] == [1, 1, 1]
    assert walk["1.3.6.1.2.1.25.3.8.1.7.3"] == 33
    assert walk["1.3.6.1.2.1.25.2.3.1.3.33"] == "/export"
    assert set(_storage(walk)) == {"hr:storage:/", "hr:storage:/usr/local", "hr:storage:/export"}
    assert set(_storage(walk, {"storage_exclude": ("^/export$", "^/usr/")})) == {"hr:storage:/"}
    read_only = dict(walk, **{"1.3.6.1.2.1.25.3.8.1.5.3": 2})  # hrFSAccess readOnly(2)
    assert "hr:storage:/export" not in _storage(read_only)  # joined by hrFSStorageIndex
    kept = _storage(read_only, {"storage_include": ("^/export$",)})
    assert kept["hr:storage:/export"].value == pytest.approx(
        100 * walk["1.3.6.1.2.1.25.2.3.1.6.33"] / walk["1.3.6.1.2.1.25.2.3.1.5.33"])  # type: ignore[operator]
    pseudo = dict(walk, **{"1.3.6.1.2.1.25.2.3.1.3.33": "/run"})  # a profile pattern drops it
    assert "hr:storage:/run" not in _storage(pseudo)
    assert "hr:storage:/run" in _storage(pseudo, {"storage_include": ("^/run$",)})


def test_snmp_profile_join_and_target_filter_are_checked(tmp_path):
    text = ('name = "x"\n[[tables]]\nname = "t"\ncolumns.a = "1.3.6.1"\n'
            'join.key = "1.3.6.2"\njoin.columns.a = "1.3.6.3"\n')
    with pytest.raises(ConfigError, match=r"x\.toml:[0-9]+: tables\.join\.columns: 'a' is already"):
        parse_profile(tmp_path / "x.toml", text)
    with pytest.raises(ConfigError, match=r"target_filter: needs exclude\.column"):
        parse_profile(tmp_path / "x.toml", text.replace("join.columns.a", "join.columns.b")
                      + 'target_filter = "storage"\n')
