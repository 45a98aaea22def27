"""Pure readiness: a group's evidence and the clock in, a verdict with every reason out (S4).

Missing or stale evidence is never read as good: lag that is missing or too old makes a standby
ineligible, never "assume zero". Every age uses the one freshness rule (controller.freshness).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from controller.failover.config import StandbyGroup
from controller.freshness import freshness
from hotspare import model
from hotspare.standby import GroupReadiness, MemberState, Reason, Role, Verdict

K, S = model.ReadingKind, model.Status
ROLE_SENSOR = "standby:role"
LAG_SENSOR = "standby:lag"
HEALTH_SENSOR = "standby:health"
HEARTBEAT_SENSOR = "standby:heartbeat"
CONFIG_PREFIX = "standby:config:"
BMC_REACHABILITY = "ipmi:reachability"
BMC_POWER = "ipmi:power"
MEASURED_LABEL = "measured_unix_ms"
# Codes about the active member's own liveness: a failover (the primary is dead) expects them.
ACTIVE_LIVENESS_CODES = frozenset({"no_active", "active_unhealthy", "agent_down"})

# The spares hook: reasons for a standby's critical parts without a spare, None when unknown.
SparesCheck = Callable[[str], Sequence[Reason] | None]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the fleet knows about one asset now (latest reading per sensor)."""

    asset_id: str
    known: bool = False
    agent_up: bool = False
    agent_interval_seconds: float | None = None
    readings: tuple[model.Reading, ...] = ()
    bmc_last_ok_ms: int = 0  # when this asset's BMC last answered (a lost poll is not an outage)
    by_sensor: dict[str, model.Reading] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_sensor", {r.sensor_id: r for r in self.readings})

    def reading(self, sensor_id: str) -> model.Reading | None:
        return self.by_sensor.get(sensor_id)


@dataclass(frozen=True, slots=True)
class _Seen:
    """One reading with its age and whether it is still fresh."""

    reading: model.Reading
    age_ms: int
    fresh: bool


def _seen(ev: Evidence, sensor_id: str, now_ms: int) -> _Seen | None:
    r = ev.reading(sensor_id)
    if r is None:
        return None
    f = freshness(r, ev.agent_interval_seconds, now_ms)
    return _Seen(r, max(0, f.age_ms), f.fresh and ev.agent_up)


def _role(ev: Evidence, now_ms: int) -> tuple[Role, int]:
    """The member's role from its standby probe, else from VRRP; unknown when stale or absent."""
    seen = _seen(ev, ROLE_SENSOR, now_ms)
    if seen is None:
        vrrp = sorted((r for r in ev.readings if r.kind is K.STANDBY_ROLE
                       and r.sensor_id.startswith("vrrp:")), key=lambda r: r.sensor_id)
        if vrrp:
            f = freshness(vrrp[0], ev.agent_interval_seconds, now_ms)
            if not (f.fresh and ev.agent_up):
                return Role.UNKNOWN, f.age_ms
            value = vrrp[0].value
            role = Role.ACTIVE if value == 3 else Role.STANDBY if value == 2 else Role.UNKNOWN
            return role, f.age_ms
        return Role.UNKNOWN, -1
    if not seen.fresh or seen.reading.status is S.UNKNOWN:
        return Role.UNKNOWN, seen.age_ms
    return Role.parse(seen.reading.labels.get("role", "")), seen.age_ms


def _health(ev: Evidence, now_ms: int) -> tuple[model.Status, str]:
    """Worst fresh status of the member's hardware and OS (not its standby or power readings)."""
    worst, why = S.OK, ""
    for r in ev.readings:
        if r.sensor_id.startswith("standby:") or r.sensor_id in (BMC_POWER, BMC_REACHABILITY) \
                or r.kind in (K.COLLECTOR_HEALTH, K.READINESS):
            continue
        f = freshness(r, ev.agent_interval_seconds, now_ms)
        if not f.fresh or r.status is S.UNKNOWN:
            continue
        if r.status > worst:
            worst, why = r.status, f"{r.name or r.sensor_id}: {r.reason}".rstrip(": ")
    return (worst, why) if ev.readings else (S.UNKNOWN, "no readings")


