"""Alerts an operator can act on: summaries that say what broke, hints, levels by criticality."""

from __future__ import annotations

from controller.alerts.engine import AlertEngine
from controller.alerts.rules import default_rules
from controller.config import load_config
from controller.store.alerts import notification_groups
from hotspare import model

K, S = model.ReadingKind, model.Status


def reading(sensor, kind, status, reason, name, asset="nas1", labels=None, value=None):
    return model.Reading(asset, sensor, kind, value, "", status, reason, 1000, name,
                         labels or {})


def fire(readings, criticality=None):
    """The alerts the built-in rules raise at once (all have for_seconds 0)."""
    e = AlertEngine(default_rules())
    e.criticality = criticality or {}
    changes = e.process(readings, 1000)
    return {a.sensor_id: a for a in changes.alerts.values()}, changes


def test_summaries_say_what_broke_and_where():
    alerts, _ = fire([
        reading("syno:disk:2:status", K.DISK_HEALTH, S.CRITICAL, "crashed", "Disk 2 status",
                labels={"volume": "Volume 1"}),
        reading("syno:raid:Volume 1", K.REDUNDANCY, S.CRITICAL, "degraded", "Volume 1"),
        reading("syno:power", K.PSU, S.CRITICAL, "power supply failed", "Power supply"),
        reading("ipmi:PSU1 Status", K.PSU, S.CRITICAL, "", "PSU1 Status"),
        reading("cisco:fan:Fan 2", K.FAN, S.CRITICAL, "not functioning", "Fan 2"),
        reading("syno:system_fan", K.FAN, S.CRITICAL, "fan failed", "System fan"),
    ])
    got = {k: (a.rule, a.summary) for k, a in alerts.items()}
    assert got == {
        "syno:disk:2:status": ("disk_failing", "Disk 2 crashed in Volume 1"),
        "syno:raid:Volume 1": ("redundancy_lost", "Volume 1 degraded (redundancy lost)"),
        "syno:power": ("psu_failed", "Power supply failed"),
        "ipmi:PSU1 Status": ("psu_failed", "PSU1 power supply failed"),
        "cisco:fan:Fan 2": ("fan_failed", "Fan 2 not functioning"),
        "syno:system_fan": ("fan_failed", "System fan failed"),
    }
    assert all("power supply" not in a.summary for a in alerts.values() if a.rule != "psu_failed")


def test_control_characters_in_device_text_do_not_break_the_summary_shape():
    alerts, _ = fire([reading("x", K.PSU, S.CRITICAL, "", "PSU\x1b[2J 1")])
    assert alerts["x"].summary.startswith("PSU\x1b[2J 1")  # stored raw; escaped at the terminal


def test_built_in_rules_have_hints_and_alerts_and_webhooks_carry_them():
    assert all(r.hint for r in default_rules())
    alerts, changes = fire([reading("syno:raid:Volume 1", K.REDUNDANCY, S.CRITICAL, "degraded",
                                    "Volume 1")])
    alert = alerts["syno:raid:Volume 1"]
    assert "replace" in alert.hint and alert.view().hint == alert.hint
    payloads = [p for _, p in notification_groups(changes)]
    assert payloads and payloads[0]["alerts"][0]["hint"] == alert.hint


def test_operator_rule_hint_from_toml(tmp_path):
    path = tmp_path / "controller.toml"
    path.write_text('[[alerts.rules]]\nname = "hot"\nkinds = ["temperature"]\n'
                    'threshold = 70\nhint = "check the CRAC unit"\n')
    (rule,) = load_config(path).alerts.rules
    assert rule.hint == "check the CRAC unit"


def test_levels_follow_impact():
    on_battery = reading("apc:output_status", K.POWER_STATE, S.WARNING, "on battery",
                         "Output status", asset="ups1", labels={"state": "3"}, value=3.0)
    replace = reading("apc:battery_replace", K.BATTERY, S.WARNING, "battery needs replacing",
                      "Battery replacement", asset="ups1", labels={"state": "2"}, value=2.0)
    raid = reading("syno:raid:Volume 1", K.REDUNDANCY, S.CRITICAL, "degraded", "Volume 1")
    fan = reading("cisco:fan:Fan 2", K.FAN, S.CRITICAL, "not functioning", "Fan 2")
    plain, _ = fire([on_battery, replace, raid, fan])
    assert {k: a.level for k, a in plain.items()} == {
        "apc:output_status": 2, "apc:battery_replace": 3, "syno:raid:Volume 1": 2,
        "cisco:fan:Fan 2": 3}
    core, _ = fire([on_battery, replace, raid, fan],
                   criticality={"ups1": "critical", "nas1": "high"})
    assert {k: a.level for k, a in core.items()} == {
        "apc:output_status": 1, "apc:battery_replace": 2, "syno:raid:Volume 1": 1,
        "cisco:fan:Fan 2": 3}
    assert core["apc:output_status"].summary == "Output on battery (UPS output not on mains)"


def test_fleet_reason_names_the_crashed_disk_not_the_fan():
    from controller import fleet
    from controller.store import AgentRow

    asset = model.Asset("nas1", model.AssetKind.STORAGE, "nas1")
    fan = reading("cisco:fan:Fan 2", K.FAN, S.CRITICAL, "not functioning", "Fan 2")
    disk = reading("syno:disk:2:status", K.DISK_HEALTH, S.CRITICAL, "crashed", "Disk 2 status")
    agent = AgentRow("a1", "h", "1", "ipmi", 10.0, 0, 1000, 0)
    (s,) = fleet.summarize([(asset, "a1")], [agent], [fan, disk], 1000)
    assert s.worst_reason == "Disk 2 status: crashed"


def test_snmp_device_criticality_becomes_an_asset_label(tmp_path):
    import pytest

    from agent.collectors.snmp.collector import parse_config
    from hotspare.tomlconf import ConfigError
    from tests.unit.test_snmp_unit import _section

    cfg = parse_config(_section(tmp_path, user="u", auth_key="auth", priv_key="priv",
                                criticality="High"))
    assert cfg.targets[0].asset.labels["criticality"] == "high"
    plain = parse_config(_section(tmp_path, user="u", auth_key="auth", priv_key="priv"))
    assert "criticality" not in plain.targets[0].asset.labels
    with pytest.raises(ConfigError, match="criticality"):
        parse_config(_section(tmp_path, user="u", auth_key="auth", priv_key="priv",
                              criticality="urgent"))
