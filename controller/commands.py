"""Routes commands to the connected agent that owns an asset and waits for its result."""

from __future__ import annotations

import asyncio
import time

from hotspare import model


class CommandError(Exception):
    """A command cannot be delivered (no owning agent connected, deadline passed)."""


class CommandRouter:
    """Knows each connected agent's outbound queue; matches results to waiting callers."""

    def __init__(self) -> None:
        self._agents: dict[str, asyncio.Queue[model.Command]] = {}
        self._waiting: dict[str, asyncio.Future[model.CommandResult]] = {}
        self._done: dict[str, model.CommandResult] = {}

    def connect(self, agent_id: str) -> asyncio.Queue[model.Command]:
        queue: asyncio.Queue[model.Command] = asyncio.Queue()
        self._agents[agent_id] = queue
        return queue

    def disconnect(self, agent_id: str, queue: asyncio.Queue[model.Command]) -> None:
        if self._agents.get(agent_id) is queue:
            del self._agents[agent_id]

    def is_connected(self, agent_id: str) -> bool:
        return agent_id in self._agents

    async def send(self, agent_id: str, command: model.Command) -> model.CommandResult:
        """Deliver to the agent and wait for the result until the command's deadline."""
        if command.command_id in self._done:  # the same id twice is executed once
            return self._done[command.command_id]
        if command.command_id in self._waiting:
            return await asyncio.shield(self._waiting[command.command_id])
        queue = self._agents.get(agent_id)
        if queue is None:
            raise CommandError(f"agent {agent_id!r} owning {command.asset_id!r} is not connected")
        remaining = command.deadline_unix_ms / 1000 - time.time()
        if remaining <= 0:
            raise CommandError(f"command {command.command_id} deadline already passed")
        fut: asyncio.Future[model.CommandResult] = asyncio.get_running_loop().create_future()
        self._waiting[command.command_id] = fut
        queue.put_nowait(command)
        try:
            return await asyncio.wait_for(asyncio.shield(fut), remaining + 1.0)
        except TimeoutError:
            raise CommandError(
                f"no result from agent {agent_id!r} for command {command.command_id} "
                "before its deadline"
            ) from None
        finally:
            self._waiting.pop(command.command_id, None)

    def deliver(self, result: model.CommandResult) -> None:
        """A result arrived from an agent."""
        self._done[result.command_id] = result
        if len(self._done) > 10_000:
            self._done.pop(next(iter(self._done)))
        fut = self._waiting.get(result.command_id)
        if fut is not None and not fut.done():
            fut.set_result(result)
