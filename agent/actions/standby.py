"""Promote and demote a hot-standby member: run its configured command, with the group's epoch."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Sequence
from typing import Protocol

from agent.actions.base import ActionContext
from hotspare import model

OUTPUT_TAIL_CHARS = 300  # recorded in the result; never logged (it is the application's output)


class Member(Protocol):
    """A member's configured commands (the standby collector's MemberConfig)."""

    promote_command: tuple[str, ...]
    demote_command: tuple[str, ...]


class MemberProvider(Protocol):
    """A collector that knows the standby members it watches and can probe one at once."""

    def member_for(self, asset_id: str) -> Member | None: ...

    async def probe_now(self, asset_id: str) -> None: ...


class StandbyAction:
    """promote / demote for members whose standby collector configures those commands."""

    actions: tuple[str, ...] = ("promote", "demote")

    def __init__(self, providers: Sequence[MemberProvider]) -> None:
        self._providers = list(providers)
        self._probes: set[asyncio.Task[None]] = set()

    def _find(self, asset_id: str) -> tuple[MemberProvider, Member] | None:
        for provider in self._providers:
            found = provider.member_for(asset_id)
            if found is not None:
                return provider, found
        return None

    def owns(self, asset_id: str) -> bool:
        return self._find(asset_id) is not None

    async def run(self, command: model.Command, ctx: ActionContext) -> model.CommandResult:
        found = self._find(command.asset_id)
        member = found[1] if found else None
        argv = () if member is None else (
            member.promote_command if command.action == "promote" else member.demote_command)
        if not argv:
            return ctx.result(model.CommandOutcome.REFUSED,
                              f"no {command.action}_command configured for {command.asset_id!r}")
        env = dict(os.environ, HOTSPARE_ACTION=command.action, HOTSPARE_GROUP=command.group_id,
                   HOTSPARE_EPOCH=str(command.group_epoch), HOTSPARE_COMMAND_ID=command.command_id,
                   HOTSPARE_ASSET=command.asset_id)
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, env=env)
        except OSError as exc:
            return ctx.result(model.CommandOutcome.ERROR,
                              f"cannot run {command.action} command {argv[0]!r}: "
                              f"{exc.strerror or exc}")
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), max(0.1, ctx.remaining()))
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(proc.wait(), 2.0)
            return ctx.result(model.CommandOutcome.ERROR,
                              f"{command.action} command timed out (killed)")
        tail = out.decode(errors="replace").strip()[-OUTPUT_TAIL_CHARS:]
        if found is not None:  # report the new role at once, not at the next probe interval
            task = asyncio.get_running_loop().create_task(found[0].probe_now(command.asset_id))
            self._probes.add(task)
            task.add_done_callback(self._probes.discard)
        if proc.returncode != 0:
            return ctx.result(model.CommandOutcome.ERROR,
                              f"{command.action} command exited with status {proc.returncode}",
                              exit_status=str(proc.returncode), output=tail)
        return ctx.result(model.CommandOutcome.OK, f"{command.action} command succeeded",
                          exit_status="0", output=tail, epoch=str(command.group_epoch))