def _bmc(ev: Evidence | None, now_ms: int) -> tuple[str, str, int]:
    """(state, power, age_ms) of a BMC: state ok | unreachable | auth_failed | unknown | none."""
    if ev is None:
        return "none", "", -1
    reach = _seen(ev, BMC_REACHABILITY, now_ms)
    power = _seen(ev, BMC_POWER, now_ms)
    power_text = ""
    if power is not None and power.fresh and power.reading.value is not None:
        power_text = "on" if power.reading.value >= 1 else "off"
    if reach is None or not reach.fresh:
        return "unknown", power_text, reach.age_ms if reach else -1
    if reach.reading.status is S.OK:
        return "ok", power_text, reach.age_ms
    last_ok_age = now_ms - ev.bmc_last_ok_ms
    if ev.bmc_last_ok_ms and last_ok_age <= freshness(reach.reading, ev.agent_interval_seconds,
                                                      now_ms).limit_ms:
        return "flapping", power_text, last_ok_age  # answered within its last 3 polls
    text = reach.reading.reason.lower()
    state = "auth_failed" if ("password" in text or "auth" in text or "credential" in text) \
        else "unreachable"
    return state, power_text, reach.age_ms


def _lag(ev: Evidence, now_ms: int) -> tuple[float | None, int, str]:
    """(lag seconds, age of the measurement in ms, problem) of a member's replication lag."""
    seen = _seen(ev, LAG_SENSOR, now_ms)
    if seen is None:
        return None, -1, "missing"
    r = seen.reading
    measured = r.time_unix_ms
    raw = r.labels.get(MEASURED_LABEL, "")
    if raw:
        try:
            measured = int(raw)
        except ValueError:
            return None, seen.age_ms, f"bad measurement time {raw!r}"
    age_ms = max(0, now_ms - measured)
    if r.status is S.UNKNOWN or r.value is None:
        if r.labels.get("lag_problem") == "missing":
            return None, -1, "missing"
        return None, age_ms, r.reason or "no value"
    if not seen.fresh:
        return r.value, max(age_ms, seen.age_ms), "stale"
    return r.value, age_ms, ""


def _fmt_age(age_ms: int) -> str:
    return "never" if age_ms < 0 else f"{age_ms / 1000:.1f}s ago"


def _member_state(group: StandbyGroup, member: str, evidence: Mapping[str, Evidence],
                  now_ms: int, intended: str) -> MemberState:
    ev = evidence.get(member) or Evidence(member)
    role, _ = _role(ev, now_ms)
    health, health_reason = _health(ev, now_ms)
    bmc_ev = evidence.get(group.bmc_of(member))
    if bmc_ev is not None and bmc_ev.asset_id != member:  # the server's sensors live on its BMC
        bmc_health, bmc_reason = _health(bmc_ev, now_ms)
        if bmc_health is not S.UNKNOWN and (health is S.UNKNOWN or bmc_health > health):
            health, health_reason = bmc_health, bmc_reason
    app = _seen(ev, HEALTH_SENSOR, now_ms)
    lag, lag_age, _ = _lag(ev, now_ms)
    hb = _seen(ev, HEARTBEAT_SENSOR, now_ms)
    hb_age = -1
    if hb is not None and hb.reading.value is not None:
        hb_age = hb.age_ms + int(hb.reading.value * 1000)
    digests = {r.sensor_id[len(CONFIG_PREFIX):]: r.labels.get("digest", "")
               for r in ev.readings if r.sensor_id.startswith(CONFIG_PREFIX)}
    bmc_id = group.bmc_of(member)
    bmc_state, bmc_power, bmc_age = _bmc(evidence.get(bmc_id) if bmc_id else None, now_ms)
    if bmc_id and bmc_id not in evidence:
        bmc_state = "unknown"
    return MemberState(
        asset_id=member, role=role, intended_active=member == intended,
        known=ev.known, agent_up=ev.agent_up, health=health, health_reason=health_reason,
        app_healthy=None if app is None or not app.fresh or app.reading.status is S.UNKNOWN
        else app.reading.status is S.OK,
        lag_seconds=lag, lag_age_ms=lag_age, heartbeat_age_ms=hb_age, config_digests=digests,
        bmc_asset_id=bmc_id, bmc_state=bmc_state if bmc_id else "none", bmc_power=bmc_power,
        bmc_age_ms=bmc_age)


