"""Validates incoming batches and stores them with group commit; acks only after the commit."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from controller.store import Database, IngestItem, IngestResult
from controller.store.database import Evaluate
from hotspare import convert
from hotspare.errors import HotSpareError
from hotspare.v1 import agent_pb2

log = logging.getLogger("hotspare.controller.ingest")


class BatchRejected(HotSpareError):
    """A batch is invalid; the message says why, `reason` is a short fixed code (metrics label)."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Limits:
    """What a batch may contain."""

    max_batch_readings: int = 10_000
    max_future_seconds: float = 300.0


INT64_MAX = 2**63 - 1  # SQLite's integers: a larger one would fail the whole group commit


def _check_int64(msg: agent_pb2.ReadingBatch) -> None:
    """Refuse (with the reason) unsigned wire integers the store cannot hold."""
    named = [("seq", msg.seq), ("stream_epoch", msg.stream_epoch),
             ("dropped_batches_total", msg.dropped_batches_total)]
    named += [(f"component {c.component_id!r} capacity_bytes", c.capacity_bytes)
              for c in msg.components]
    named += [(f"gap of {g.asset_id!r} readings_dropped", g.readings_dropped) for g in msg.gaps]
    for what, value in named:
        if value > INT64_MAX:
            raise BatchRejected(f"batch seq {msg.seq}: {what} = {value} is beyond 2^63-1")


def validate(
    msg: agent_pb2.ReadingBatch, agent_id: str, epoch: int, limits: Limits, now_ms: int
) -> IngestItem:
    """Check a wire batch against its stream and the limits; convert it to domain records."""
    if not msg.agent_id:
        raise BatchRejected("batch has an empty agent_id", "wrong_agent")
    if msg.agent_id != agent_id:
        raise BatchRejected(f"batch agent_id {msg.agent_id!r} is not this stream's {agent_id!r}",
                            "wrong_agent")
    if msg.stream_epoch != epoch:
        raise BatchRejected(f"batch epoch {msg.stream_epoch} is not this stream's epoch {epoch}",
                            "wrong_epoch")
    if msg.seq <= 0:
        raise BatchRejected("batch seq must be >= 1", "bad_seq")
    _check_int64(msg)
    count = len(msg.readings) + len(msg.events) + len(msg.components) + len(msg.assets)
    if count > limits.max_batch_readings:
        raise BatchRejected(
            f"batch seq {msg.seq} too large: {count} items > {limits.max_batch_readings}",
            "too_large")
    horizon = now_ms + int(limits.max_future_seconds * 1000)
    for r in msg.readings:
        if not r.asset_id or not r.sensor_id:
            raise BatchRejected(f"batch seq {msg.seq}: reading without asset_id or sensor_id",
                                "missing_id")
        if r.HasField("value") and not math.isfinite(r.value):
            raise BatchRejected(
                f"batch seq {msg.seq}: {r.asset_id}/{r.sensor_id} value is {r.value} (not finite)",
                "not_finite")
        if r.time_unix_ms > horizon:
            raise BatchRejected(
                f"batch seq {msg.seq}: {r.asset_id}/{r.sensor_id} timestamp {r.time_unix_ms}"
                f" is more than {limits.max_future_seconds:g}s in the future", "future_time")
        if r.time_unix_ms <= 0:
            raise BatchRejected(f"batch seq {msg.seq}: {r.asset_id}/{r.sensor_id} has no timestamp",
                                "no_time")
    for a in msg.assets:
        if not a.asset_id:
            raise BatchRejected(f"batch seq {msg.seq}: asset without asset_id", "missing_id")
    for e in msg.events:
        if not e.asset_id or not e.source_id:
            raise BatchRejected(f"batch seq {msg.seq}: event without asset_id or source_id",
                                "missing_id")
    try:
        batch = convert.batch_from_pb(msg)
    except convert.ConversionError as exc:
        raise BatchRejected(f"batch seq {msg.seq}: {exc}", "malformed") from exc
    return IngestItem(agent_id, epoch, msg.seq, batch, msg.dropped_batches_total)


class IngestWriter:
    """Queues validated batches; one task commits as many as are waiting in one transaction."""

    def __init__(
        self,
        db: Database,
        on_committed: Callable[[IngestResult], None] | None = None,
        max_items_per_commit: int = 256,
        evaluate: Evaluate | None = None,
    ) -> None:
        self._db = db
        self._evaluate = evaluate
        self._on_committed = on_committed
        self._max = max_items_per_commit
        self._queue: asyncio.Queue[tuple[IngestItem, asyncio.Future[int]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.readings_stored_total = 0
        self.duplicates_total = 0
        self.commit_failures_total = 0
        self.observe_commit: Callable[[float], None] | None = None  # seconds per commit (metrics)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ingest-writer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    @property
    def queue_depth(self) -> int:
        """Batches waiting for the next commit."""
        return self._queue.qsize()

    def submit(self, item: IngestItem) -> asyncio.Future[int]:
        """Returns a future of the highest stored seq of the item's stream after commit."""
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((item, fut))
        return fut

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            work = [first]
            while len(work) < self._max and not self._queue.empty():
                work.append(self._queue.get_nowait())
            started = time.monotonic()
            try:
                result = await self._db.fleet.ingest([item for item, _ in work], self._evaluate)
            except Exception as exc:
                log.error("ingest of %d batches failed: %s", len(work), exc)
                self.commit_failures_total += 1
                for _, fut in work:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            if self.observe_commit is not None:
                self.observe_commit(time.monotonic() - started)
            self.readings_stored_total += result.readings_stored
            self.duplicates_total += result.duplicate_items
            for item, fut in work:
                if not fut.done():
                    fut.set_result(result.highest_seq[(item.agent_id, item.epoch)])
            log.debug("committed %d batches (%d readings) in %.1f ms", len(work),
                      result.readings_stored, (time.monotonic() - started) * 1000)
            if self._on_committed:
                self._on_committed(result)
