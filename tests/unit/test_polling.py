"""The per-device poll contract: one backoff rule, overlap skipped and counted, health as data."""

from __future__ import annotations

import asyncio

import pytest

from agent.polling import (
    CycleSummary,
    DevicePoller,
    DeviceState,
    DeviceTrack,
    Due,
    Overrun,
    device_health,
    skipped_intervals,
)
from hotspare import model


class _Failed(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_polling_one_backoff_rule_caps_at_three_intervals():
    down = [skipped_intervals(n, DeviceState.UNREACHABLE) for n in range(1, 7)]
    assert down == [0, 1, 3, 3, 3, 3]
    assert [skipped_intervals(n, DeviceState.BAD) for n in range(1, 4)] == [0, 1, 3]
    # a rejected login goes straight to the cap: no account lockout from our retries
    assert skipped_intervals(1, DeviceState.AUTH_FAILED) == 3
    assert skipped_intervals(0, DeviceState.UP) == 0


def test_polling_states_from_error_kinds():
    assert DeviceState.from_kind("auth_failed") is DeviceState.AUTH_FAILED
    assert DeviceState.from_kind("unreachable") is DeviceState.UNREACHABLE
    for kind in ("bad", "insecure", "error", "anything"):
        assert DeviceState.from_kind(kind) is DeviceState.BAD


def test_polling_failure_backs_off_and_success_resets():
    clock = _Clock()
    poller = DevicePoller(10.0, (_Failed,), clock)
    track = DeviceTrack("dev")

    async def fail() -> int:
        raise _Failed("unreachable", "silence")

    async def ok() -> int:
        return 7

    async def run() -> None:
        first = await poller.attempt(track, fail, 1.0)
        assert (first.ok, first.kind, first.changed) == (False, "unreachable", True)
        assert poller.due(track) is Due.POLL  # first failure: no interval skipped
        second = await poller.attempt(track, fail, 1.0)
        assert not second.changed and track.failures == 2
        assert poller.due(track) is Due.BACKING_OFF  # skips one interval
        clock.now += 10.0
        assert poller.due(track) is Due.POLL
        done = await poller.attempt(track, ok, 1.0)
        assert done.ok and done.value == 7 and done.changed
        assert track.state is DeviceState.UP and track.failures == 0
        assert (track.polls_total, track.failures_total) == (3, 2)

    asyncio.run(run())


def test_polling_overlap_is_skipped_and_counted_and_overrun_keeps_the_device_busy():
    poller = DevicePoller(1.0, (_Failed,))
    track = DeviceTrack("bmc")
    events: list[asyncio.Event] = []

    async def slow() -> int:
        await events[0].wait()
        return 1

    async def run() -> None:
        events.append(asyncio.Event())
        release = events[0]
        attempt = await poller.attempt(track, slow, 0.01, overrun=Overrun.KEEP)
        assert attempt.kind == "unreachable" and "within" in attempt.message
        assert track.polling  # the call runs on: the next due poll is skipped, counted
        assert poller.due(track) is Due.RUNNING and track.skipped_total == 1
        release.set()
        for _ in range(100):  # bounded: the late answer frees the device
            if not track.polling:
                break
            await asyncio.sleep(0)
        assert not track.polling and poller.due(track) is Due.POLL

    asyncio.run(run())


def test_polling_overrun_cancel_ends_the_poll():
    poller = DevicePoller(1.0, (_Failed,))
    track = DeviceTrack("switch")
    cancelled = []

    async def hang() -> int:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return 0

    attempt = asyncio.run(poller.attempt(track, hang, 0.01))
    assert not attempt.ok and cancelled == [True] and not track.polling


def test_polling_cycle_waits_for_real_work_and_summarises_it():
    poller = DevicePoller(1.0, (_Failed,))
    tracks = [DeviceTrack(f"d{i}") for i in range(4)]
    tracks[3].polling = True  # still out from the last cycle

    async def good() -> bool:
        await asyncio.sleep(0.02)
        return True

    async def bad() -> bool:
        return False

    async def hung() -> bool:
        await asyncio.sleep(5)
        return True

    async def run() -> CycleSummary:
        summary = await poller.cycle(
            [(tracks[0], good), (tracks[1], bad), (tracks[2], hung), (tracks[3], good)], 0.2)
        await poller.close()
        return summary

    summary = asyncio.run(run())
    assert (summary.devices_total, summary.polled, summary.failed, summary.skipped,
            summary.still_running) == (4, 2, 1, 1, 1)
    assert summary.status() is model.Status.WARNING
    assert "1 of 2 devices failed" in summary.reason()
    assert summary.labels()["devices_skipped"] == "1"
    assert CycleSummary(polled=2, failed=2).status() is model.Status.CRITICAL
    assert CycleSummary(polled=2).status() is model.Status.OK


@pytest.mark.parametrize("error", ["", "unreachable: silence"])
def test_polling_device_health_is_a_reading(error):
    track = DeviceTrack("dev", skipped_total=2, failures_total=1, state=DeviceState.UP)
    r = device_health("srv", "ipmi:poll", "BMC poll", track, 5, 30.0, 0.12345, error)
    assert r.kind is model.ReadingKind.COLLECTOR_HEALTH and r.value == 0.1235 and r.unit == "s"
    assert r.status is (model.Status.CRITICAL if error else model.Status.OK)
    assert r.labels["skipped_total"] == "2" and r.labels["interval_seconds"] == "30"
    assert r.labels["state"] == "up"
