"""Power and fence actions on a BMC: set the chassis power, then confirm by reading it back (S2)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, runtime_checkable

from agent.actions.base import ActionContext
from agent.collectors.ipmi.bmc import BmcError, BmcUnreachable
from hotspare import model

POWER_POLL_SECONDS = 0.25
MAX_READ_BACKS = 10_000  # bounded; the deadline ends the read-back loop long before


class Bmc(Protocol):
    """What a power action needs of a BMC (the IPMI collector's BmcHandle)."""

    address: str

    async def power_state(self, timeout_seconds: float) -> str: ...

    async def set_power(self, state: str, timeout_seconds: float) -> None: ...


@runtime_checkable
class BmcProvider(Protocol):
    """A collector that can lend the BMC of an asset it polls."""

    def bmc_handle(self, asset_id: str) -> Bmc | None: ...


class PowerAction:
    """power status/on/off/cycle and fence (= off, confirmed) for assets with a known BMC."""

    actions: tuple[str, ...] = ("power", "fence")

    def __init__(self, providers: Sequence[BmcProvider]) -> None:
        self._providers = providers

    def bmc(self, asset_id: str) -> Bmc | None:
        for provider in self._providers:
            handle = provider.bmc_handle(asset_id)
            if handle is not None:
                return handle
        return None

    def owns(self, asset_id: str) -> bool:
        return self.bmc(asset_id) is not None

    async def run(self, command: model.Command, ctx: ActionContext) -> model.CommandResult:
        bmc = self.bmc(command.asset_id)
        if bmc is None:
            return ctx.result(model.CommandOutcome.ERROR,
                              f"no BMC known for asset {command.asset_id!r}")
        if command.action == "fence":
            action = model.PowerAction.OFF
        elif command.power_action is not None:
            action = command.power_action
        else:
            return ctx.result(model.CommandOutcome.REFUSED, "power command without an action")
        try:
            if action is model.PowerAction.STATUS:
                state = await bmc.power_state(ctx.remaining())
                return ctx.result(model.CommandOutcome.OK, f"power is {state}", state)
            steps = ["off", "on"] if action is model.PowerAction.CYCLE else [action.value]
            state = ""
            timings: dict[str, str] = {}
            for want in steps:
                await with_retries(functools.partial(_set, bmc, want, ctx.remaining),
                                   ctx.remaining)
                state = await confirm(bmc, want, ctx.remaining)
                timings[f"{want}_confirmed_after_seconds"] = f"{ctx.elapsed():.3f}"
                if state != want:
                    return ctx.result(model.CommandOutcome.NOT_CONFIRMED,
                                      f"asked for {want}, BMC still reads {state or 'nothing'} "
                                      "at the deadline", state, **timings)
            return ctx.result(model.CommandOutcome.CONFIRMED,
                              f"power {state}, read back from the BMC", state, **timings)
        except TimeoutError:
            return ctx.result(model.CommandOutcome.ERROR,
                              f"BMC {bmc.address} did not answer before the deadline")
        except BmcError as exc:
            return ctx.result(model.CommandOutcome.ERROR, f"BMC {bmc.address}: {exc.kind}: {exc}")


async def _set(bmc: Bmc, want: str, remaining: Callable[[], float]) -> None:
    # a third of what is left, so that a stuck session still leaves time for a fresh one
    await bmc.set_power(want, max(1.0, remaining() / 3))


async def with_retries(call: Callable[[], Awaitable[None]], remaining: Callable[[], float],
                       attempts: int = 3) -> None:
    """A BMC that did not answer gets a fresh session (the worker restarts) while time remains:
    one lost UDP answer or a stuck session must not fail a fence."""
    for attempt in range(attempts):
        try:
            await call()
            return
        except BmcUnreachable:
            if attempt == attempts - 1 or remaining() <= 0.5:
                raise


async def confirm(bmc: Bmc, want: str, remaining: Callable[[], float]) -> str:
    """Read the chassis power state back until it matches or the deadline passes."""
    state = ""
    for _ in range(MAX_READ_BACKS):
        left = remaining()
        if left <= 0:
            return state
        try:
            state = await bmc.power_state(max(1.0, left / 3) if left > 1.0 else left)
        except BmcUnreachable:  # one lost answer: read again with a fresh session
            if remaining() <= 0.5:
                raise
            continue
        if state == want or remaining() <= 0:
            return state
        await asyncio.sleep(min(POWER_POLL_SECONDS, max(0.0, remaining())))
    return state
