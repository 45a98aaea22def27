"""Runs each collector on its interval with a timeout, never overlapping, and reports its real health."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from agent.collectors import Collector, PollsDevices
from agent.polling import CycleSummary
from hotspare import model

log = logging.getLogger("hotspare.agent.scheduler")


@dataclass
class CollectorStats:
    """Counters of one collector's cycles."""

    runs_total: int = 0
    failures_total: int = 0
    skipped_total: int = 0
    last_duration_seconds: float = 0.0


def health_reading(
    asset_id: str,
    collector: str,
    duration_seconds: float,
    error: str,
    stats: CollectorStats,
    now_ms: int,
    interval_seconds: float = 0.0,
    summary: CycleSummary | None = None,
) -> model.Reading:
    """The collector's own health as a reading: duration, success, error; for collectors that
    poll many devices, also what the devices did (failed devices make it a warning, all of them
    failing critical; each device's own health is its own reading)."""
    status = model.Status.CRITICAL if error else model.Status.OK
    reason = error
    if summary is not None and not error:
        status, reason = summary.status(), summary.reason()
    return model.Reading(
        asset_id=asset_id,
        sensor_id=f"collector:{collector}",
        kind=model.ReadingKind.COLLECTOR_HEALTH,
        value=round(duration_seconds, 6),
        unit="s",
        status=status,
        reason=reason,
        time_unix_ms=now_ms,
        name=f"Collector {collector}",
        labels={
            "runs_total": str(stats.runs_total),
            "failures_total": str(stats.failures_total),
            "skipped_total": str(stats.skipped_total),
            **({"interval_seconds": f"{interval_seconds:g}"} if interval_seconds else {}),
            **(summary.labels() if summary is not None else {}),
        },
    )


class Scheduler:
    """One task per collector; a cycle that overruns makes the next ticks skip (counted)."""

    def __init__(
        self,
        host_asset_id: str,
        emit: Callable[[model.Batch], None],
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self._host = host_asset_id
        self._emit = emit
        self._clock_ms = clock_ms
        self._tasks: list[asyncio.Task[None]] = []
        self.stats: dict[str, CollectorStats] = {}

    def start(self, collector: Collector, interval_seconds: float, timeout_seconds: float) -> None:
        self.stats[collector.name] = CollectorStats()
        task = asyncio.create_task(
            self._loop(collector, interval_seconds, timeout_seconds), name=f"collector-{collector.name}"
        )
        self._tasks.append(task)

    async def run_once(
        self, collector: Collector, timeout_seconds: float, interval_seconds: float = 0.0
    ) -> None:
        """One bounded cycle: emit its batch plus the collector-health reading."""
        stats = self.stats.setdefault(collector.name, CollectorStats())
        started = time.monotonic()
        error = ""
        batch = model.Batch()
        try:
            batch = await asyncio.wait_for(collector.collect(), timeout_seconds)
        except TimeoutError:
            error = f"timed out after {timeout_seconds:g}s"
        except Exception as exc:  # one collector's failure is data, never fatal
            error = f"{type(exc).__name__}: {exc}"
        duration = time.monotonic() - started
        stats.runs_total += 1
        stats.last_duration_seconds = duration
        if error:
            stats.failures_total += 1
            log.warning("collector=%s failed: %s", collector.name, error)
        summary = collector.cycle_summary if isinstance(collector, PollsDevices) else None
        health = health_reading(self._host, collector.name, duration, error, stats,
                                self._clock_ms(), interval_seconds, summary)
        self._emit(
            model.Batch(
                readings=(*batch.readings, health),
                events=batch.events,
                assets=batch.assets,
                components=batch.components,
            )
        )

    async def _loop(self, collector: Collector, interval: float, timeout: float) -> None:
        next_tick = time.monotonic()
        while True:
            await self.run_once(collector, timeout, interval)
            next_tick += interval
            now = time.monotonic()
            if now > next_tick:  # overran: skip the ticks we missed, count them
                missed = int((now - next_tick) // interval) + 1
                self.stats[collector.name].skipped_total += missed
                next_tick += missed * interval
            await asyncio.sleep(max(0.0, next_tick - time.monotonic()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
