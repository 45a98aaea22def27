"""The per-device poll contract of SNMP, IPMI and the standby probe: state, backoff, overlap, health."""

from __future__ import annotations

import asyncio
import enum
import functools
import math
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from hotspare import model

T = TypeVar("T")

# The one backoff rule: after n consecutive failed polls a device skips min(2**(n-1), 4) - 1
# intervals (0, 1, 3, 3, ...), so a device that comes back is seen within four intervals. A
# rejected login counts as the third failure at once: credentials do not fix themselves, and
# many BMCs and switches lock an account after a few failed logins.
BACKOFF_MAX_SKIPPED_INTERVALS = 3


class DeviceState(enum.Enum):
    """What the last poll of a device said about it."""

    NEW = "new"  # not polled yet
    UP = "up"
    UNREACHABLE = "unreachable"  # silence, timeouts, refused connections
    AUTH_FAILED = "auth_failed"  # the device answered and rejected our credentials
    BAD = "bad"  # answered, but wrongly: garbage, protocol errors, insecure session, ...

    @classmethod
    def from_kind(cls, kind: str) -> DeviceState:
        """Map a collector's error kind (SnmpError.kind, BmcError.kind) onto a state."""
        if kind == "auth_failed":
            return cls.AUTH_FAILED
        if kind == "unreachable":
            return cls.UNREACHABLE
        return cls.BAD


def skipped_intervals(failures: int, state: DeviceState) -> int:
    """Intervals a device sits out after `failures` consecutive failed polls (the one rule)."""
    if failures <= 0:
        return 0
    if state is DeviceState.AUTH_FAILED:
        failures = max(failures, 3)
    return min(2 ** (failures - 1), BACKOFF_MAX_SKIPPED_INTERVALS + 1) - 1


class Overrun(enum.Enum):
    """What happens to a poll that misses its budget."""

    CANCEL = "cancel"  # asyncio work (SNMP): cancelled at the budget
    KEEP = "keep"  # uninterruptible work (a BMC worker's call): runs on, device skipped


class Due(enum.Enum):
    """Whether a device should be polled now."""

    POLL = "poll"
    RUNNING = "running"  # the previous poll is still out: skipped, counted
    BACKING_OFF = "backing_off"  # failing device waiting out its backoff: not counted


@dataclass
class DeviceTrack:
    """Per-device poll state, owned by the contract (collectors keep their own data beside it)."""

    key: str
    state: DeviceState = DeviceState.NEW
    failures: int = 0  # consecutive
    polls_total: int = 0
    failures_total: int = 0
    skipped_total: int = 0
    polling: bool = False
    next_poll: float = -math.inf
    last_duration_seconds: float = 0.0
    last_error: str = ""


@dataclass(frozen=True, slots=True)
class Attempt(Generic[T]):
    """One poll's outcome: the collector's result, or the error kind and message."""

    value: T | None
    kind: str  # "" when the poll succeeded
    message: str
    duration_seconds: float
    changed: bool  # the device's state differs from before this poll

    @property
    def ok(self) -> bool:
        return not self.kind


@dataclass
class CycleSummary:
    """What one collector cycle did with its devices; the scheduler reports it."""

    devices_total: int = 0
    polled: int = 0
    failed: int = 0
    skipped: int = 0  # previous poll still running
    backing_off: int = 0
    still_running: int = 0  # started this cycle, not finished when the cycle ended
    errors: list[str] = field(default_factory=list)

    def reason(self) -> str:
        parts = []
        if self.failed:
            parts.append(f"{self.failed} of {self.polled} devices failed")
        if self.skipped:
            parts.append(f"{self.skipped} skipped (previous poll still running)")
        if self.still_running:
            parts.append(f"{self.still_running} still polling at the end of the cycle")
        if self.errors:
            parts.append("; ".join(self.errors[:3]))
        return "; ".join(parts)

    def labels(self) -> dict[str, str]:
        return {"devices_total": str(self.devices_total), "devices_polled": str(self.polled),
                "devices_failed": str(self.failed), "devices_skipped": str(self.skipped),
                "devices_backing_off": str(self.backing_off),
                "devices_still_running": str(self.still_running)}

    def status(self) -> model.Status:
        if self.polled and self.failed == self.polled:
            return model.Status.CRITICAL
        if self.failed or self.skipped or self.still_running:
            return model.Status.WARNING
        return model.Status.OK


