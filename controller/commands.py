"""Commands to agents: journaled before they are sent, routed to the owning agent, results kept.

A command id is unique for ever: a repeated id returns the first command's result (or waits for
it while it is in flight) and never runs twice, also after a controller restart. Deadlines are
relative durations measured on this process's monotonic clock (S9); the wall-clock deadline on the
wire is only for display and for agents of older versions.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from controller.store import CommandRecord, Database
from hotspare import model
from hotspare.errors import HotSpareError

log = logging.getLogger("hotspare.controller.commands")


class CommandError(HotSpareError):
    """A command cannot be delivered (no owning agent connected, deadline passed, id reused)."""


def _now_ms() -> int:
    return int(time.time() * 1000)


class CommandRouter:
    """Knows each connected agent's outbound queue; matches results to waiting callers."""

    def __init__(self) -> None:
        self._agents: dict[str, asyncio.Queue[model.Command]] = {}
        self._arrivals: dict[str, list[asyncio.Future[None]]] = {}
        self._waiting: dict[str, asyncio.Future[model.CommandResult]] = {}
        self.on_result: Callable[[model.CommandResult], Coroutine[Any, Any, None]] | None = None

    def connect(self, agent_id: str) -> asyncio.Queue[model.Command]:
        queue: asyncio.Queue[model.Command] = asyncio.Queue()
        self._agents[agent_id] = queue
        for fut in self._arrivals.pop(agent_id, []):
            if not fut.done():
                fut.set_result(None)
        return queue

    async def wait_connected(self, agent_id: str, timeout_seconds: float) -> bool:
        """Wait (bounded) for an agent's stream, e.g. after a controller restart."""
        if agent_id in self._agents:
            return True
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._arrivals.setdefault(agent_id, []).append(fut)
        try:
            await asyncio.wait_for(fut, timeout_seconds)
        except TimeoutError:
            return False
        finally:
            waiting = self._arrivals.get(agent_id, [])
            if fut in waiting:
                waiting.remove(fut)
        return True

    def disconnect(self, agent_id: str, queue: asyncio.Queue[model.Command]) -> None:
        if self._agents.get(agent_id) is queue:
            del self._agents[agent_id]

    def is_connected(self, agent_id: str) -> bool:
        return agent_id in self._agents

    def connected_count(self) -> int:
        return len(self._agents)

    def in_flight(self, command_id: str) -> asyncio.Future[model.CommandResult] | None:
        return self._waiting.get(command_id)

    async def send(self, agent_id: str, command: model.Command, timeout_seconds: float
                   ) -> model.CommandResult:
        """Deliver to the agent and wait for its result for at most timeout_seconds (monotonic)."""
        queue = self._agents.get(agent_id)
        if queue is None:
            raise CommandError(f"agent {agent_id!r} owning {command.asset_id!r} is not connected")
        if timeout_seconds <= 0:
            raise CommandError(f"command {command.command_id}: timeout must be positive")
        fut: asyncio.Future[model.CommandResult] = asyncio.get_running_loop().create_future()
        self._waiting[command.command_id] = fut
        queue.put_nowait(command)
        try:
            # One second of grace for the result's trip back after the agent's own deadline.
            return await asyncio.wait_for(asyncio.shield(fut), timeout_seconds + 1.0)
        except TimeoutError:
            raise CommandError(
                f"no result from agent {agent_id!r} for command {command.command_id} "
                f"within {timeout_seconds:g}s"
            ) from None
        finally:
            self._waiting.pop(command.command_id, None)

    def deliver(self, result: model.CommandResult) -> None:
        """A result arrived from an agent: wake its caller, and journal it either way."""
        fut = self._waiting.get(result.command_id)
        if fut is not None and not fut.done():
            fut.set_result(result)
        elif self.on_result is not None:  # late, or for a command sent before a restart
            task: asyncio.Task[None] = asyncio.get_running_loop().create_task(
                self.on_result(result))
            task.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("journaling a late command result failed: %s", task.exception())


class Commands:
    """Runs commands through the durable journal; the one way the controller orders an agent."""

    def __init__(self, db: Database, router: CommandRouter) -> None:
        self._db = db
        self.router = router
        router.on_result = self._late_result

    async def _late_result(self, result: model.CommandResult) -> None:
        if await self._db.commands.record_result(result):
            log.info("journaled late result of %s: %s", result.command_id, result.outcome.value)

    async def run(self, command: model.Command, kind: str, agent_id: str,
                  timeout_seconds: float, *, resend: bool = False) -> model.CommandResult:
        """Journal, send, wait, record; a repeated id gets the first command's outcome.

        `resend`: a journaled command with no result yet (sent before a controller restart) is
        sent again with the same id; the agent's own journal runs an id at most once, so this
        resumes a switchover step without repeating it (S6).
        """
        record, created = await self._db.commands.journal(CommandRecord(
            command_id=command.command_id, kind=kind, asset_id=command.asset_id,
            agent_id=agent_id, action=_action_text(command), requested_by=command.requested_by,
            requested_ms=_now_ms(), timeout_seconds=timeout_seconds, group_id=command.group_id,
            group_epoch=command.group_epoch))
        resumable = resend and record.result() is None \
            and self.router.in_flight(command.command_id) is None
        if not created and not resumable:
            return await self._repeated(record, command)
        try:
            await self._db.commands.mark_sent(command.command_id)
            result = await self.router.send(agent_id, command, timeout_seconds)
        except CommandError as exc:
            result = model.CommandResult(command.command_id, command.asset_id,
                                         model.CommandOutcome.ERROR, str(exc),
                                         finished_unix_ms=_now_ms())
        if not result.finished_unix_ms:
            result = dataclasses.replace(result, finished_unix_ms=_now_ms())
        if not await self._db.commands.record_result(result):
            stored = await self._db.commands.command(command.command_id)
            first = stored.result() if stored else None
            if first is not None:
                return first
        return result

    async def _repeated(self, record: CommandRecord, command: model.Command
                        ) -> model.CommandResult:
        if (record.asset_id, record.action) != (command.asset_id, _action_text(command)):
            raise CommandError(
                f"command id {command.command_id!r} was already used for {record.action} on "
                f"{record.asset_id!r}; use a new id")
        first = record.result()
        if first is not None:
            return first
        pending = self.router.in_flight(command.command_id)
        if pending is not None:
            return await asyncio.shield(pending)
        return model.CommandResult(
            command.command_id, command.asset_id, model.CommandOutcome.ERROR,
            f"command {command.command_id} was sent at {record.requested_ms} by "
            f"{record.requested_by or '?'} and its result never arrived (controller restarted?);"
            " it is not sent again: check the asset and use a new id",
            finished_unix_ms=_now_ms())


def _action_text(command: model.Command) -> str:
    if command.power_action is not None:
        return command.power_action.value
    return command.action
