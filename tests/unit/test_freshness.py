"""One freshness rule for the fleet view and the alert engine: stale after 3 own intervals."""

from __future__ import annotations

from controller import fleet
from controller.alerts.engine import AlertEngine
from controller.alerts.rules import default_rules
from controller.freshness import freshness, stale_after_ms
from controller.store import AgentRow
from hotspare import model

K, S = model.ReadingKind, model.Status
SEC = 1000


def smart_reading(t_ms: int) -> model.Reading:
    """A failing-disk verdict from a SMART collector polling every 300 s."""
    return model.Reading("srv1", "disk:sda:health", K.DISK_HEALTH, None, "", S.CRITICAL,
                         "reallocated sectors", t_ms, labels={"interval_seconds": "300"})


def agent(last_seen_ms: int) -> AgentRow:
    return AgentRow("ag", "h", "v", "local,smart", 10.0, 0, last_seen_ms, 0, "srv1")


def test_freshness_rule_uses_the_longer_of_own_and_agent_interval() -> None:
    assert stale_after_ms(300.0, 10.0) == 900 * SEC
    assert stale_after_ms(0.0, 10.0) == 30 * SEC
    assert stale_after_ms(5.0, 30.0) == 90 * SEC
    assert stale_after_ms(0.0, None) == 30 * SEC
    r = smart_reading(0)
    assert freshness(r, 10.0, 899 * SEC).fresh and not freshness(r, 10.0, 901 * SEC).fresh


def test_freshness_alert_on_a_300s_series_stays_firing_at_200s_and_is_no_data_after_900s() -> None:
    engine = AlertEngine(default_rules())
    changes = engine.process([smart_reading(0)], 0)
    (alert,) = [a for a in changes.alerts.values() if a.sensor_id == "disk:sda:health"]
    assert alert.state == "firing"
    intervals = {"srv1": 10.0}.get
    engine.tick(200 * SEC, {}, intervals)
    assert alert.state == "firing" and not alert.no_data  # the old fixed rule said no_data at 180 s
    engine.tick(899 * SEC, {}, intervals)
    assert not alert.no_data
    engine.tick(901 * SEC, {}, intervals)
    assert alert.state == "firing" and alert.no_data  # no data never resolves


def test_freshness_fleet_view_agrees_with_the_alert_engine() -> None:
    r = smart_reading(0)
    ag = agent(200 * SEC)
    shown = fleet.effective_reading(r, ag, True, 200 * SEC)
    assert shown.status is S.CRITICAL
    shown = fleet.effective_reading(r, ag, True, 901 * SEC)
    assert shown.status is S.UNKNOWN and "stale" in shown.reason