def _standby_reasons(group: StandbyGroup, m: MemberState, ev: Evidence, now_ms: int
                     ) -> list[Reason]:
    """Why this standby could not take over now (S4 eligibility)."""
    lim = group.limits
    out: list[Reason] = []
    who = m.asset_id
    if m.health is S.CRITICAL:
        out.append(Reason("standby_unhealthy", Verdict.NOT_READY,
                          f"standby {who} is critical: {m.health_reason}", who, m.health_reason))
    elif m.health is S.WARNING:
        out.append(Reason("standby_degraded", Verdict.DEGRADED,
                          f"standby {who} has a warning: {m.health_reason}", who, m.health_reason))
    if m.app_healthy is False:
        out.append(Reason("app_unhealthy", Verdict.NOT_READY,
                          f"the application on standby {who} reports itself unhealthy", who))
    hb = _seen(ev, HEARTBEAT_SENSOR, now_ms)
    hb_limit = f"{lim.heartbeat_max_age_seconds:g}s"
    if hb is None or hb.reading.value is None or hb.reading.status is S.UNKNOWN:
        why = f": {hb.reading.reason}" if hb is not None and hb.reading.reason else ""
        out.append(Reason("heartbeat_missing", Verdict.NOT_READY,
                          f"no heartbeat from standby {who}{why}", who, limit=hb_limit,
                          age_ms=hb.age_ms if hb else -1))
    elif not hb.fresh or m.heartbeat_age_ms > lim.heartbeat_max_age_seconds * 1000:
        age = max(hb.age_ms, m.heartbeat_age_ms)
        out.append(Reason("heartbeat_stale", Verdict.NOT_READY,
                          f"heartbeat of standby {who} is {age / 1000:.1f}s old", who,
                          f"{age / 1000:.1f}s", hb_limit, age))
    if group.replication:
        out.extend(_lag_reasons(group, who, ev, now_ms))
    return out


def _lag_reasons(group: StandbyGroup, who: str, ev: Evidence, now_ms: int) -> list[Reason]:
    lim = group.limits
    lag, age_ms, problem = _lag(ev, now_ms)
    limit = f"{lim.lag_limit_seconds:g}s"
    if problem == "missing":
        return [Reason("lag_missing", Verdict.NOT_READY,
                       f"no replication lag measured on standby {who} (never assumed zero)", who,
                       limit=limit)]
    if problem == "stale" or age_ms > lim.lag_max_age_seconds * 1000:
        return [Reason("lag_stale", Verdict.NOT_READY,
                       f"replication lag of standby {who} was measured {_fmt_age(age_ms)}", who,
                       "" if lag is None else f"{lag:g}s", f"{lim.lag_max_age_seconds:g}s old",
                       age_ms)]
    if problem:
        return [Reason("lag_invalid", Verdict.NOT_READY,
                       f"replication lag of standby {who} is unusable: {problem}", who,
                       limit=limit, age_ms=age_ms)]
    assert lag is not None
    if lag > lim.lag_limit_seconds:
        return [Reason("lag_over_limit", Verdict.NOT_READY,
                       f"standby {who} lags {lag:g}s behind (limit {limit})", who, f"{lag:g}s",
                       limit, age_ms)]
    return []


