"""gRPC client of the agent: batching, seq/ack, bounded queue, reconnect with backoff, commands."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import random
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc

from agent import __version__
from agent.config import StreamConfig
from hotspare import convert, model
from hotspare.v1 import agent_pb2, agent_pb2_grpc

log = logging.getLogger("hotspare.agent.stream")


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
    """Owns the outbound queue and the connection to the controller."""

    def __init__(
        self,
        agent_id: str,
        cfg: StreamConfig,
        hello_assets: list[model.Asset],
        collectors: list[str],
        interval_seconds: float,
        on_command: CommandCallback | None = None,
    ) -> None:
        self.agent_id = agent_id
        self.cfg = cfg
        self.epoch = secrets.randbits(62) or 1
        self._hello_assets = hello_assets
        self._collectors = collectors
        self._interval = interval_seconds
        self._on_command = on_command
        self._buffer: list[model.Batch] = []
        self._buffered_items = 0
        self._pending: collections.deque[agent_pb2.ReadingBatch] = collections.deque()
        self._next_seq = 1
        self._wakeup = asyncio.Event()
        self._acked = asyncio.Event()
        self.stats = StreamStats()
        self._tasks: list[asyncio.Task[None]] = []
        # set before the tasks are cancelled: grpc.aio can turn a cancellation that lands inside
        # a call into AioRpcError(CANCELLED), which the reconnect loop would otherwise retry
        self._stopping = False
        self._results: asyncio.Queue[model.CommandResult] = asyncio.Queue()
        self._command_tasks: set[asyncio.Task[None]] = set()

    # ---- producer side -------------------------------------------------------------
    def submit(self, batch: model.Batch) -> None:
        """Queue a collector's batch; it is packed into a numbered wire batch soon."""
        self._buffer.append(batch)
        self._buffered_items += len(batch)
        if self._buffered_items >= self.cfg.max_batch_readings:
            self.flush()

    def flush(self) -> None:
        """Pack the buffer into numbered batches of at most max_batch_readings readings."""
        if not self._buffer:
            return
        merged = _merge(self._buffer)
        self._buffer = []
        self._buffered_items = 0
        limit = self.cfg.max_batch_readings
        for start in range(0, max(1, len(merged.readings)), limit):
            part = model.Batch(
                readings=merged.readings[start : start + limit],
                events=merged.events if start == 0 else (),
                assets=merged.assets if start == 0 else (),
                components=merged.components if start == 0 else (),
            )
            self._enqueue(part)

    def _enqueue(self, batch: model.Batch) -> None:
        if len(self._pending) >= self.cfg.max_pending_batches:
            self._pending.popleft()
            self.stats.dropped_batches_total += 1
        msg = convert.batch_to_pb(
            self.agent_id, self.epoch, self._next_seq, batch, self.stats.dropped_batches_total
        )
        self._next_seq += 1
        self._pending.append(msg)
        self._wakeup.set()

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def last_seq(self) -> int:
        return self._next_seq - 1

    # ---- lifecycle -----------------------------------------------------------------
    def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._flusher(), name="stream-flusher"))
        self._tasks.append(asyncio.create_task(self._connector(), name="stream-connector"))

    async def stop(self, drain_seconds: float = 0.0) -> None:
        """Flush and wait up to drain_seconds for acks, then stop."""
        self.flush()
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

    async def _drained(self) -> None:
        while self._pending:
            self._acked.clear()
            await self._acked.wait()

    async def _flusher(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self.cfg.flush_interval_seconds)
            self.flush()

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
            if self._stopping:
                return
            if self.stats.connected:  # the session had been up: a fresh outage
                backoff = self.cfg.backoff_initial_seconds
                was_down = False
            self.stats.connected = False
            if not was_down:  # log the state change once, not every retry
                log.warning("controller %s unreachable: %s; retrying with backoff, "
                            "queueing up to %d batches", self.cfg.controller, error,
                            self.cfg.max_pending_batches)
                was_down = True
            await asyncio.sleep(backoff * random.uniform(0.5, 1.0))
            backoff = min(self.cfg.backoff_max_seconds, backoff * 2)

    def _drop_rejected(self, exc: grpc.aio.AioRpcError) -> None:
        metadata = exc.trailing_metadata() or ()
        for key, value in metadata:
            if key == convert.REJECTED_SEQ_KEY:
                seq = int(value)
                before = len(self._pending)
                self._pending = collections.deque(b for b in self._pending if b.seq != seq)
                if len(self._pending) < before:
                    self.stats.rejected_batches_total += 1
                    log.error("controller rejected batch seq=%d: %s", seq, exc.details())

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
            for msg in list(self._pending):
                if msg.seq > sent_upto:
                    await call.write(agent_pb2.AgentMessage(batch=msg))
                    sent_upto = msg.seq
                    self.stats.sent_batches_total += 1
            while not self._results.empty():
                result = self._results.get_nowait()
                await call.write(agent_pb2.AgentMessage(result=convert.command_result_to_pb(result)))
            self._wakeup.clear()
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
        while self._pending and self._pending[0].seq <= highest_seq:
            self._pending.popleft()
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


def _merge(batches: list[model.Batch]) -> model.Batch:
    if len(batches) == 1:
        return batches[0]
    return model.Batch(
        readings=tuple(r for b in batches for r in b.readings),
        events=tuple(e for b in batches for e in b.events),
        assets=tuple(a for b in batches for a in b.assets),
        components=tuple(c for b in batches for c in b.components),
    )
