"""The switchover state machine: pre-flight, then demote or fence+confirm, promote, verify; journaled.

Every step is written to the journal as started before its side effect and as done or failed
after (S6, S7's journal half); a controller that dies mid-way resumes from the journal, never
restarts: a step that was started is sent again with the same command id, and the agent's own
journal runs an id at most once. Fencing is confirmed by reading the power state back from the
BMC in a separate step (S2); if that cannot be confirmed nothing is promoted and the switchover
is blocked with a level-1 alert until a human confirms by hand (S3). Promotion carries the
group's epoch + 1 (S1). Waits use the monotonic clock (S9).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

from controller.audit import Audit, AuditError
from controller.commands import CommandError, Commands
from controller.failover.config import StandbyGroup
from controller.failover.runtime import GROUP_ASSET_PREFIX, ReadinessRuntime
from controller.store import Database
from hotspare import model
from hotspare.clock import SYSTEM_CLOCK, Clock
from hotspare.errors import HotSpareError
from hotspare.standby import (
    GroupReadiness,
    Reason,
    Role,
    Switchover,
    SwitchoverMode,
    SwitchoverState,
    SwitchoverStep,
    Verdict,
)

log = logging.getLogger("hotspare.controller.switchover")
K, S = model.ReadingKind, model.Status
FENCING_SENSOR = "failover:fencing"
# Reasons a failover expects: the old active is dead, so its liveness evidence is gone.
FAILOVER_TOLERATED = frozenset({"no_active", "agent_down", "active_unhealthy", "member_unknown"})
Progress = Callable[[Switchover], None]


class SwitchoverError(HotSpareError):
    """A switchover cannot be requested as asked (unknown group or member, another one running)."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long each kind of step may take, in seconds (monotonic)."""

    command_seconds: float = 10.0
    fence_seconds: float = 8.0
    verify_seconds: float = 15.0


def plan(mode: SwitchoverMode, group: StandbyGroup, from_member: str, to_member: str,
         epoch: int) -> list[tuple[str, str]]:
    """The steps, in order, with what each will do (what --dry-run prints)."""
    bmc = group.bmc_of(from_member) or "(no BMC configured)"
    first = [("preflight", f"check that {group.name} could switch from {from_member} to "
                           f"{to_member} now")]
    if mode is SwitchoverMode.PLANNED:
        middle = [("demote", f"order {from_member} to demote (epoch {epoch})"),
                  ("wait_demoted", f"wait until {from_member} reports standby")]
    else:
        middle = [("fence", f"power {from_member} off through its BMC {bmc}"),
                  ("confirm_off", f"read {from_member}'s power state back from {bmc}: "
                                  "it must read off")]
    last = [("promote", f"order {to_member} to promote with epoch {epoch} (S1)"),
            ("verify", f"wait until {to_member} reports active")]
    return first + middle + last


