"""What every action shares: its errors, the Action protocol and a context with the command's deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from hotspare import model


class ActionError(Exception):
    """Root of the agent's action errors (journal, epochs); the command is refused with it."""


def deadline_from_receipt(command: model.Command, received_monotonic: float,
                          wall_now: float) -> float:
    """The command's deadline on this agent's monotonic clock (S9).

    `timeout_seconds` counts from receipt. A controller that sends only the wall-clock
    `deadline_unix_ms` gets it converted once, at receipt, into a duration: after that, a
    wall-clock step on either machine changes nothing.
    """
    if command.timeout_seconds > 0:
        return received_monotonic + command.timeout_seconds
    return received_monotonic + (command.deadline_unix_ms / 1000 - wall_now)


@dataclass
class ActionContext:
    """One command's clock: when it was received, its deadline, and a result builder."""

    command: model.Command
    received_monotonic: float
    deadline_monotonic: float
    monotonic: Callable[[], float] = time.monotonic
    wall_clock_ms: Callable[[], int] = field(default=lambda: int(time.time() * 1000))

    def remaining(self) -> float:
        return self.deadline_monotonic - self.monotonic()

    def elapsed(self) -> float:
        return self.monotonic() - self.received_monotonic

    def result(self, outcome: model.CommandOutcome, message: str, state: str = "",
               **details: str) -> model.CommandResult:
        return model.CommandResult(self.command.command_id, self.command.asset_id, outcome,
                                   message, state, round(self.elapsed(), 3),
                                   self.wall_clock_ms(), details)


class Action(Protocol):
    """Carries out commands of some kinds (`actions`) for the assets it owns."""

    actions: tuple[str, ...]

    def owns(self, asset_id: str) -> bool: ...

    async def run(self, command: model.Command, ctx: ActionContext) -> model.CommandResult: ...