class DevicePoller:
    """Runs polls under the contract: one poll per device at a time, bounded, backed off."""

    def __init__(self, interval_seconds: float, errors: tuple[type[Exception], ...],
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.interval_seconds = interval_seconds
        self._errors = errors
        self._monotonic = monotonic
        self._tasks: set[asyncio.Task[bool]] = set()
        self.cycle_summary: CycleSummary | None = None

    def due(self, track: DeviceTrack) -> Due:
        """Poll now, skip (previous poll still running; counted) or wait out a backoff."""
        if track.polling:
            track.skipped_total += 1
            return Due.RUNNING
        if self._monotonic() < track.next_poll:
            return Due.BACKING_OFF
        return Due.POLL

    async def attempt(self, track: DeviceTrack, poll: Callable[[], Awaitable[T]],
                      budget_seconds: float, gate: asyncio.Semaphore | None = None,
                      overrun: Overrun = Overrun.CANCEL,
                      prepare: Callable[[], Awaitable[object]] | None = None) -> Attempt[T]:
        """Run one poll; the budget starts when the gate lets the device in and `prepare`
        (starting a worker process, say, bounded on its own) is done.

        A poll that misses its budget is a failed attempt (unreachable) at once. With
        Overrun.CANCEL it is cancelled; with Overrun.KEEP (blocking work that cannot be
        interrupted, such as a pyghmi call in a worker) it runs on, bounded by its own limit,
        and the device stays "polling" until it ends, so the next due polls are skipped,
        counted, rather than queued behind it. Errors of the collector's classes (with a
        `kind`) are failed attempts; anything else raises.
        """
        now = self._monotonic()
        track.polling = True
        started = time.monotonic()
        keep_polling = False
        try:
            if gate is not None:
                await gate.acquire()
            try:
                if prepare is not None:
                    await prepare()
                started = time.monotonic()
                task = asyncio.ensure_future(poll())
                try:
                    done, _ = await asyncio.wait({task}, timeout=budget_seconds)
                except asyncio.CancelledError:
                    task.cancel()
                    raise
                if not done:
                    if overrun is Overrun.CANCEL:
                        task.cancel()
                        await asyncio.gather(task, return_exceptions=True)
                    else:
                        keep_polling = True
                        task.add_done_callback(functools.partial(self._settled, track))
                    return self._failed(track, now, started, "unreachable",
                                        f"no complete answer within {budget_seconds:.1f}s")
                value = task.result()
            finally:
                if gate is not None:
                    gate.release()
        except self._errors as exc:
            kind = str(getattr(exc, "kind", "bad"))
            return self._failed(track, now, started, kind, str(exc))
        finally:
            track.polling = keep_polling
        duration = time.monotonic() - started
        changed = track.state is not DeviceState.UP
        track.state = DeviceState.UP
        track.failures = 0
        track.polls_total += 1
        track.next_poll = -math.inf
        track.last_duration_seconds = duration
        track.last_error = ""
        return Attempt(value, "", "", duration, changed)

    @staticmethod
    def _settled(track: DeviceTrack, task: asyncio.Future[Any]) -> None:
        """A poll that overran its budget has ended (its result came too late to use)."""
        track.polling = False
        if not task.cancelled():
            task.exception()  # retrieved: it was already reported as unreachable

    def _failed(self, track: DeviceTrack, now: float, started: float, kind: str,
                message: str) -> Attempt[T]:
        duration = time.monotonic() - started
        state = DeviceState.from_kind(kind)
        changed = track.state is not state
        track.state = state
        track.failures += 1
        track.polls_total += 1
        track.failures_total += 1
        track.next_poll = now + skipped_intervals(track.failures, state) * self.interval_seconds
        track.last_duration_seconds = duration
        track.last_error = f"{kind}: {message}"
        return Attempt(None, kind, message, duration, changed)

    async def cycle(self, polls: Iterable[tuple[DeviceTrack, Callable[[], Coroutine[Any, Any, bool]]]],
                    wait_seconds: float) -> CycleSummary:
        """Start every due device's poll as its own task and wait for them up to wait_seconds.

        Each poll returns True on success and emits its own data when it ends, so a slow
        device never delays the others; polls still running when the wait ends keep going
        (bounded by their own budgets) and are skipped, counted, if due again before they end.
        The summary is kept for the scheduler's collector-health reading.
        """
        summary = CycleSummary()
        started: list[asyncio.Task[bool]] = []
        for track, poll in polls:
            summary.devices_total += 1
            due = self.due(track)
            if due is Due.RUNNING:
                summary.skipped += 1
                continue
            if due is Due.BACKING_OFF:
                summary.backing_off += 1
                continue
            task = asyncio.create_task(poll())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            started.append(task)
        if started:
            done, pending = await asyncio.wait(started, timeout=max(0.0, wait_seconds))
            summary.still_running = len(pending)
            for task in done:
                summary.polled += 1
                exc = None if task.cancelled() else task.exception()
                if task.cancelled() or exc is not None or not task.result():
                    summary.failed += 1
                if exc is not None:
                    summary.errors.append(f"{type(exc).__name__}: {exc}")
        self.cycle_summary = summary
        return summary

    async def settle(self, timeout_seconds: float) -> None:
        """Wait (bounded) for polls still out, e.g. a one-shot probe's."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout_seconds)

    async def close(self) -> None:
        """Cancel polls still out (agent shutdown)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def device_health(asset_id: str, sensor_id: str, name: str, track: DeviceTrack, now_ms: int,
                  interval_seconds: float, duration_seconds: float, error: str = "",
                  status: model.Status | None = None) -> model.Reading:
    """A device's poll health as a reading: duration, success and error, with its counters."""
    if status is None:
        status = model.Status.CRITICAL if error else model.Status.OK
    return model.Reading(
        asset_id, sensor_id, model.ReadingKind.COLLECTOR_HEALTH,
        round(duration_seconds, 4), "s", status, error, now_ms, name,
        {"skipped_total": str(track.skipped_total), "state": track.state.value,
         "failures_total": str(track.failures_total),
         "interval_seconds": f"{interval_seconds:g}"})