class Switchovers:
    """Runs switchovers, one at a time per group, from request to a terminal state."""

    def __init__(self, groups: dict[str, StandbyGroup], db: Database, commands: Commands,
                 readiness: ReadinessRuntime,
                 alert_feed: Callable[[list[model.Reading]], object] | None = None,
                 timeouts: Timeouts = Timeouts(), clock: Clock = SYSTEM_CLOCK) -> None:
        self.groups = groups
        self._db = db
        self._commands = commands
        self._readiness = readiness
        self._feed = alert_feed
        self.timeouts = timeouts
        self._clock = clock
        self._tasks: dict[str, asyncio.Task[Switchover]] = {}  # request id -> its runner
        self._progress: dict[str, list[Progress]] = {}
        self.audit = Audit(db)  # every request and step is audited before it happens (S7)

    # ---- requests -------------------------------------------------------------------
    async def _members(self, group: StandbyGroup, mode: SwitchoverMode, to: str,
                       r: GroupReadiness) -> tuple[str, str]:
        """(from, to): the current active (else the last known), and the best eligible standby."""
        actives = list(r.active)
        if len(actives) == 1:
            from_member = actives[0]
        else:
            epochs = await self._db.read(lambda s: s.failover.group_epochs())
            from_member = epochs.get(group.name, (0, ""))[1] or group.initial_active
        if to:
            if to not in group.members:
                raise SwitchoverError(f"{to!r} is not a member of {group.name!r}")
            if to == from_member:
                raise SwitchoverError(f"{to!r} is already the active member of {group.name!r}")
            return from_member, to
        others = [m for m in r.members if m.asset_id != from_member]
        best = sorted(others, key=lambda m: (m.role is not Role.STANDBY, not m.agent_up,
                                             m.lag_seconds if m.lag_seconds is not None
                                             else float("inf")))
        if not best:
            raise SwitchoverError(f"{group.name!r} has no member to switch to")
        return from_member, best[0].asset_id

    @staticmethod
    def preflight(mode: SwitchoverMode, r: GroupReadiness, from_member: str, to_member: str
                  ) -> tuple[bool, tuple[Reason, ...]]:
        """Whether the switchover may run now, and every reason against it."""
        blocking = []
        for reason in r.reasons:
            if not reason.verdict.rank > Verdict.DEGRADED.rank:
                continue
            if mode is SwitchoverMode.FAILOVER and (
                    reason.code in FAILOVER_TOLERATED or (
                        reason.member == from_member and not reason.code.startswith("fencing"))):
                continue  # the old active being dead is why we fail over
            if reason.member and reason.member not in (from_member, to_member) \
                    and not reason.code.startswith("config"):
                continue  # about another standby than the one chosen
            blocking.append(reason)
        if mode is SwitchoverMode.FAILOVER:
            state = next((m for m in r.members if m.asset_id == from_member), None)
            if state is not None and (not state.bmc_asset_id
                                      or state.bmc_state not in ("ok", "flapping")):
                code = "fencing_unconfigured" if not state.bmc_asset_id else "fencing_unreachable"
                if not any(b.code == code and b.member == from_member for b in blocking):
                    blocking.append(Reason(code, Verdict.NOT_READY,
                                           f"cannot fence {from_member}: BMC "
                                           f"{state.bmc_asset_id or '(none)'} is "
                                           f"{state.bmc_state}", from_member))
        return not blocking, tuple(blocking)

    async def request(self, group_name: str, mode: SwitchoverMode, requested_by: str,
                      reason: str, *, to: str = "", force_reason: str = "",
                      request_id: str = "", dry_run: bool = False, automatic: bool = False,
                      drill_id: str = "", progress: Progress | None = None
                      ) -> tuple[Switchover, tuple[Reason, ...]]:
        """Run (or plan) a switchover; returns its final record and the pre-flight reasons."""
        group = self.groups.get(group_name)
        if group is None:
            known = ", ".join(sorted(self.groups)) or "none configured"
            raise SwitchoverError(f"no standby group {group_name!r} (groups: {known})")
        if request_id:
            existing = await self._db.read(lambda s: s.switchovers.get(request_id))
            if existing is not None:  # a repeated request id runs once (S6)
                if existing.group != group_name:
                    raise SwitchoverError(f"request id {request_id!r} was used for group "
                                          f"{existing.group!r}")
                return await self._join(existing, progress), ()
        await self._readiness.refresh([group_name])
        r = self._readiness.current[group_name]
        from_member, to_member = await self._members(group, mode, to, r)
        allowed, blocking = self.preflight(mode, r, from_member, to_member)
        epoch = r.epoch + 1
        now = self._clock.wall_ms()
        sw = Switchover(request_id or f"sw-{secrets.token_hex(6)}", group_name, mode,
                        requested_by, reason, from_member, to_member, epoch,
                        SwitchoverState.RUNNING, forced=force_reason, automatic=automatic,
                        drill_id=drill_id, requested_ms=now)
        if dry_run:
            verdict = "allowed" if allowed else ("forced" if force_reason else "refused")
            steps = tuple(SwitchoverStep(i, name, "planned", 0, 0, text)
                          for i, (name, text) in enumerate(plan(mode, group, from_member,
                                                                to_member, epoch)))
            return replace(sw, steps=steps, outcome_reason=f"pre-flight: {verdict}"), blocking
        running = [t for rid, t in self._tasks.items() if not t.done()
                   and rid.startswith(group_name + "|")]
        if running:
            raise SwitchoverError(f"a switchover of {group_name!r} is already running")
        try:
            await self.audit.record("switchover.request", group_name,
                                    f"{sw.request_id} {mode.value} {from_member}->{to_member} "
                                    f"epoch {epoch}: {reason}"
                                    + (f" (forced: {force_reason})" if force_reason else ""),
                                    actor=requested_by)
        except AuditError as exc:
            raise SwitchoverError(str(exc)) from None
        stored, created = await self._db.write(lambda s: s.switchovers.create(sw))
        if not created:
            return await self._join(stored, progress), blocking
        why = "; ".join(b.message for b in blocking)
        await self._step(stored, 0, "preflight", lambda: self._preflight_step(
            allowed, force_reason, why))
        if not allowed and not force_reason:
            await self._finish(stored, SwitchoverState.REFUSED, f"pre-flight refused: {why}")
            return await self._record(stored.request_id), blocking
        return await self._join(await self._record(stored.request_id), progress), blocking

    async def _preflight_step(self, allowed: bool, force_reason: str, why: str
                              ) -> tuple[bool, str]:
        if allowed:
            return True, "allowed"
        if force_reason:
            return True, f"refused ({why}) but forced: {force_reason}"
        return False, why

    async def _join(self, sw: Switchover, progress: Progress | None) -> Switchover:
        """Wait for a switchover to end (or block), starting its runner when none is running."""
        if sw.state.terminal or sw.state is SwitchoverState.BLOCKED:
            return sw
        key = f"{sw.group}|{sw.request_id}"
        if progress is not None:
            self._progress.setdefault(sw.request_id, []).append(progress)
        task = self._tasks.get(key)
        if task is None or task.done():
            task = asyncio.create_task(self._run(sw), name=f"switchover-{sw.request_id}")
            self._tasks[key] = task
        try:
            return await asyncio.shield(task)
        finally:
            if progress is not None:
                self._progress.get(sw.request_id, [progress]).remove(progress)

    async def resume_open(self) -> list[str]:
        """After a restart: continue every switchover the journal says was running (S6)."""
        open_ = await self._db.read(lambda s: s.switchovers.list(open_only=True, limit=1000))
        resumed = []
        for sw in open_:
            if sw.state is SwitchoverState.RUNNING and sw.group in self.groups:
                key = f"{sw.group}|{sw.request_id}"
                self._tasks[key] = asyncio.create_task(self._run(sw))
                resumed.append(sw.request_id)
                log.info("resuming switchover %s of %s from the journal", sw.request_id,
                         sw.group)
        return resumed

    async def confirm_fenced(self, group_name: str, who: str, reason: str) -> Switchover:
        """A human confirms the old active is off: the blocked switchover continues (S3)."""
        if not reason.strip():
            raise SwitchoverError("confirm-fenced needs a reason (what was checked, by whom)")
        blocked = [sw for sw in await self._db.read(
            lambda s: s.switchovers.list(group_name, open_only=True))
            if sw.state is SwitchoverState.BLOCKED]
        if not blocked:
            raise SwitchoverError(f"no blocked switchover in {group_name!r} to confirm")
        sw = blocked[0]
        try:
            await self.audit.record("switchover.confirm_fenced", group_name,
                                    f"{sw.request_id} old active {sw.from_member}: {reason}",
                                    actor=who)
        except AuditError as exc:
            raise SwitchoverError(str(exc)) from None
        seq = len(sw.steps)
        await self._db.write(lambda s: s.switchovers.step_started(
            sw.request_id, seq, "confirm_off_manual", f"by {who}: {reason}"))
        await self._db.write(lambda s: s.switchovers.step_finished(
            sw.request_id, seq, "done", f"confirmed off by hand by {who}: {reason}"))
        await self._db.write(lambda s: s.switchovers.finish(
            sw.request_id, SwitchoverState.RUNNING, ""))
        await self._fencing_alert(sw, ok=True, why="")
        return await self._join(await self._record(sw.request_id), None)

    # ---- running --------------------------------------------------------------------
    async def _record(self, request_id: str) -> Switchover:
        sw = await self._db.read(lambda s: s.switchovers.get(request_id))
        assert sw is not None
        return sw

    def _notify(self, sw: Switchover) -> None:
        for fn in list(self._progress.get(sw.request_id, ())):
            fn(sw)

    async def _step(self, sw: Switchover, seq: int, name: str,
                    action: Callable[[], object]) -> bool:
        """Audit, journal the step as started, run it, journal its outcome; True when it succeeded."""
        try:
            await self.audit.record(f"switchover.{name}", sw.group,
                                    f"{sw.request_id} step {seq} epoch {sw.epoch}",
                                    actor=sw.requested_by)
        except AuditError as exc:  # no audit record, no side effect (S7)
            refused = str(exc)
            await self._db.write(lambda s: s.switchovers.step_started(sw.request_id, seq, name))
            await self._db.write(lambda s: s.switchovers.step_finished(
                sw.request_id, seq, "failed", refused))
            log.error("switchover %s step %s refused: %s", sw.request_id, name, exc)
            self._notify(await self._record(sw.request_id))
            return False
        await self._db.write(lambda s: s.switchovers.step_started(sw.request_id, seq, name))
        self._notify(await self._record(sw.request_id))
        started = self._clock.monotonic_seconds()
        try:
            result = action()
            ok, detail = await result if asyncio.iscoroutine(result) else result  # type: ignore
        except (CommandError, TimeoutError, OSError) as exc:
            ok, detail = False, str(exc) or type(exc).__name__
        detail = f"{detail} ({self._clock.monotonic_seconds() - started:.2f}s)"
        await self._db.write(lambda s: s.switchovers.step_finished(
            sw.request_id, seq, "done" if ok else "failed", detail))
        log.info("switchover %s step %s: %s: %s", sw.request_id, name,
                 "done" if ok else "failed", detail)
        self._notify(await self._record(sw.request_id))
        return bool(ok)

    async def _finish(self, sw: Switchover, state: SwitchoverState, reason: str) -> None:
        await self._db.write(lambda s: s.switchovers.finish(sw.request_id, state, reason))
        log.info("switchover %s of %s: %s %s", sw.request_id, sw.group, state.value, reason)
        self._notify(await self._record(sw.request_id))

    async def _run(self, sw: Switchover) -> Switchover:
        group = self.groups[sw.group]
        steps = plan(sw.mode, group, sw.from_member, sw.to_member, sw.epoch)
        done = {s.step for s in sw.steps if s.state == "done"}
        if "confirm_off_manual" in done:
            done.add("confirm_off")
            done.add("fence")
        for name, _ in steps:
            if name in done:
                continue  # resumed: a finished step is never repeated
            journal_seq = max((s.seq for s in (await self._record(sw.request_id)).steps),
                              default=-1) + 1
            ok = await self._step(sw, journal_seq, name, functools.partial(self._do, name, sw,
                                                                           group))
            if ok:
                continue
            last = (await self._record(sw.request_id)).steps[-1]
            if name in ("fence", "confirm_off"):
                why = f"fencing of {sw.from_member} not confirmed: {last.detail}; nothing " \
                      "promoted (confirm by hand with `hotspare failover confirm-fenced`)"
                await self._finish(sw, SwitchoverState.BLOCKED, why)
                await self._fencing_alert(sw, ok=False, why=why)
            else:
                await self._finish(sw, SwitchoverState.FAILED, f"step {name} failed: "
                                                               f"{last.detail}")
            return await self._record(sw.request_id)
        await self._finish(sw, SwitchoverState.DONE, f"{sw.to_member} is active "
                                                     f"(epoch {sw.epoch})")
        return await self._record(sw.request_id)

    async def _do(self, name: str, sw: Switchover, group: StandbyGroup) -> tuple[bool, str]:
        t = self.timeouts
        if name == "preflight":
            return True, "already passed"  # a resumed run never re-decides pre-flight
        if name == "demote":
            return await self._command(sw, sw.from_member, "demote", t.command_seconds)
        if name == "wait_demoted":
            return await self._wait_role(sw.from_member, Role.STANDBY, t.verify_seconds)
        if name in ("fence", "confirm_off"):
            bmc = group.bmc_of(sw.from_member)
            if not bmc:
                return False, f"no BMC configured to fence {sw.from_member}"
            if name == "fence":
                ok, detail = await self._command(sw, bmc, "fence", t.fence_seconds)
                return ok, detail
            result = await self._send(sw, bmc, "power", t.command_seconds,
                                      model.PowerAction.STATUS, step="confirm_off")
            off = result.outcome is model.CommandOutcome.OK and result.power_state == "off"
            return off, f"BMC {bmc} reads power {result.power_state or '?'}: {result.message}"
        if name == "promote":
            await self._db.write(lambda s: s.failover.set_epoch(sw.group, sw.epoch,
                                                                sw.to_member))
            return await self._command(sw, sw.to_member, "promote", t.command_seconds)
        if name == "verify":
            return await self._wait_role(sw.to_member, Role.ACTIVE, t.verify_seconds)
        return False, f"unknown step {name}"

    async def _send(self, sw: Switchover, asset: str, action: str, timeout: float,
                    power: model.PowerAction | None = None, step: str = ""
                    ) -> model.CommandResult:
        found = await self._db.fleet.asset(asset)
        if found is None:
            raise CommandError(f"no asset {asset!r} in the fleet")
        # after a controller restart the agents reconnect within a few seconds
        await self._commands.router.wait_connected(found[1], timeout)
        command = model.Command(
            command_id=f"{sw.request_id}/{step or action}", asset_id=asset,
            deadline_unix_ms=self._clock.wall_ms() + int(timeout * 1000), action=action,
            power_action=power, group_id=sw.group, group_epoch=sw.epoch,
            requested_by=sw.requested_by, timeout_seconds=timeout)
        return await self._commands.run(command, "switchover", found[1], timeout, resend=True)

    async def _command(self, sw: Switchover, asset: str, action: str, timeout: float
                       ) -> tuple[bool, str]:
        result = await self._send(sw, asset, action, timeout)
        ok = result.outcome in (model.CommandOutcome.OK, model.CommandOutcome.CONFIRMED)
        return ok, f"{action} {asset}: {result.outcome.value}: {result.message}"

    async def _wait_role(self, member: str, role: Role, timeout: float) -> tuple[bool, str]:
        """Wait until the member's own probe reports the role, measured after this step began."""
        since = self._clock.wall_ms()
        deadline = self._clock.monotonic_seconds() + timeout
        seen = "nothing"
        for _ in range(int(timeout / 0.05) + 2):  # bounded
            r = self._readiness.latest(member, "standby:role")
            if r is not None and r.time_unix_ms >= since - 50:
                seen = r.labels.get("role", "unknown")
                if seen == role.value:
                    return True, f"{member} reports {seen}"
            if self._clock.monotonic_seconds() >= deadline:
                break
            await asyncio.sleep(0.05)
        return False, f"{member} did not report {role.value} within {timeout:g}s (last: {seen})"

    async def _fencing_alert(self, sw: Switchover, ok: bool, why: str) -> None:
        if self._feed is None:
            return
        reading = model.Reading(
            f"{GROUP_ASSET_PREFIX}{sw.group}", FENCING_SENSOR, K.READINESS, 0.0 if ok else 1.0,
            "", S.OK if ok else S.CRITICAL, why or "fencing confirmed", self._clock.wall_ms(),
            name=f"fencing of {sw.group}", labels={"request_id": sw.request_id})
        result = self._feed([reading])
        if asyncio.iscoroutine(result):
            await result

    async def demote_stale(self, group: str, asset: str, epoch: int) -> model.CommandResult:
        """Demote a member that claims to be active against the group's current epoch."""
        found = await self._db.fleet.asset(asset)
        if found is None:
            raise CommandError(f"no asset {asset!r} in the fleet")
        timeout = self.timeouts.command_seconds
        command = model.Command(
            command_id=f"rejoin-{group}-{epoch}-{asset}", asset_id=asset,
            deadline_unix_ms=self._clock.wall_ms() + int(timeout * 1000), action="demote",
            group_id=group, group_epoch=epoch, requested_by="policy", timeout_seconds=timeout)
        result = await self._commands.run(command, "rejoin", found[1], timeout)
        log.info("group %s: demoted stale active %s with epoch %d: %s", group, asset, epoch,
                 result.outcome.value)
        return result

    async def history(self, group: str = "", limit: int = 50) -> list[Switchover]:
        return await self._db.read(lambda s: s.switchovers.list(group, limit=limit))

    async def stop(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
