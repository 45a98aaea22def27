"""gRPC client of the agent: batches from the durable spool, seq/ack, reconnect with backoff, commands."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import math
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc

from agent import __version__
from agent.config import SpoolConfig, StreamConfig
from agent.spool import AppendResult, Spool, SpoolError, SpoolLimits, spool_path
from hotspare import convert, model
from hotspare.threads import SerialWorker
from hotspare.v1 import agent_pb2, agent_pb2_grpc

log = logging.getLogger("hotspare.agent.stream")
SEND_CHUNK_BATCHES = 64  # batches read from the spool per round trip to its thread
DROP_LOG_EVERY_SECONDS = 60.0  # a full spool is logged once a minute, not every cycle


CommandCallback = Callable[[model.Command], Awaitable[model.CommandResult]]


@dataclass
class StreamStats:
    """What the stream has done so far (for tests, logs and the controller)."""

    sent_batches_total: int = 0
    acked_seq: int = 0
    dropped_batches_total: int = 0
    rejected_batches_total: int = 0
    connects_total: int = 0
    connected: bool = False


def make_channel(target: str, cfg: StreamConfig) -> grpc.aio.Channel:
    """Plain channel on loopback by default; TLS (mutual when a cert is given) when configured."""
    options = [
        ("grpc.max_send_message_length", 32 * 1024 * 1024),
        ("grpc.keepalive_time_ms", 20_000),
        ("grpc.keepalive_timeout_ms", 10_000),
    ]
    if not cfg.ca_file:
        return grpc.aio.insecure_channel(target, options=options)
    creds = grpc.ssl_channel_credentials(
        root_certificates=Path(cfg.ca_file).read_bytes(),
        private_key=Path(cfg.key_file).read_bytes() if cfg.key_file else None,
        certificate_chain=Path(cfg.cert_file).read_bytes() if cfg.cert_file else None,
    )
    return grpc.aio.secure_channel(target, creds, options=options)


class AgentStream:
    """Owns the durable spool of outbound batches and the connection to the controller."""

    def __init__(
        self,
        agent_id: str,
        cfg: StreamConfig,
        hello_assets: list[model.Asset],
        collectors: list[str],
        interval_seconds: float,
        on_command: CommandCallback | None = None,
        spool: SpoolConfig | None = None,
        on_gaps: Callable[[list[model.Gap]], None] | None = None,
    ) -> None:
        self.agent_id = agent_id
        self.cfg = cfg
        spool_cfg = spool or SpoolConfig()
        self.spool = Spool(spool_path(spool_cfg.state_dir, agent_id), agent_id, SpoolLimits(
            max_bytes=spool_cfg.max_bytes, max_age_seconds=spool_cfg.max_age_seconds,
            max_batches=cfg.max_pending_batches))
        self._worker = SerialWorker("spool")
        self.epoch = 0  # read from the spool by open()
        self._hello_assets = hello_assets
        self._collectors = collectors
        self._interval = interval_seconds
        self._on_command = on_command
        self._on_gaps = on_gaps  # told of every gap recorded (the soak's ledger)
        self._buffer: list[model.Batch] = []
        self._buffered_items = 0
        self._unspooled_gaps: list[model.Gap] = []  # from failed spool writes, sent with the next
        self._spool_lock = asyncio.Lock()
        self._spool_wanted = asyncio.Event()
        self._pending: collections.deque[int] = collections.deque()  # spooled seqs, not acked
        self._last_seq = 0
        self._wakeup = asyncio.Event()
        self._acked = asyncio.Event()
        self.stats = StreamStats()
        self._tasks: list[asyncio.Task[None]] = []
        self._spool_tasks: set[asyncio.Task[None]] = set()
        self._drop_logged_monotonic = -math.inf
        self._unlogged_drops = [0, 0]  # batches, readings dropped since the last log line
        # set before the tasks are cancelled: grpc.aio can turn a cancellation that lands inside
        # a call into AioRpcError(CANCELLED), which the reconnect loop would otherwise retry
        self._stopping = False
        self._results: asyncio.Queue[model.CommandResult] = asyncio.Queue()
        self._command_tasks: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        """Open the spool: the persisted epoch, seq and unacknowledged batches; raises SpoolError."""
        try:
            await self._worker.run(self.spool.open)
        except BaseException:
            self._worker.shutdown(wait=False)
            raise
        self.epoch = self.spool.epoch
        self._last_seq = self.spool.last_seq
        self._pending.extend(self.spool.seqs)
        self.stats.dropped_batches_total = self.spool.dropped_batches_total
        if self._pending:
            log.info("spool %s: %d unacknowledged batches (%d bytes) from before the restart, "
                     "epoch %d, seq %d..%d", self.spool.path, len(self._pending),
                     self.spool.total_bytes, self.epoch, self._pending[0], self._pending[-1])

    # ---- producer side -------------------------------------------------------------
    def submit(self, batch: model.Batch) -> None:
        """Queue a collector's batch; it is written to the spool as a numbered batch soon."""
        self._buffer.append(batch)
        self._buffered_items += len(batch)
        self._spool_wanted.set()

    def flush(self) -> None:
        """Ask the spooler to write the buffer now."""
        self._spool_wanted.set()

    async def _spooler(self) -> None:
        while not self._stopping:
            await self._spool_wanted.wait()
            self._spool_wanted.clear()
            if (self.cfg.flush_interval_seconds > 0
                    and self._buffered_items < self.cfg.max_batch_readings):
                await asyncio.sleep(self.cfg.flush_interval_seconds)  # gather a few cycles
            await self._spool_buffer()

    async def _spool_buffer(self) -> None:
        """Pack the buffer into batches of at most max_batch_readings readings and spool them."""
        async with self._spool_lock:
            if not self._buffer:
                return
            merged = _merge(self._buffer)
            self._buffer = []
            self._buffered_items = 0
            limit = self.cfg.max_batch_readings
            parts = [
                model.Batch(
                    readings=merged.readings[start : start + limit],
                    events=merged.events if start == 0 else (),
                    assets=merged.assets if start == 0 else (),
                    components=merged.components if start == 0 else (),
                )
                for start in range(0, max(1, len(merged.readings)), limit)
            ]
            carried, self._unspooled_gaps = self._unspooled_gaps, []
            try:
                result = await self._worker.run(self.spool.append, parts, _now_ms(), carried)
            except (sqlite3.Error, OSError, SpoolError) as exc:
                new = _gaps_of(parts, f"agent spool write failed: {exc}")
                gaps = _merge_gaps(carried + new)  # a long outage of the disk stays a few gaps
                self._unspooled_gaps = gaps
                if self._on_gaps:
                    self._on_gaps(new)
                log.error("spool %s: write failed, %d readings dropped (recorded as gaps): %s",
                          self.spool.path, sum(g.readings_dropped for g in new), exc)
                return
        self._on_spooled(result)

    def _on_spooled(self, result: AppendResult) -> None:
        if self._on_gaps and result.new_gaps:
            self._on_gaps(result.new_gaps)
        if result.dropped_seqs:
            gone = set(result.dropped_seqs)
            self._pending = collections.deque(s for s in self._pending if s not in gone)
            self._unlogged_drops[0] += len(gone)
            self._unlogged_drops[1] += sum(g.readings_dropped for g in result.new_gaps)
            now = time.monotonic()
            if now - self._drop_logged_monotonic >= DROP_LOG_EVERY_SECONDS:
                self._drop_logged_monotonic = now
                batches, readings = self._unlogged_drops
                self._unlogged_drops = [0, 0]
                log.warning("spool %s: dropped %d oldest batches with %d readings, recorded as gaps"
                            " (%d batches so far this epoch; logged at most every %g s): %s",
                            self.spool.path, batches, readings, result.dropped_batches_total,
                            DROP_LOG_EVERY_SECONDS, "; ".join(
                                f"{g.asset_id} {g.readings_dropped} readings ({g.reason})"
                                for g in result.new_gaps[:3]) or "no readings in them")
        self.stats.dropped_batches_total = result.dropped_batches_total
        self._pending.extend(result.seqs)
        if result.seqs:
            self._last_seq = result.seqs[-1]
        self._wakeup.set()

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def last_seq(self) -> int:
        return self._last_seq

    # ---- lifecycle -----------------------------------------------------------------
    def start(self) -> None:
        """Start spooling and sending (after open())."""
        self._tasks.append(asyncio.create_task(self._spooler(), name="stream-spooler"))
        self._tasks.append(asyncio.create_task(self._connector(), name="stream-connector"))

    async def stop(self, drain_seconds: float = 0.0) -> None:
        """Spool the buffer, wait up to drain_seconds for acks, then stop; the rest stays spooled."""
        await self._spool_buffer()
        if drain_seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained(), drain_seconds)
        self._stopping = True
        tasks = [*self._tasks, *self._command_tasks]
        for task in tasks:
            task.cancel()
        if tasks:
            _, stuck = await asyncio.wait(tasks, timeout=3.0)  # bounded: never hang a shutdown
            if stuck:
                log.warning("stream tasks still running at stop: %s",
                            ", ".join(t.get_name() for t in stuck))
        if self._spool_tasks:
            await asyncio.wait(self._spool_tasks, timeout=3.0)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._worker.run(self.spool.close), 3.0)
        self._worker.shutdown(wait=False)

    async def _drained(self) -> None:
        while self._pending:
            self._acked.clear()
            await self._acked.wait()

    async def _connector(self) -> None:
        backoff = self.cfg.backoff_initial_seconds
        was_down = False
        while not self._stopping:
            try:
                await self._session()
                error = "stream closed by controller"
            except grpc.aio.AioRpcError as exc:
                error = f"{exc.code().name}: {exc.details()}"
                if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
                    self._drop_rejected(exc)
            except (OSError, grpc.RpcError) as exc:
                error = str(exc)
            except (sqlite3.Error, SpoolError) as exc:  # reading the spool failed: retry later
                error = f"spool {self.spool.path} unreadable: {exc}"
            if self._stopping:
                return
            if self.stats.connected:  # the session had been up: a fresh outage
                backoff = self.cfg.backoff_initial_seconds
                was_down = False
            self.stats.connected = False
            if not was_down:  # log the state change once, not every retry
                log.warning("controller %s unreachable: %s; retrying with backoff, "
                            "spooling to %s", self.cfg.controller, error, self.spool.path)
                was_down = True
            await asyncio.sleep(backoff * random.uniform(0.5, 1.0))
            backoff = min(self.cfg.backoff_max_seconds, backoff * 2)

    def _drop_rejected(self, exc: grpc.aio.AioRpcError) -> None:
        metadata = exc.trailing_metadata() or ()
        for key, value in metadata:
            if key == convert.REJECTED_SEQ_KEY:
                seq = int(value)
                if seq in self._pending:
                    self._pending = collections.deque(s for s in self._pending if s != seq)
                    self._in_spool_thread(self.spool.remove, seq)
                    self.stats.rejected_batches_total += 1
                    log.error("controller rejected batch seq=%d: %s", seq, exc.details())

    def _in_spool_thread(self, fn: Callable[[int], object], arg: int) -> None:
        """Run a spool update in order on the spool thread without waiting for it."""
        async def run() -> None:
            try:
                await self._worker.run(fn, arg)
            except (sqlite3.Error, SpoolError) as exc:
                log.error("spool %s: %s failed: %s", self.spool.path, fn.__name__, exc)

        task = asyncio.create_task(run())
        self._spool_tasks.add(task)
        task.add_done_callback(self._spool_tasks.discard)

    async def _session(self) -> None:
        async with make_channel(self.cfg.controller, self.cfg) as channel:
            stub = agent_pb2_grpc.AgentServiceStub(channel)
            call = stub.Stream()
            hello = agent_pb2.Hello(
                agent_id=self.agent_id,
                version=__version__,
                hostname=self.agent_id,
                stream_epoch=self.epoch,
                assets=[convert.asset_to_pb(a) for a in self._hello_assets],
                collectors=self._collectors,
                interval_seconds=self._interval,
            )
            await call.write(agent_pb2.AgentMessage(hello=hello))
            reader = asyncio.create_task(self._read(call))
            try:
                await self._write_loop(call, reader)
            finally:
                reader.cancel()
                call.cancel()

    async def _write_loop(self, call: grpc.aio.StreamStreamCall, reader: asyncio.Task[None]) -> None:
        sent_upto = 0
        while not reader.done():
            # cleared before looking, so a batch spooled while we send is never missed
            self._wakeup.clear()
            todo = [seq for seq in self._pending if seq > sent_upto][:SEND_CHUNK_BATCHES]
            if todo:
                for _seq, body in await self._worker.run(self.spool.read, todo):
                    await call.write(agent_pb2.AgentMessage(
                        batch=agent_pb2.ReadingBatch.FromString(body)))
                    self.stats.sent_batches_total += 1
                sent_upto = todo[-1]  # a seq no longer spooled was dropped or acked meanwhile
            while not self._results.empty():
                result = self._results.get_nowait()
                await call.write(agent_pb2.AgentMessage(result=convert.command_result_to_pb(result)))
            if len(todo) == SEND_CHUNK_BATCHES or any(seq > sent_upto for seq in self._pending):
                continue  # more to send: do not wait for a wakeup
            waiter = asyncio.create_task(self._wakeup.wait())
            await asyncio.wait({waiter, reader}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        reader.result()  # re-raise the reader's error, if any

    async def _read(self, call: grpc.aio.StreamStreamCall) -> None:
        async for msg in call:
            kind = msg.WhichOneof("body")
            if kind == "ack":
                if not self.stats.connected:
                    self.stats.connected = True
                    self.stats.connects_total += 1
                    log.info("connected to controller %s (%d batches pending, %d dropped so far)",
                             self.cfg.controller, len(self._pending),
                             self.stats.dropped_batches_total)
                if msg.ack.stream_epoch == self.epoch:
                    self._on_ack(msg.ack.highest_seq)
            elif kind == "command":
                self._start_command(msg.command)

    def _on_ack(self, highest_seq: int) -> None:
        self.stats.acked_seq = max(self.stats.acked_seq, highest_seq)
        acked = False
        while self._pending and self._pending[0] <= highest_seq:
            self._pending.popleft()
            acked = True
        if acked:
            self._in_spool_thread(self.spool.ack, highest_seq)
        self._acked.set()

    def _start_command(self, msg: agent_pb2.Command) -> None:
        task = asyncio.create_task(self._run_command(msg))
        self._command_tasks.add(task)
        task.add_done_callback(self._command_tasks.discard)

    async def _run_command(self, msg: agent_pb2.Command) -> None:
        try:
            command = convert.command_from_pb(msg)
        except convert.ConversionError as exc:
            result = model.CommandResult(msg.command_id, msg.asset_id, model.CommandOutcome.ERROR,
                                         message=str(exc))
        else:
            if self._on_command is None:
                result = model.CommandResult(command.command_id, command.asset_id,
                                             model.CommandOutcome.REFUSED,
                                             message="this agent executes no commands")
            else:
                result = await self._on_command(command)
        await self._results.put(result)
        self._wakeup.set()


def _now_ms() -> int:
    return int(time.time() * 1000)


def _gaps_of(parts: list[model.Batch], reason: str) -> list[model.Gap]:
    """One gap per asset over readings that never reached the spool."""
    spans: dict[str, list[int]] = {}
    for part in parts:
        for r in part.readings:
            span = spans.setdefault(r.asset_id, [r.time_unix_ms, r.time_unix_ms, 0])
            span[0], span[1] = min(span[0], r.time_unix_ms), max(span[1], r.time_unix_ms)
            span[2] += 1
    return [model.Gap(a, lo, hi, n, reason) for a, (lo, hi, n) in spans.items()]


def _merge_gaps(gaps: list[model.Gap]) -> list[model.Gap]:
    """One gap per (asset, reason): the widest range and the sum of the readings."""
    merged: dict[tuple[str, str], model.Gap] = {}
    for g in gaps:
        seen = merged.get((g.asset_id, g.reason))
        merged[(g.asset_id, g.reason)] = g if seen is None else model.Gap(
            g.asset_id, min(seen.from_unix_ms, g.from_unix_ms), max(seen.to_unix_ms, g.to_unix_ms),
            seen.readings_dropped + g.readings_dropped, g.reason)
    return list(merged.values())


def _merge(batches: list[model.Batch]) -> model.Batch:
    if len(batches) == 1:
        return batches[0]
    return model.Batch(
        readings=tuple(r for b in batches for r in b.readings),
        events=tuple(e for b in batches for e in b.events),
        assets=tuple(a for b in batches for a in b.assets),
        components=tuple(c for b in batches for c in b.components),
    )
