"""Pure alert lifecycle over sequences of readings and clock values."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from controller.alerts.engine import FLAP_WINDOW_MS, AlertEngine
from controller.alerts.rules import Rule, default_rules, merge_rules
from hotspare import model
from hotspare.maintenance import Matcher, Silence, Window, held

K, S = model.ReadingKind, model.Status
MIN = 60_000


def cpu(value, t, asset="srv1", status=S.OK, **kw):
    return model.Reading(asset, "cpu", K.CPU, value, "%", status, "", t, **kw)


def engine(hold=None, parents=None, rules=None):
    return AlertEngine(rules if rules is not None else default_rules(), hold=hold, parents=parents)


def states(changes):
    return [t.state for t in changes.transitions]


def kinds(changes):
    return [n.kind for n in changes.notifications]


def test_alerts_threshold_with_for_and_hysteresis():
    e = engine()
    c = e.process([cpu(85, 0)], 0)
    assert states(c) == ["pending"] and not c.notifications
    assert states(e.process([cpu(90, 4 * MIN)], 4 * MIN)) == []  # not yet 5 minutes
    c = e.process([cpu(88, 5 * MIN)], 5 * MIN)
    assert states(c) == ["firing"] and kinds(c) == ["firing"]
    alert = c.notifications[0].alert
    assert alert.level == 3 and alert.threshold == ">= 80" and alert.threshold_source == "default"
    assert states(e.process([cpu(78, 6 * MIN)], 6 * MIN)) == []  # below 80, above recovery 75
    c = e.process([cpu(70, 7 * MIN)], 7 * MIN)
    assert states(c) == ["resolved"] and kinds(c) == ["resolved"]


def test_alerts_pending_that_clears_never_notifies():
    e = engine()
    e.process([cpu(85, 0)], 0)
    c = e.process([cpu(50, MIN)], MIN)
    assert states(c) == ["resolved"] and not c.notifications


def test_alerts_unknown_never_resolves_a_firing_alert():
    e = engine()
    e.process([cpu(95, 0)], 0)
    e.process([cpu(95, 5 * MIN)], 5 * MIN)
    c = e.process([cpu(None, 6 * MIN, status=S.UNKNOWN)], 6 * MIN)
    (alert,) = c.alerts.values()
    assert alert.state == "firing" and alert.no_data and "no data" in alert.reason
    c = e.tick(60 * MIN)  # silence for an hour: still firing, says no data
    assert all(a.state == "firing" for a in e.open.values())
    assert not any(n.kind == "resolved" for n in c.notifications)


def test_alerts_stale_series_is_no_data_not_resolved():
    e = engine()
    e.process([cpu(95, 0)], 0)
    e.process([cpu(95, 5 * MIN)], 5 * MIN)
    c = e.tick(20 * MIN)
    (alert,) = c.alerts.values()
    assert alert.state == "firing" and alert.no_data


def test_alerts_device_status_rule_level_2_with_device_source():
    e = engine()
    r = model.Reading("srv1", "ipmi:CPU Temp", K.TEMPERATURE, 96.0, "C", S.CRITICAL,
                      "96 >= upper critical 95 (BMC)", 0, labels={"threshold_source": "bmc"})
    c = e.process([r], 0)
    assert kinds(c) == ["firing"]
    alert = c.notifications[0].alert
    assert alert.level == 2 and alert.threshold_source == "device:bmc"
    assert "upper critical 95" in alert.reason


def test_alerts_operator_override_wins_over_device_and_default():
    op = Rule("hot_cpu_temp", 1, (K.TEMPERATURE,), "above", 70.0, sensor="ipmi:CPU*",
              source="operator")
    e = engine(rules=merge_rules(default_rules(), [op]))
    r = model.Reading("srv1", "ipmi:CPU Temp", K.TEMPERATURE, 75.0, "C", S.OK, "", 0,
                      labels={"threshold_source": "bmc"})
    c = e.process([r], 0)
    (n,) = c.notifications
    assert n.alert.rule == "hot_cpu_temp" and n.alert.threshold_source == "operator"
    assert n.alert.level == 1


def test_alerts_disk_bands_do_not_double_alert():
    e = engine()
    r = model.Reading("srv1", "disk:/dev/sda:health", K.DISK_HEALTH, 2.0, "", S.CRITICAL, "x", 0)
    c = e.process([r], 0)
    assert [n.alert.rule for n in c.notifications] == ["disk_failing"]


def test_alerts_flapping_notifies_once_per_episode():
    e = engine(rules=[Rule("t", 2, (K.CPU,), "above", 80.0)])
    sent = []
    t = 0
    for i in range(12):
        value = 90 if i % 2 == 0 else 10
        sent += kinds(e.process([cpu(value, t)], t))
        t += MIN
    assert sent[:4] == ["firing", "resolved", "firing", "resolved"]
    assert sent.count("flapping") == 1
    assert len(sent) <= 6  # without damping it would be 12
    quiet = e.tick(t + FLAP_WINDOW_MS + MIN)
    assert [n.kind for n in quiet.notifications] in (["resolved"], [])
    assert all(not a.flapping for a in e.open.values())


def test_alerts_children_fold_into_down_parent():
    parents = {f"srv{i}": "rack-switch" for i in range(40)}
    e = engine(parents=parents)
    down = {"rack-switch": "agent down"} | {f"srv{i}": "agent down" for i in range(40)}
    c = e.tick(0, down_assets=down)
    assert len(c.notifications) == 1
    parent = c.notifications[0].alert
    assert parent.asset_id == "rack-switch" and parent.children == 40 and parent.level == 2
    c = e.tick(MIN, down_assets={})
    assert [n.alert.asset_id for n in c.notifications] == ["rack-switch"]
    assert c.notifications[0].kind == "resolved"


def test_alerts_held_in_maintenance_then_notified_when_it_ends():
    window = Window("w1", "nightly", start="01:00", end="05:00", timezone="UTC")
    e = engine(hold=lambda a, now: held(a.asset_id, a.rule, a.level, now, [], [window]))
    base = int(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC).timestamp() * 1000)
    r = model.Reading("srv1", "fan1", K.FAN, 0.0, "RPM", S.CRITICAL, "fan stopped", base)
    c = e.process([r], base)
    assert not c.notifications and next(iter(c.alerts.values())).held_reason.startswith("maint")
    assert not e.tick(base + 60 * MIN).notifications  # 03:00, still in the window
    c = e.tick(base + 3 * 60 * MIN + MIN)  # 05:01: still firing -> one notification
    assert kinds(c) == ["firing"]
    assert not e.tick(base + 4 * 60 * MIN).notifications


def test_alerts_resolved_within_maintenance_never_notifies():
    window = Window("w1", "nightly", start="01:00", end="05:00")
    e = engine(hold=lambda a, now: held(a.asset_id, a.rule, a.level, now, [], [window]))
    base = int(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC).timestamp() * 1000)
    e.process([model.Reading("s", "fan1", K.FAN, 0.0, "", S.CRITICAL, "x", base)], base)
    e.process([model.Reading("s", "fan1", K.FAN, 900.0, "", S.OK, "", base + MIN)], base + MIN)
    assert not e.tick(base + 4 * 60 * MIN).notifications


def test_alerts_silence_holds_until_expiry():
    silence = Silence("s1", Matcher(asset="srv*"), "ann", "swapping PSU", 0, 10 * MIN)
    e = engine(hold=lambda a, now: held(a.asset_id, a.rule, a.level, now, [silence], []))
    r = model.Reading("srv1", "psu1", K.PSU, None, "", S.CRITICAL, "PSU failure", MIN)
    c = e.process([r], MIN)
    assert not c.notifications and "silenced by ann" in next(iter(c.alerts.values())).held_reason
    assert not e.tick(5 * MIN).notifications
    assert kinds(e.tick(10 * MIN)) == ["firing"]


def _ms(year, month, day, hour, minute, tz):
    return int(dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz)).timestamp() * 1000)


@pytest.mark.parametrize("hour,minute,day,expected", [
    (23, 30, 2, True), (0, 30, 3, True), (1, 59, 3, True), (2, 0, 3, False), (21, 59, 2, False)])
def test_maintenance_window_across_midnight(hour, minute, day, expected):
    w = Window("w", "late", start="22:00", end="02:00", timezone="Europe/Paris")
    assert w.active(_ms(2026, 11, day, hour, minute, "Europe/Paris")) is expected


def test_maintenance_window_across_dst_change():
    w = Window("w", "night", start="01:00", end="05:00", timezone="Europe/London")
    # 2026-03-29: clocks go 01:00 -> 02:00 in London; 04:30 local is still inside
    assert w.active(_ms(2026, 3, 29, 4, 30, "Europe/London"))
    assert not w.active(_ms(2026, 3, 29, 5, 30, "Europe/London"))
    # 2026-10-25: 01:00-02:00 happens twice; both are inside
    first = int(dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC).timestamp() * 1000)  # 01:30 BST
    second = first + 3_600_000  # 01:30 GMT
    assert w.active(first) and w.active(second)


def test_maintenance_window_in_another_time_zone_and_weekends_and_dates():
    w = Window("w", "tokyo nights", start="01:00", end="05:00", timezone="Asia/Tokyo")
    assert w.active(_ms(2026, 6, 1, 17, 0, "UTC"))  # 02:00 in Tokyo
    assert not w.active(_ms(2026, 6, 1, 1, 30, "UTC"))  # 10:30 in Tokyo
    weekend = Window("w2", "weekends", days=("sat", "sun"), timezone="UTC")
    assert weekend.active(_ms(2026, 11, 28, 12, 0, "UTC")) and not weekend.active(
        _ms(2026, 11, 27, 12, 0, "UTC"))
    holiday = Window("w3", "holiday", dates=("2026-12-25",), timezone="UTC")
    assert holiday.active(_ms(2026, 12, 25, 18, 0, "UTC"))
    assert not holiday.active(_ms(2026, 12, 26, 18, 0, "UTC"))


def test_silence_expiry_and_matcher():
    s = Silence("s", Matcher(asset="db-*", level=1), "bob", "drill", 100, 200)
    assert s.active(150) and not s.active(200)
    assert held("db-1", "x", 1, 150, [s], []) and not held("db-1", "x", 2, 150, [s], [])
    assert not held("web-1", "x", 1, 150, [s], [])


def test_alerts_rate_of_change_rule():
    rule = Rule("temp_rising", 2, (K.TEMPERATURE,), "rate", 5.0, source="operator")
    e = engine(rules=[rule])

    def temp(v, t):
        return model.Reading("s", "inlet", K.TEMPERATURE, v, "C", S.OK, "", t)

    assert not e.process([temp(20, 0)], 0).transitions  # first reading: no rate yet
    assert not e.process([temp(22, MIN)], MIN).transitions  # +2/min
    c = e.process([temp(30, 2 * MIN)], 2 * MIN)  # +8/min
    assert kinds(c) == ["firing"] and "+8/min" in c.notifications[0].alert.reason
    assert kinds(e.process([temp(31, 3 * MIN)], 3 * MIN)) == ["resolved"]


def test_alerts_absent_rule_fires_when_a_series_goes_quiet():
    rule = Rule("heartbeat_gone", 1, (K.HEARTBEAT,), "absent", absent_seconds=60,
                source="operator")
    e = engine(rules=[rule])
    e.process([model.Reading("db1", "hb", K.HEARTBEAT, 1.0, "", S.OK, "", 0)], 0)
    assert not e.tick(30_000).notifications
    c = e.tick(61_000)
    assert kinds(c) == ["firing"] and c.notifications[0].alert.level == 1
