"""Automatic failover by policy (off by default): damped (S8), with authority (S5), after a restart
only on fresh evidence (S10), timed on the monotonic clock (S9)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from controller.failover.config import StandbyGroup
from controller.failover.switchover import Switchovers
from controller.store import Database
from hotspare import model
from hotspare.clock import SYSTEM_CLOCK, Clock
from hotspare.standby import GroupReadiness, MemberState, Role, SwitchoverMode, SwitchoverState

log = logging.getLogger("hotspare.controller.policy")
K, S = model.ReadingKind, model.Status
LEASE_TTL_MS = 15_000
BLIND_SENSOR = "failover:blind"


@dataclass
class _Watch:
    """What the policy remembers about one group."""

    bad_checks: int = 0
    bad_since: float | None = None  # monotonic
    last_auto: float | None = None  # monotonic time of the last automatic switchover
    last_auto_from: str = ""  # no automatic fail-back to this member
    fresh_seen: set[str] = field(default_factory=set)  # S10: assets seen fresh since start
    running: asyncio.Task[None] | None = None
    blind: bool = False
    demoted: set[str] = field(default_factory=set)  # "<asset>@<epoch>" already demoted


class AutoFailover:
    """Watches every evaluation of groups whose policy is on; fails over when the active is dead."""

    def __init__(self, groups: dict[str, StandbyGroup], switchovers: Switchovers, db: Database,
                 holder: str, alert_feed: Callable[[list[model.Reading]], object] | None = None,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self.groups = groups
        self._switchovers = switchovers
        self._db = db
        self._holder = holder
        self._feed = alert_feed
        self._clock = clock
        self._started_ms = clock.wall_ms()
        self._watch: dict[str, _Watch] = {}
        self._background: set[asyncio.Task[object]] = set()

    def observe(self, r: GroupReadiness, latest: Callable[[str, str], model.Reading | None]
                ) -> None:
        """Called after every evaluation of a group (on the event loop)."""
        group = self.groups.get(r.name)
        if group is None or not group.auto.enabled:
            return
        w = self._watch.setdefault(r.name, _Watch())
        if w.running is not None and not w.running.done():
            return
        self._note_fresh(w, group, latest)
        needed = {*group.members, *group.fencing.values()}
        if not needed <= w.fresh_seen:
            return  # S10: no automatic action until every member and BMC was seen fresh
        self._rejoin(w, group, r)
        primary = self._primary(group, r)
        if primary is None or self._alive(primary):
            w.bad_checks, w.bad_since = 0, None
            self._set_blind(w, r.name, False, "")
            return
        if primary.bmc_state != "ok":  # S5: we see neither the primary nor its BMC
            self._set_blind(w, r.name, True, f"{primary.asset_id} and its BMC "
                                             f"{primary.bmc_asset_id or '(none)'} are both out "
                                             "of sight: no automatic failover")
            return
        self._set_blind(w, r.name, False, "")
        now = self._clock.monotonic_seconds()
        w.bad_checks += 1
        if w.bad_since is None:
            w.bad_since = now
        if w.bad_checks < group.auto.consecutive_checks:
            return
        if w.last_auto is not None and now - w.last_auto < group.auto.window_seconds:
            return  # S8: at most one automatic switchover per window
        target = self._target(group, r, primary.asset_id)
        if target is None or target == w.last_auto_from:
            return  # S8: never an automatic fail-back
        w.running = asyncio.get_running_loop().create_task(
            self._fail_over(w, group, primary.asset_id, target))

    def _rejoin(self, w: _Watch, group: StandbyGroup, r: GroupReadiness) -> None:
        """An old active that comes back still claiming to be active is demoted with the current
        epoch (its fencing token): it can then no longer act on orders of an older epoch (S1)."""
        actives = [m for m in r.members if m.role is Role.ACTIVE]
        holder = next((m for m in actives if m.intended_active), None)
        if holder is None or len(actives) < 2 or r.epoch == 0:
            return
        for stale in actives:
            key = f"{stale.asset_id}@{r.epoch}"
            if stale is holder or key in w.demoted:
                continue
            w.demoted.add(key)
            log.warning("group %s: %s reports active but %s holds epoch %d: demoting it",
                        group.name, stale.asset_id, holder.asset_id, r.epoch)
            task = asyncio.get_running_loop().create_task(self._switchovers.demote_stale(
                group.name, stale.asset_id, r.epoch))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    def _note_fresh(self, w: _Watch, group: StandbyGroup,
                    latest: Callable[[str, str], model.Reading | None]) -> None:
        for asset in (*group.members, *group.fencing.values()):
            if asset in w.fresh_seen:
                continue
            for sensor in ("standby:role", "ipmi:reachability"):
                reading = latest(asset, sensor)
                if reading is not None and reading.time_unix_ms >= self._started_ms:
                    w.fresh_seen.add(asset)
                    break

    @staticmethod
    def _primary(group: StandbyGroup, r: GroupReadiness) -> MemberState | None:
        """The member that should be active: the last reported one, else the intended one."""
        actives = [m for m in r.members if m.role is Role.ACTIVE]
        if actives:
            return actives[0]
        stored = next((m for m in r.members if m.intended_active), None)
        return stored

    @staticmethod
    def _alive(m: MemberState) -> bool:
        return m.role is Role.ACTIVE and m.agent_up

    @staticmethod
    def _target(group: StandbyGroup, r: GroupReadiness, primary: str) -> str | None:
        ready = [m for m in r.members if m.asset_id != primary and m.role is Role.STANDBY
                 and m.agent_up and m.lag_seconds is not None
                 and m.lag_seconds <= group.limits.lag_limit_seconds]
        return ready[0].asset_id if ready else None

    async def _fail_over(self, w: _Watch, group: StandbyGroup, primary: str, target: str
                         ) -> None:
        held = await self._db.write(lambda s: s.switchovers.acquire_lease(
            f"group:{group.name}", self._holder, LEASE_TTL_MS))
        if not held:  # S5: only the controller holding the group's lease acts
            log.warning("group %s: another controller holds the lease; not failing over",
                        group.name)
            return
        w.last_auto = self._clock.monotonic_seconds()
        w.last_auto_from = primary
        log.warning("group %s: %s is dead for %d checks; automatic failover to %s",
                    group.name, primary, w.bad_checks, target)
        sw, _ = await self._switchovers.request(
            group.name, SwitchoverMode.FAILOVER, "policy",
            f"automatic: {primary} dead for {w.bad_checks} consecutive checks", to=target,
            automatic=True)
        if sw.state is not SwitchoverState.DONE:
            log.error("group %s: automatic failover %s ended %s: %s", group.name, sw.request_id,
                      sw.state.value, sw.outcome_reason)
        w.bad_checks, w.bad_since = 0, None

    def _set_blind(self, w: _Watch, group: str, blind: bool, why: str) -> None:
        if blind == w.blind or self._feed is None:
            w.blind = blind
            return
        w.blind = blind
        if blind:
            log.error("group %s: %s", group, why)
        reading = model.Reading(f"group:{group}", BLIND_SENSOR, K.READINESS,
                                1.0 if blind else 0.0, "", S.CRITICAL if blind else S.OK,
                                why or "primary or its BMC visible again",
                                self._clock.wall_ms(), name=f"sight of {group}'s primary")
        result = self._feed([reading])
        if asyncio.iscoroutine(result):
            asyncio.get_running_loop().create_task(result)
