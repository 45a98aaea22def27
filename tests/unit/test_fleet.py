"""Fleet summaries: worst status, agent liveness and staleness make readings unknown."""

from __future__ import annotations

from controller import fleet
from controller.store import AgentRow
from hotspare import model

NOW = 1_000_000_000


def _agent(last_seen_ms: int, interval: float = 10.0) -> AgentRow:
    return AgentRow("ag", "h", "0", "local", interval, 0, last_seen_ms, 0)


def _r(sensor: str, status: model.Status, t: int = NOW - 1000, kind=model.ReadingKind.CPU):
    return model.Reading("a", sensor, kind, 1.0, "%", status, f"{sensor} reason", t)


ASSET = [(model.Asset("a", model.AssetKind.SERVER), "ag")]


def test_fleet_worst_status_wins():
    out = fleet.summarize(ASSET, [_agent(NOW)], [_r("cpu", model.Status.OK),
                                               _r("fan", model.Status.CRITICAL)], NOW)
    assert out[0].worst_status is model.Status.CRITICAL and "fan" in out[0].worst_reason


def test_fleet_agent_down_after_three_intervals_makes_everything_unknown():
    out = fleet.summarize(ASSET, [_agent(NOW - 31_000)], [_r("cpu", model.Status.OK)], NOW)
    assert not out[0].agent_up and out[0].worst_status is model.Status.UNKNOWN
    assert "down" in out[0].worst_reason
    assert fleet.agent_up(_agent(NOW - 29_000), NOW)


def test_fleet_stale_reading_is_unknown_not_ok():
    stale = _r("cpu", model.Status.OK, t=NOW - 60_000)
    shown = fleet.effective_reading(stale, _agent(NOW), True, NOW)
    assert shown.status is model.Status.UNKNOWN and shown.reason.startswith("stale")


def test_fleet_slow_sensor_with_own_interval_not_stale():
    r = model.Reading("a", "disk", model.ReadingKind.DISK_HEALTH, None, "", model.Status.OK, "",
                      NOW - 400_000, labels={"interval_seconds": "300"})
    assert fleet.effective_reading(r, _agent(NOW), True, NOW).status is model.Status.OK


def test_fleet_no_readings_is_unknown():
    out = fleet.summarize(ASSET, [_agent(NOW)], [], NOW)
    assert out[0].worst_status is model.Status.UNKNOWN


def test_fleet_headline_picks_cpu_memory_hottest():
    rs = [_r("cpu", model.Status.OK), _r("memory", model.Status.OK, kind=model.ReadingKind.MEMORY),
          model.Reading("a", "t1", model.ReadingKind.TEMPERATURE, 30.0, "C", time_unix_ms=NOW),
          model.Reading("a", "t2", model.ReadingKind.TEMPERATURE, 70.0, "C", time_unix_ms=NOW)]
    assert [r.sensor_id for r in fleet.headline(rs)] == ["cpu", "memory", "t2"]