def _fencing_reasons(group: StandbyGroup, m: MemberState, required: bool) -> list[Reason]:
    """Can the member be fenced through its BMC right now (reachable, credentials, power known)?"""
    verdict = Verdict.NOT_READY if required else Verdict.DEGRADED
    who = m.asset_id
    if not m.bmc_asset_id:
        return [Reason("fencing_unconfigured", verdict, f"no BMC configured to fence {who}", who)]
    age = m.bmc_age_ms
    if m.bmc_state == "auth_failed":
        return [Reason("fencing_auth_failed", verdict,
                       f"BMC {m.bmc_asset_id} of {who} refuses our credentials", who,
                       m.bmc_state, age_ms=age)]
    if m.bmc_state == "flapping":  # missed a poll but answered recently: fencing retries
        return [Reason("fencing_flapping", Verdict.DEGRADED,
                       f"BMC {m.bmc_asset_id} of {who} missed its last poll (answered "
                       f"{_fmt_age(age)})", who, m.bmc_state, age_ms=age)]
    if m.bmc_state != "ok":
        return [Reason("fencing_unreachable", verdict,
                       f"BMC {m.bmc_asset_id} of {who} is {m.bmc_state}", who, m.bmc_state,
                       age_ms=age)]
    if not m.bmc_power and m.bmc_state == "ok":
        return [Reason("fencing_power_unknown", verdict,
                       f"power state of {who} not read recently from BMC {m.bmc_asset_id}", who,
                       age_ms=age)]
    return []


def _config_reasons(group: StandbyGroup, states: Sequence[MemberState]) -> list[Reason]:
    out: list[Reason] = []
    for name in group.config_files:
        digests = {m.asset_id: m.config_digests.get(name, "") for m in states}
        missing = sorted(a for a, d in digests.items() if not d)
        if missing:
            out.append(Reason("config_unknown", Verdict.UNKNOWN,
                              f"{name}: no digest from {', '.join(missing)}", ",".join(missing),
                              name))
        elif len(set(digests.values())) > 1:
            detail = ", ".join(f"{a}={d.split(':')[-1][:12]}" for a, d in sorted(digests.items()))
            out.append(Reason("config_drift", Verdict.NOT_READY,
                              f"{name} differs between members ({detail})",
                              ",".join(sorted(digests)), name))
    return out


def _worst(reasons: Sequence[Reason]) -> Verdict:
    return max((r.verdict for r in reasons), key=lambda v: v.rank, default=Verdict.READY)


def next_change_ms(group: StandbyGroup, evidence: Mapping[str, Evidence], now_ms: int) -> int:
    """The earliest time the group's verdict could change by time alone (evidence ageing out)."""
    soonest = now_ms + 60_000
    lag_age_ms = int(group.limits.lag_max_age_seconds * 1000)
    for asset in (*group.members, *group.fencing.values()):
        ev = evidence.get(asset)
        if ev is None:
            continue
        for r in ev.readings:
            f = freshness(r, ev.agent_interval_seconds, now_ms)
            expiry = r.time_unix_ms + f.limit_ms
            if r.sensor_id == LAG_SENSOR:
                measured = r.labels.get(MEASURED_LABEL, "")
                start = int(measured) if measured.isdigit() else r.time_unix_ms
                expiry = min(expiry, start + lag_age_ms)
            if now_ms < expiry < soonest:
                soonest = expiry
    return soonest + 1


