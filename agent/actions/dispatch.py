"""The agent's command dispatcher: journal first (ids run once), then epochs, deadline, action."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from agent.actions.base import Action, ActionContext, ActionError, deadline_from_receipt
from agent.actions.journal import CommandJournal
from agent.epochs import EpochError, EpochStore
from hotspare import model

log = logging.getLogger("hotspare.agent.actions")


class Dispatcher:
    """Runs each controller command at most once, on the action that owns its asset.

    Order: the same id already in flight joins it; an id in the journal returns its first
    result; an older group epoch is refused (S1); a passed deadline is an error; otherwise the
    action runs and its result is journaled. Every outcome, refusals included, is journaled.
    """

    def __init__(self, agent_id: str, actions: list[Action], journal: CommandJournal,
                 epochs: EpochStore, monotonic: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.agent_id = agent_id
        self._actions = actions
        self._journal = journal
        self._epochs = epochs
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._running: dict[str, asyncio.Future[model.CommandResult]] = {}

    async def execute(self, command: model.Command) -> model.CommandResult:
        received = self._monotonic()  # the deadline counts from here, on this clock
        running = self._running.get(command.command_id)
        if running is not None:
            return await asyncio.shield(running)
        fut: asyncio.Future[model.CommandResult] = asyncio.get_running_loop().create_future()
        self._running[command.command_id] = fut
        try:
            result = await self._execute(command, received)
            fut.set_result(result)
            return result
        except asyncio.CancelledError:
            fut.cancel()
            raise
        except Exception as exc:
            fut.set_exception(exc)
            fut.exception()  # retrieved: joiners re-raise it, nobody else needs to
            raise
        finally:
            del self._running[command.command_id]

    async def _execute(self, command: model.Command, received: float) -> model.CommandResult:
        ctx = ActionContext(command, received,
                            deadline_from_receipt(command, received, self._wall_clock()),
                            self._monotonic, lambda: int(self._wall_clock() * 1000))
        try:
            first = await self._journal.begin(command)
        except ActionError as exc:
            return ctx.result(model.CommandOutcome.REFUSED, str(exc))
        if first is not None:
            log.info("command %s: already executed (%s); not run again", command.command_id,
                     first.outcome.value)
            return first
        result = await self._decide(command, ctx)
        log.info("command %s %s %s by %s: %s %s", command.command_id, command.action,
                 command.asset_id, command.requested_by or "?", result.outcome.value,
                 result.message)
        try:
            await self._journal.finish(result)
        except ActionError as exc:
            log.error("command %s: result not journaled: %s", command.command_id, exc)
        return result

    async def _decide(self, command: model.Command, ctx: ActionContext) -> model.CommandResult:
        if command.group_id:
            try:
                self._epochs.admit(command.group_id, command.group_epoch)
            except EpochError as exc:
                return ctx.result(model.CommandOutcome.REFUSED, str(exc))
        if ctx.remaining() <= 0:
            return ctx.result(model.CommandOutcome.ERROR, "deadline already passed")
        for action in self._actions:
            if command.action in action.actions and action.owns(command.asset_id):
                return await action.run(command, ctx)
        if any(command.action in a.actions for a in self._actions):
            return ctx.result(model.CommandOutcome.ERROR,
                              f"agent {self.agent_id} does not own asset {command.asset_id!r}")
        return ctx.result(model.CommandOutcome.REFUSED,
                          f"agent {self.agent_id} has no {command.action!r} action")
