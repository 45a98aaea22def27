"""Scheduler: a failing or hung collector becomes a health reading; the cycle is bounded."""

from __future__ import annotations

import asyncio

from agent.scheduler import Scheduler
from hotspare import model


class _Collector:
    def __init__(self, name, behaviour):
        self.name = name
        self.behaviour = behaviour

    async def collect(self):
        return await self.behaviour()

    async def close(self):
        return None


async def _ok():
    return model.Batch(readings=(model.Reading("h", "x", model.ReadingKind.OTHER, 1.0),))


async def _boom():
    raise RuntimeError("device exploded")


async def _hang():
    await asyncio.Event().wait()


def _run(collector, timeout=0.05):
    out: list[model.Batch] = []
    sched = Scheduler("h", out.append, clock_ms=lambda: 7)
    asyncio.run(sched.run_once(collector, timeout))
    return out, sched.stats[collector.name]


def test_scheduler_success_adds_health_reading():
    out, stats = _run(_Collector("ok", _ok))
    health = out[0].readings[-1]
    assert health.sensor_id == "collector:ok" and health.status is model.Status.OK
    assert len(out[0].readings) == 2 and stats.runs_total == 1 and stats.failures_total == 0


def test_scheduler_failure_is_data_not_a_crash():
    out, stats = _run(_Collector("bad", _boom))
    health = out[0].readings[-1]
    assert health.status is model.Status.CRITICAL and "device exploded" in health.reason
    assert stats.failures_total == 1


def test_scheduler_hung_collector_times_out():
    out, _ = _run(_Collector("hung", _hang))
    assert "timed out" in out[0].readings[-1].reason


class _DeviceCollector(_Collector):
    """Polls devices under the contract; the cycle summary feeds the collector health."""

    def __init__(self, summary):
        super().__init__("devices", _ok)
        self.cycle_summary = summary


def test_scheduler_reports_what_the_devices_did():
    from agent.polling import CycleSummary

    out, _ = _run(_DeviceCollector(CycleSummary(devices_total=3, polled=2, failed=1,
                                                skipped=1)))
    health = out[0].readings[-1]
    assert health.status is model.Status.WARNING and "1 of 2 devices failed" in health.reason
    assert health.labels["devices_failed"] == "1" and health.labels["devices_skipped"] == "1"
