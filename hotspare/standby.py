"""Hot-standby records shared by controller, CLI and TUI: roles, readiness verdicts and reasons."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from hotspare.model import Status

ACTIVE_ROLES = {"active", "master", "primary"}
STANDBY_ROLES = {"standby", "backup", "secondary", "replica"}


class Role(enum.StrEnum):
    """What a member says it is."""

    ACTIVE = "active"
    STANDBY = "standby"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, text: str) -> Role:
        low = text.strip().lower()
        if low in ACTIVE_ROLES:
            return cls.ACTIVE
        if low in STANDBY_ROLES:
            return cls.STANDBY
        return cls.UNKNOWN


class Verdict(enum.StrEnum):
    """Would a switchover work now? Ordered by `rank` (worst last)."""

    READY = "ready"
    DEGRADED = "degraded"
    UNKNOWN = "unknown"
    NOT_READY = "not_ready"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def allows_switchover(self) -> bool:
        return self in (Verdict.READY, Verdict.DEGRADED)


_RANK = {Verdict.READY: 0, Verdict.DEGRADED: 1, Verdict.UNKNOWN: 2, Verdict.NOT_READY: 3}


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a verdict: a stable code, the member, what was measured against what limit."""

    code: str
    verdict: Verdict  # what this reason alone makes of the group
    message: str
    member: str = ""
    value: str = ""
    limit: str = ""
    age_ms: int = -1  # how old the evidence is; -1: there is none


@dataclass(frozen=True, slots=True)
class MemberState:
    """One member as the controller sees it now."""

    asset_id: str
    role: Role = Role.UNKNOWN
    intended_active: bool = False
    known: bool = False  # the asset exists in the fleet
    agent_up: bool = False
    health: Status = Status.UNKNOWN
    health_reason: str = ""
    app_healthy: bool | None = None
    lag_seconds: float | None = None
    lag_age_ms: int = -1
    heartbeat_age_ms: int = -1
    config_digests: dict[str, str] = field(default_factory=dict)
    bmc_asset_id: str = ""
    bmc_state: str = "unknown"  # ok | unreachable | auth_failed | unknown | none
    bmc_power: str = ""  # on | off | "" (unknown)
    bmc_age_ms: int = -1


@dataclass(frozen=True, slots=True)
class GroupLimits:
    """The limits a group's readiness is judged against."""

    lag_limit_seconds: float = 5.0
    lag_max_age_seconds: float = 30.0
    heartbeat_max_age_seconds: float = 15.0
    drill_max_age_days: float = 90.0


@dataclass(frozen=True, slots=True)
class GroupReadiness:
    """A group's verdict with every reason, its members and the evidence's limits."""

    name: str
    verdict: Verdict
    reasons: tuple[Reason, ...] = ()
    notes: tuple[Reason, ...] = ()  # facts that do not change the verdict (a check not available)
    members: tuple[MemberState, ...] = ()
    limits: GroupLimits = field(default_factory=GroupLimits)
    epoch: int = 0
    last_drill_unix_ms: int = 0
    checked_unix_ms: int = 0

    @property
    def active(self) -> tuple[str, ...]:
        return tuple(m.asset_id for m in self.members if m.role is Role.ACTIVE)


class SwitchoverMode(enum.StrEnum):
    """planned: demote the active first; failover: fence the active through its BMC first."""

    PLANNED = "planned"
    FAILOVER = "failover"


class SwitchoverState(enum.StrEnum):
    """Where a switchover is; the last four are terminal."""

    RUNNING = "running"
    BLOCKED = "blocked"  # fencing not confirmed (S3): only a human may confirm by hand
    DONE = "done"
    REFUSED = "refused"  # pre-flight said no (and no --force)
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (SwitchoverState.DONE, SwitchoverState.REFUSED, SwitchoverState.FAILED)


@dataclass(frozen=True, slots=True)
class SwitchoverStep:
    """One journaled step: written as started before its side effect, finished after."""

    seq: int
    step: str
    state: str  # started | done | failed | skipped
    started_ms: int
    finished_ms: int = 0
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Switchover:
    """A switchover request and what became of it, step by step."""

    request_id: str
    group: str
    mode: SwitchoverMode
    requested_by: str
    reason: str
    from_member: str
    to_member: str
    epoch: int
    state: SwitchoverState
    outcome_reason: str = ""
    forced: str = ""  # the reason given with --force, empty when not forced
    automatic: bool = False
    drill_id: str = ""
    requested_ms: int = 0
    finished_ms: int = 0
    steps: tuple[SwitchoverStep, ...] = ()


@dataclass(frozen=True, slots=True)
class Drill:
    """One rehearsal: both switchovers, how long it took, and whether it succeeded."""

    drill_id: str
    group: str
    requested_by: str
    started_ms: int
    finished_ms: int
    outcome: str  # running | succeeded | failed
    switchovers: tuple[Switchover, ...]

    @property
    def total_seconds(self) -> float:
        return max(0, self.finished_ms - self.started_ms) / 1000
