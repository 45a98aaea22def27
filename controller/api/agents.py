"""The agents' stream servicer: Hello, batches acked after commit, commands down, results up."""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc

from controller.auth.identity import current
from controller.commands import CommandRouter
from controller.ingest import INT64_MAX, BatchRejected, IngestWriter, Limits, validate
from controller.ingest_limits import LimitExceeded, StreamQuota, check_batch, check_hello
from controller.ownership import Ownership, batch_assets
from hotspare import convert, model
from hotspare.v1 import agent_pb2, agent_pb2_grpc

log = logging.getLogger("hotspare.controller.api.agents")


def _now_ms() -> int:
    return int(time.time() * 1000)


def _foreign(owners: dict[str, str]) -> str:
    shown = ", ".join(f"{a!r} (agent {o!r})" for a, o in sorted(owners.items())[:3])
    return f"refused: assets owned by another agent: {shown}"


class AgentService(agent_pb2_grpc.AgentServiceServicer):
    """The agents' stream: Hello, then batches (acked after commit) and command results."""

    def __init__(
        self,
        writer: IngestWriter,
        register: Callable[[agent_pb2.Hello], Awaitable[int]],
        router: CommandRouter,
        limits: Limits,
        ownership: Ownership | None = None,
    ) -> None:
        self._writer = writer
        self._register = register
        self._router = router
        self._limits = limits
        self.refused_total: collections.Counter[str] = collections.Counter()  # by reason code
        self._ownership = ownership

    async def Stream(
        self,
        request_iterator: AsyncIterator[agent_pb2.AgentMessage],
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[agent_pb2.ControllerMessage]:
        first = await context.read()
        if first is grpc.aio.EOF or first.WhichOneof("body") != "hello":
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "the first message must be Hello")
        hello = first.hello
        if not hello.agent_id.strip():
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "Hello has an empty agent_id")
        try:
            check_hello(hello)
        except LimitExceeded as exc:
            log.warning("agent Hello refused: %s", exc)
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"Hello refused: {exc}")
        agent_id, epoch = hello.agent_id, hello.stream_epoch
        if epoch > INT64_MAX:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                f"Hello stream_epoch {epoch} is beyond 2^63-1")
        ident = current()
        if ident is not None and ident.kind == "agent" and ident.name and ident.name != agent_id:
            why = f"certificate is for agent {ident.name!r}, not {agent_id!r}"
            log.warning("agent Hello refused: %s", why)
            await context.abort(grpc.StatusCode.PERMISSION_DENIED, why)
        if self._ownership is not None:
            foreign = await self._ownership.foreign(agent_id, (a.asset_id for a in hello.assets))
            if foreign:
                log.warning("agent %s: Hello %s", agent_id, _foreign(foreign))
                await context.abort(grpc.StatusCode.PERMISSION_DENIED, _foreign(foreign))
        highest = await self._register(hello)
        outbound: asyncio.Queue[agent_pb2.ControllerMessage | None] = asyncio.Queue()
        outbound.put_nowait(agent_pb2.ControllerMessage(
            ack=agent_pb2.Ack(stream_epoch=epoch, highest_seq=highest)))
        commands = self._router.connect(agent_id)
        log.info("agent %s connected (epoch %d, stored up to seq %d)", agent_id, epoch, highest)
        reader = asyncio.create_task(self._read(context, agent_id, epoch, outbound,
                                                 StreamQuota(highest)))
        pusher = asyncio.create_task(self._push_commands(commands, outbound))
        try:
            while True:
                msg = await outbound.get()
                if msg is None:
                    break
                await context.write(msg)
            rejected = reader.result() if reader.done() else None
            if rejected is not None:
                seq, reason = rejected
                context.set_trailing_metadata(((convert.REJECTED_SEQ_KEY, str(seq)),))
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, reason)
        finally:
            reader.cancel()
            pusher.cancel()
            self._router.disconnect(agent_id, commands)
            log.info("agent %s stream closed", agent_id)
        if False:  # pragma: no cover - makes this an async generator for typing
            yield agent_pb2.ControllerMessage()

    async def _read(
        self,
        context: grpc.aio.ServicerContext,
        agent_id: str,
        epoch: int,
        outbound: asyncio.Queue[agent_pb2.ControllerMessage | None],
        quota: StreamQuota,
    ) -> tuple[int, str] | None:
        acks: set[asyncio.Task[None]] = set()
        try:
            while True:
                msg = await context.read()
                if msg is grpc.aio.EOF:
                    return None
                kind = msg.WhichOneof("body")
                if kind == "batch":
                    try:
                        item = validate(msg.batch, agent_id, epoch, self._limits, _now_ms())
                        check_batch(msg.batch)
                        quota.admit(msg.batch)
                        if self._ownership is not None:
                            foreign = await self._ownership.foreign(agent_id,
                                                                    batch_assets(msg.batch))
                            if foreign:
                                raise BatchRejected(f"batch seq {msg.batch.seq}: "
                                                    + _foreign(foreign), "foreign_asset")
                    except (BatchRejected, LimitExceeded) as exc:
                        log.warning("agent %s: rejected batch: %s", agent_id, exc)
                        self.refused_total[getattr(exc, "reason", "limit")] += 1
                        return msg.batch.seq, str(exc)
                    fut = self._writer.submit(item)
                    task = asyncio.create_task(self._ack_when_stored(fut, epoch, outbound))
                    acks.add(task)
                    task.add_done_callback(acks.discard)
                elif kind == "result":
                    self._router.deliver(convert.command_result_from_pb(msg.result))
        finally:
            if acks:
                await asyncio.gather(*acks, return_exceptions=True)
            outbound.put_nowait(None)

    @staticmethod
    async def _ack_when_stored(
        fut: asyncio.Future[int],
        epoch: int,
        outbound: asyncio.Queue[agent_pb2.ControllerMessage | None],
    ) -> None:
        try:
            highest = await fut
        except Exception:  # a failed commit is not acked: end the stream so the agent re-sends
            outbound.put_nowait(None)
            return
        outbound.put_nowait(agent_pb2.ControllerMessage(
            ack=agent_pb2.Ack(stream_epoch=epoch, highest_seq=highest)))

    @staticmethod
    async def _push_commands(
        commands: asyncio.Queue[model.Command],
        outbound: asyncio.Queue[agent_pb2.ControllerMessage | None],
    ) -> None:
        while True:
            command = await commands.get()
            outbound.put_nowait(agent_pb2.ControllerMessage(command=convert.command_to_pb(command)))