def evaluate(group: StandbyGroup, evidence: Mapping[str, Evidence], now_ms: int, *,
             epoch: int = 0, last_drill_unix_ms: int = 0,
             spares: SparesCheck | None = None, last_active: str = "") -> GroupReadiness:
    """The group's readiness now, with every reason and the members side by side.

    `last_active`: the member the last switchover made active (else the configured one)."""
    intended = last_active if last_active in group.members else group.initial_active
    states = [_member_state(group, m, evidence, now_ms, intended) for m in group.members]
    reasons: list[Reason] = []
    notes: list[Reason] = []
    for m in states:
        if not m.known:
            reasons.append(Reason("member_unknown", Verdict.UNKNOWN,
                                  f"member {m.asset_id} is not in the fleet (no agent reports it)",
                                  m.asset_id))
        elif not m.agent_up:
            reasons.append(Reason("agent_down", Verdict.UNKNOWN,
                                  f"the agent reporting {m.asset_id} is down", m.asset_id))
    actives = [m for m in states if m.role is Role.ACTIVE]
    if len(actives) > 1:
        names = ", ".join(m.asset_id for m in actives)
        reasons.append(Reason("two_actives", Verdict.NOT_READY,
                              f"more than one active member: {names}", names, str(len(actives)),
                              "1"))
    elif not actives:
        reasons.append(Reason("no_active", Verdict.NOT_READY,
                              "no member reports itself active", "", "0", "1"))
    else:
        active = actives[0]
        if active.health is S.CRITICAL:
            notes.append(Reason("active_unhealthy", Verdict.DEGRADED,
                                f"active {active.asset_id} is critical: {active.health_reason}",
                                active.asset_id, active.health_reason))
        reasons.extend(_fencing_reasons(group, active, required=True))
    active_ids = {m.asset_id for m in actives}
    candidates = [m for m in states if m.asset_id not in active_ids and m.known]
    per_standby = [(m, _standby_reasons(group, m, evidence.get(m.asset_id) or Evidence(
        m.asset_id), now_ms)) for m in candidates]
    if not per_standby:
        reasons.append(Reason("no_standby", Verdict.NOT_READY,
                              "no member is available as a standby"))
    else:
        per_standby.sort(key=lambda item: _worst(item[1]).rank)
        best, best_reasons = per_standby[0]
        reasons.extend(best_reasons)
        for _other, other_reasons in per_standby[1:]:  # another standby can still take over
            reasons.extend(Reason(r.code, Verdict.DEGRADED if r.verdict.rank > 1 else r.verdict,
                                  r.message, r.member, r.value, r.limit, r.age_ms)
                           for r in other_reasons)
        if len(actives) == 1:
            reasons.extend(_fencing_reasons(group, best, required=False))
        if spares is None:
            notes.append(Reason("spares_unknown", Verdict.READY,
                                "spare parts for the standby are not checked yet", best.asset_id))
        else:
            found = spares(best.asset_id)
            if found is None:
                notes.append(Reason("spares_unknown", Verdict.READY,
                                    f"spare parts for {best.asset_id} unknown", best.asset_id))
            else:
                reasons.extend(found)
    reasons.extend(_config_reasons(group, states))
    drill_limit_ms = group.limits.drill_max_age_days * 86_400_000
    if drill_limit_ms <= 0:
        notes.append(Reason("drills_not_required", Verdict.READY,
                            "this group does not require switchover drills"))
    elif last_drill_unix_ms <= 0:
        reasons.append(Reason("drill_never", Verdict.DEGRADED,
                              "no successful switchover drill on record",
                              limit=f"{group.limits.drill_max_age_days:g}d"))
    elif now_ms - last_drill_unix_ms > drill_limit_ms:
        age = now_ms - last_drill_unix_ms
        reasons.append(Reason("drill_overdue", Verdict.DEGRADED,
                              f"last successful drill was {age / 86_400_000:.0f} days ago",
                              value=f"{age / 86_400_000:.0f}d",
                              limit=f"{group.limits.drill_max_age_days:g}d", age_ms=age))
    return GroupReadiness(
        name=group.name, verdict=_worst(reasons), reasons=tuple(reasons), notes=tuple(notes),
        members=tuple(states), limits=group.limits, epoch=epoch,
        last_drill_unix_ms=last_drill_unix_ms, checked_unix_ms=now_ms)
