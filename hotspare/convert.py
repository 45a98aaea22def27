"""Protobuf <-> domain records, pure functions in both directions (the only place that does it)."""

# Longer than our ~500-line habit on purpose: it is the one place where protobuf meets the
# domain records (house rule), made of small pure functions in matching to_pb/from_pb pairs;
# spares have their own convert_spares.py only because they arrived on a parallel branch.

from __future__ import annotations

from typing import Any

from hotspare import model, standby
from hotspare.errors import HotSpareError
from hotspare.maintenance import Matcher, Silence, Window
from hotspare.v1 import agent_pb2, alerts_pb2, failover_pb2, query_pb2, types_pb2

_STATUS_TO_PB: dict[Any, Any] = {
    model.Status.OK: types_pb2.STATUS_OK,
    model.Status.WARNING: types_pb2.STATUS_WARNING,
    model.Status.CRITICAL: types_pb2.STATUS_CRITICAL,
    model.Status.UNKNOWN: types_pb2.STATUS_UNKNOWN,
}
_STATUS_FROM_PB: dict[int, model.Status] = {v: k for k, v in _STATUS_TO_PB.items()}
_STATUS_FROM_PB[types_pb2.STATUS_UNSPECIFIED] = model.Status.UNKNOWN

_KIND_TO_PB: dict[Any, Any] = {
    k: types_pb2.ReadingKind.Value("READING_KIND_" + k.name) for k in model.ReadingKind
}
_KIND_FROM_PB: dict[int, model.ReadingKind] = {v: k for k, v in _KIND_TO_PB.items()}

_ASSET_KIND_TO_PB: dict[Any, Any] = {
    k: types_pb2.AssetKind.Value("ASSET_KIND_" + k.name) for k in model.AssetKind
}
_ASSET_KIND_FROM_PB: dict[int, model.AssetKind] = {v: k for k, v in _ASSET_KIND_TO_PB.items()}

_POWER_TO_PB: dict[Any, Any] = {
    a: agent_pb2.PowerAction.Value("POWER_ACTION_" + a.name) for a in model.PowerAction
}
_POWER_FROM_PB: dict[int, model.PowerAction] = {v: k for k, v in _POWER_TO_PB.items()}

_OUTCOME_TO_PB: dict[Any, Any] = {
    o: agent_pb2.CommandOutcome.Value("COMMAND_OUTCOME_" + o.name) for o in model.CommandOutcome
}
_OUTCOME_FROM_PB: dict[int, model.CommandOutcome] = {v: k for k, v in _OUTCOME_TO_PB.items()}


# Trailing metadata key naming the batch the controller refused (so the agent drops exactly it).
REJECTED_SEQ_KEY = "hotspare-rejected-seq"


class ConversionError(HotSpareError, ValueError):
    """A wire message cannot be turned into a domain record."""


def status_to_pb(status: model.Status) -> int:
    return _STATUS_TO_PB[status]


def status_from_pb(value: int) -> model.Status:
    try:
        return _STATUS_FROM_PB[value]
    except KeyError as exc:
        raise ConversionError(f"unknown status {value}") from exc


def reading_to_pb(r: model.Reading) -> types_pb2.Reading:
    msg = types_pb2.Reading(
        asset_id=r.asset_id,
        sensor_id=r.sensor_id,
        name=r.name,
        kind=_KIND_TO_PB[r.kind],
        unit=r.unit,
        status=_STATUS_TO_PB[r.status],
        reason=r.reason,
        time_unix_ms=r.time_unix_ms,
        labels=r.labels,
    )
    if r.value is not None:
        msg.value = r.value
    return msg


def reading_from_pb(msg: types_pb2.Reading) -> model.Reading:
    kind = _KIND_FROM_PB.get(msg.kind, model.ReadingKind.OTHER)
    status = _STATUS_FROM_PB.get(msg.status)
    if status is None:
        raise ConversionError(f"reading {msg.sensor_id!r}: unknown status {msg.status}")
    return model.Reading(
        asset_id=msg.asset_id,
        sensor_id=msg.sensor_id,
        kind=kind,
        value=msg.value if msg.HasField("value") else None,
        unit=msg.unit,
        status=status,
        reason=msg.reason,
        time_unix_ms=msg.time_unix_ms,
        name=msg.name,
        labels=dict(msg.labels),
    )


def asset_to_pb(a: model.Asset) -> types_pb2.Asset:
    loc = a.location
    return types_pb2.Asset(
        asset_id=a.asset_id,
        kind=_ASSET_KIND_TO_PB[a.kind],
        name=a.name,
        vendor=a.vendor,
        model=a.model,
        serial=a.serial,
        location=types_pb2.Location(site=loc.site, room=loc.room, rack=loc.rack, unit=loc.unit),
        parent_id=a.parent_id,
        labels=a.labels,
        flags=list(a.flags),
    )


def asset_from_pb(msg: types_pb2.Asset) -> model.Asset:
    loc = msg.location
    return model.Asset(
        asset_id=msg.asset_id,
        kind=_ASSET_KIND_FROM_PB.get(msg.kind, model.AssetKind.OTHER),
        name=msg.name,
        vendor=msg.vendor,
        model=msg.model,
        serial=msg.serial,
        location=model.Location(site=loc.site, room=loc.room, rack=loc.rack, unit=loc.unit),
        parent_id=msg.parent_id,
        labels=dict(msg.labels),
        flags=tuple(msg.flags),
    )


def component_to_pb(c: model.Component) -> types_pb2.Component:
    return types_pb2.Component(
        component_id=c.component_id,
        asset_id=c.asset_id,
        type=c.type,
        vendor=c.vendor,
        model=c.model,
        part_number=c.part_number,
        serial=c.serial,
        firmware=c.firmware,
        description=c.description,
        capacity_bytes=c.capacity_bytes,
        fru=c.fru,
        parent_component_id=c.parent_component_id,
        labels=c.labels,
    )


def component_from_pb(msg: types_pb2.Component) -> model.Component:
    return model.Component(
        component_id=msg.component_id,
        asset_id=msg.asset_id,
        type=msg.type,
        vendor=msg.vendor,
        model=msg.model,
        part_number=msg.part_number,
        serial=msg.serial,
        firmware=msg.firmware,
        description=msg.description,
        capacity_bytes=msg.capacity_bytes,
        fru=msg.fru,
        parent_component_id=msg.parent_component_id,
        labels=dict(msg.labels),
    )


def event_to_pb(e: model.Event) -> types_pb2.Event:
    return types_pb2.Event(
        asset_id=e.asset_id,
        source_id=e.source_id,
        time_unix_ms=e.time_unix_ms,
        type=e.type,
        severity=_STATUS_TO_PB[e.severity],
        sensor=e.sensor,
        direction=e.direction,
        description=e.description,
        attributes=e.attributes,
    )


def event_from_pb(msg: types_pb2.Event) -> model.Event:
    return model.Event(
        asset_id=msg.asset_id,
        source_id=msg.source_id,
        time_unix_ms=msg.time_unix_ms,
        type=msg.type,
        severity=_STATUS_FROM_PB.get(msg.severity, model.Status.UNKNOWN),
        sensor=msg.sensor,
        direction=msg.direction,
        description=msg.description,
        attributes=dict(msg.attributes),
    )


def batch_to_pb(
    agent_id: str, epoch: int, seq: int, batch: model.Batch, dropped_batches_total: int = 0
) -> agent_pb2.ReadingBatch:
    return agent_pb2.ReadingBatch(
        agent_id=agent_id,
        stream_epoch=epoch,
        seq=seq,
        readings=[reading_to_pb(r) for r in batch.readings],
        events=[event_to_pb(e) for e in batch.events],
        assets=[asset_to_pb(a) for a in batch.assets],
        components=[component_to_pb(c) for c in batch.components],
        dropped_batches_total=dropped_batches_total,
        gaps=[gap_to_pb(g) for g in batch.gaps],
    )


def batch_from_pb(msg: agent_pb2.ReadingBatch) -> model.Batch:
    return model.Batch(
        readings=tuple(reading_from_pb(r) for r in msg.readings),
        events=tuple(event_from_pb(e) for e in msg.events),
        assets=tuple(asset_from_pb(a) for a in msg.assets),
        components=tuple(component_from_pb(c) for c in msg.components),
        gaps=tuple(gap_from_pb(g) for g in msg.gaps),
    )


def gap_to_pb(g: model.Gap) -> agent_pb2.Gap:
    return agent_pb2.Gap(asset_id=g.asset_id, from_unix_ms=g.from_unix_ms,
                         to_unix_ms=g.to_unix_ms, readings_dropped=g.readings_dropped,
                         reason=g.reason)


def gap_from_pb(msg: agent_pb2.Gap) -> model.Gap:
    if not msg.asset_id:
        raise ConversionError("gap without asset_id")
    if msg.to_unix_ms < msg.from_unix_ms:
        raise ConversionError(
            f"gap of {msg.asset_id!r} ends ({msg.to_unix_ms}) before it starts ({msg.from_unix_ms})")
    return model.Gap(asset_id=msg.asset_id, from_unix_ms=msg.from_unix_ms,
                     to_unix_ms=msg.to_unix_ms, readings_dropped=msg.readings_dropped,
                     reason=msg.reason)


def command_to_pb(c: model.Command) -> agent_pb2.Command:
    msg = agent_pb2.Command(
        command_id=c.command_id,
        asset_id=c.asset_id,
        deadline_unix_ms=c.deadline_unix_ms,
        group_epoch=c.group_epoch,
        requested_by=c.requested_by,
        timeout_seconds=c.timeout_seconds,
        request_id=c.request_id,
    )
    if c.action == "power":
        assert c.power_action is not None
        msg.power.action = _POWER_TO_PB[c.power_action]
    elif c.action == "fence":
        msg.fence.group_id = c.group_id
    elif c.action == "promote":
        msg.promote.group_id = c.group_id
        msg.promote.fence_command_id = c.fence_command_id
    elif c.action == "demote":
        msg.demote.group_id = c.group_id
    else:
        raise ConversionError(f"unknown command action {c.action!r}")
    return msg


def command_from_pb(msg: agent_pb2.Command) -> model.Command:
    action = msg.WhichOneof("action")
    if action is None:
        raise ConversionError(f"command {msg.command_id!r} has no action")
    power_action = None
    group_id = fence_command_id = ""
    if action == "power":
        power_action = _POWER_FROM_PB.get(msg.power.action)
        if power_action is None:
            raise ConversionError(f"command {msg.command_id!r}: unknown power action")
    else:
        group_id = getattr(msg, action).group_id
    if action == "promote":
        fence_command_id = msg.promote.fence_command_id
    return model.Command(
        command_id=msg.command_id,
        asset_id=msg.asset_id,
        deadline_unix_ms=msg.deadline_unix_ms,
        action=action,
        power_action=power_action,
        group_id=group_id,
        group_epoch=msg.group_epoch,
        requested_by=msg.requested_by,
        timeout_seconds=msg.timeout_seconds,
        request_id=msg.request_id,
        fence_command_id=fence_command_id,
    )


def power_action_from_pb(value: int) -> model.PowerAction:
    try:
        return _POWER_FROM_PB[value]
    except KeyError as exc:
        raise ConversionError(f"unknown power action {value}") from exc


def power_action_to_pb(action: model.PowerAction) -> int:
    return int(_POWER_TO_PB[action])


def command_result_to_pb(r: model.CommandResult) -> agent_pb2.CommandResult:
    return agent_pb2.CommandResult(
        command_id=r.command_id,
        asset_id=r.asset_id,
        outcome=_OUTCOME_TO_PB[r.outcome],
        message=r.message,
        power_state=r.power_state,
        elapsed_seconds=r.elapsed_seconds,
        finished_unix_ms=r.finished_unix_ms,
        details=r.details,
    )


def command_result_from_pb(msg: agent_pb2.CommandResult) -> model.CommandResult:
    return model.CommandResult(
        command_id=msg.command_id,
        asset_id=msg.asset_id,
        outcome=_OUTCOME_FROM_PB.get(msg.outcome, model.CommandOutcome.ERROR),
        message=msg.message,
        power_state=msg.power_state,
        elapsed_seconds=msg.elapsed_seconds,
        finished_unix_ms=msg.finished_unix_ms,
        details=dict(msg.details),
    )


def summary_to_pb(s: model.AssetSummary) -> query_pb2.AssetSummary:
    return query_pb2.AssetSummary(
        asset=asset_to_pb(s.asset),
        worst_status=_STATUS_TO_PB[s.worst_status],
        worst_reason=s.worst_reason,
        last_seen_unix_ms=s.last_seen_unix_ms,
        agent_id=s.agent_id,
        agent_up=s.agent_up,
        headline=[reading_to_pb(r) for r in s.headline],
        alert_level=s.alert_level,
    )


def summary_from_pb(msg: query_pb2.AssetSummary) -> model.AssetSummary:
    return model.AssetSummary(
        asset=asset_from_pb(msg.asset),
        worst_status=_STATUS_FROM_PB.get(msg.worst_status, model.Status.UNKNOWN),
        worst_reason=msg.worst_reason,
        last_seen_unix_ms=msg.last_seen_unix_ms,
        agent_id=msg.agent_id,
        agent_up=msg.agent_up,
        headline=tuple(reading_from_pb(r) for r in msg.headline),
        alert_level=msg.alert_level,
    )


def detail_to_pb(d: model.AssetDetail) -> query_pb2.AssetDetail:
    return query_pb2.AssetDetail(
        summary=summary_to_pb(d.summary),
        latest=[reading_to_pb(r) for r in d.latest],
        components=[component_to_pb(c) for c in d.components],
        recent_events=[event_to_pb(e) for e in d.events],
    )


def detail_from_pb(msg: query_pb2.AssetDetail) -> model.AssetDetail:
    return model.AssetDetail(
        summary=summary_from_pb(msg.summary),
        latest=tuple(reading_from_pb(r) for r in msg.latest),
        components=tuple(component_from_pb(c) for c in msg.components),
        events=tuple(event_from_pb(e) for e in msg.recent_events),
    )


def history_to_pb(points: list[model.HistoryPoint], gaps: list[model.Gap] | None = None
                  ) -> query_pb2.HistoryResponse:
    out = query_pb2.HistoryResponse(gaps=[gap_to_pb(g) for g in gaps or ()])
    for p in points:
        item = out.points.add(time_unix_ms=p.time_unix_ms, status=_STATUS_TO_PB[p.status])
        if p.value is not None:
            item.value = p.value
    return out


def history_from_pb(msg: query_pb2.HistoryResponse) -> list[model.HistoryPoint]:
    return [
        model.HistoryPoint(
            time_unix_ms=p.time_unix_ms,
            value=p.value if p.HasField("value") else None,
            status=_STATUS_FROM_PB.get(p.status, model.Status.UNKNOWN),
        )
        for p in msg.points
    ]


def history_gaps_from_pb(msg: query_pb2.HistoryResponse) -> list[model.Gap]:
    return [gap_from_pb(g) for g in msg.gaps]


def forget_to_pb(asset_id: str, removed: dict[str, int]) -> query_pb2.ForgetAssetResponse:
    return query_pb2.ForgetAssetResponse(asset_id=asset_id, removed=removed)


def forget_from_pb(msg: query_pb2.ForgetAssetResponse) -> tuple[str, dict[str, int]]:
    """The asset removed and the rows removed per table."""
    return msg.asset_id, dict(msg.removed)


# ---- alerts, silences, maintenance windows (controller records) -----------------------------

_ALERT_TIMES = {"started_ms": "started_unix_ms", "fired_ms": "fired_unix_ms",
                "resolved_ms": "resolved_unix_ms", "last_reading_ms": "last_reading_unix_ms",
                "acked_ms": "acked_unix_ms"}
_ALERT_PLAIN = ("alert_id", "rule", "level", "asset_id", "sensor_id", "state", "summary",
                "reason", "threshold", "threshold_source", "no_data", "acked_by", "ack_comment",
                "flapping", "children", "folded_into", "held_reason", "hint")


def alert_to_pb(a: model.AlertView) -> alerts_pb2.Alert:
    msg = alerts_pb2.Alert(**{k: getattr(a, k) for k in _ALERT_PLAIN},
                           **{pb: getattr(a, dom) for dom, pb in _ALERT_TIMES.items()})
    if a.last_value is not None:
        msg.last_value = a.last_value
    return msg


def alert_from_pb(msg: alerts_pb2.Alert) -> model.AlertView:
    fields: dict[str, Any] = {k: getattr(msg, k) for k in _ALERT_PLAIN}
    fields.update({dom: getattr(msg, pb) for dom, pb in _ALERT_TIMES.items()})
    fields["last_value"] = msg.last_value if msg.HasField("last_value") else None
    return model.AlertView(**fields)


def matcher_to_pb(m: Matcher) -> alerts_pb2.Matcher:
    return alerts_pb2.Matcher(asset=m.asset, rule=m.rule, level=m.level)


def matcher_from_pb(msg: alerts_pb2.Matcher) -> Matcher:
    return Matcher(msg.asset or "*", msg.rule or "*", msg.level)


def silence_to_pb(s: Silence) -> alerts_pb2.Silence:
    return alerts_pb2.Silence(silence_id=s.silence_id, matcher=matcher_to_pb(s.matcher),
                              author=s.author, reason=s.reason, created_unix_ms=s.created_ms,
                              expires_unix_ms=s.expires_ms)


def silence_from_pb(msg: alerts_pb2.Silence) -> Silence:
    return Silence(msg.silence_id, matcher_from_pb(msg.matcher), msg.author, msg.reason,
                   msg.created_unix_ms, msg.expires_unix_ms)


def window_to_pb(w: Window) -> alerts_pb2.MaintenanceWindow:
    return alerts_pb2.MaintenanceWindow(
        window_id=w.window_id, name=w.name, matcher=matcher_to_pb(w.matcher), start=w.start,
        end=w.end, days=list(w.days), dates=list(w.dates), timezone=w.timezone)


def window_from_pb(msg: alerts_pb2.MaintenanceWindow) -> Window:
    return Window(msg.window_id, msg.name, matcher_from_pb(msg.matcher), msg.start or "00:00",
                  msg.end or "00:00", tuple(msg.days), tuple(msg.dates), msg.timezone or "UTC")


# ---- hot-standby readiness ---------------------------------------------------------------


def reason_to_pb(r: standby.Reason) -> failover_pb2.ReadinessReason:
    return failover_pb2.ReadinessReason(code=r.code, verdict=r.verdict.value, message=r.message,
                                        member=r.member, value=r.value, limit=r.limit,
                                        age_ms=r.age_ms)


def reason_from_pb(msg: failover_pb2.ReadinessReason) -> standby.Reason:
    try:
        verdict = standby.Verdict(msg.verdict)
    except ValueError:
        verdict = standby.Verdict.UNKNOWN
    return standby.Reason(msg.code, verdict, msg.message, msg.member, msg.value, msg.limit,
                          msg.age_ms)


def member_to_pb(m: standby.MemberState) -> failover_pb2.MemberState:
    msg = failover_pb2.MemberState(
        asset_id=m.asset_id, role=m.role.value, intended_active=m.intended_active, known=m.known,
        agent_up=m.agent_up, health=_STATUS_TO_PB[m.health], health_reason=m.health_reason,
        app_healthy=-1 if m.app_healthy is None else int(m.app_healthy),
        lag_age_ms=m.lag_age_ms, heartbeat_age_ms=m.heartbeat_age_ms,
        config_digests=m.config_digests, bmc_asset_id=m.bmc_asset_id, bmc_state=m.bmc_state,
        bmc_power=m.bmc_power, bmc_age_ms=m.bmc_age_ms)
    if m.lag_seconds is not None:
        msg.lag_seconds = m.lag_seconds
    return msg


def member_from_pb(msg: failover_pb2.MemberState) -> standby.MemberState:
    return standby.MemberState(
        asset_id=msg.asset_id, role=standby.Role.parse(msg.role),
        intended_active=msg.intended_active, known=msg.known, agent_up=msg.agent_up,
        health=_STATUS_FROM_PB.get(msg.health, model.Status.UNKNOWN),
        health_reason=msg.health_reason,
        app_healthy=None if msg.app_healthy < 0 else bool(msg.app_healthy),
        lag_seconds=msg.lag_seconds if msg.HasField("lag_seconds") else None,
        lag_age_ms=msg.lag_age_ms, heartbeat_age_ms=msg.heartbeat_age_ms,
        config_digests=dict(msg.config_digests), bmc_asset_id=msg.bmc_asset_id,
        bmc_state=msg.bmc_state, bmc_power=msg.bmc_power, bmc_age_ms=msg.bmc_age_ms)


def readiness_to_pb(g: standby.GroupReadiness) -> failover_pb2.GroupReadiness:
    lim = g.limits
    return failover_pb2.GroupReadiness(
        name=g.name, verdict=g.verdict.value, reasons=[reason_to_pb(r) for r in g.reasons],
        notes=[reason_to_pb(r) for r in g.notes], members=[member_to_pb(m) for m in g.members],
        limits=failover_pb2.GroupLimits(
            lag_limit_seconds=lim.lag_limit_seconds, lag_max_age_seconds=lim.lag_max_age_seconds,
            heartbeat_max_age_seconds=lim.heartbeat_max_age_seconds,
            drill_max_age_days=lim.drill_max_age_days),
        epoch=g.epoch, last_drill_unix_ms=g.last_drill_unix_ms, checked_unix_ms=g.checked_unix_ms)


def readiness_from_pb(msg: failover_pb2.GroupReadiness) -> standby.GroupReadiness:
    try:
        verdict = standby.Verdict(msg.verdict)
    except ValueError:
        verdict = standby.Verdict.UNKNOWN
    lim = msg.limits
    return standby.GroupReadiness(
        name=msg.name, verdict=verdict, reasons=tuple(reason_from_pb(r) for r in msg.reasons),
        notes=tuple(reason_from_pb(r) for r in msg.notes),
        members=tuple(member_from_pb(m) for m in msg.members),
        limits=standby.GroupLimits(lim.lag_limit_seconds, lim.lag_max_age_seconds,
                                   lim.heartbeat_max_age_seconds, lim.drill_max_age_days),
        epoch=msg.epoch, last_drill_unix_ms=msg.last_drill_unix_ms,
        checked_unix_ms=msg.checked_unix_ms)


def switchover_to_pb(sw: standby.Switchover, *, dry_run: bool = False,
                     preflight: tuple[standby.Reason, ...] = ()) -> failover_pb2.SwitchoverRecord:
    return failover_pb2.SwitchoverRecord(
        request_id=sw.request_id, group=sw.group, mode=sw.mode.value,
        requested_by=sw.requested_by, reason=sw.reason, from_member=sw.from_member,
        to_member=sw.to_member, epoch=sw.epoch, state="planned" if dry_run else sw.state.value,
        outcome_reason=sw.outcome_reason, forced=sw.forced, automatic=sw.automatic,
        drill_id=sw.drill_id, requested_unix_ms=sw.requested_ms, finished_unix_ms=sw.finished_ms,
        steps=[failover_pb2.SwitchoverStep(seq=s.seq, step=s.step, state=s.state,
                                           started_unix_ms=s.started_ms,
                                           finished_unix_ms=s.finished_ms, detail=s.detail)
               for s in sw.steps],
        dry_run=dry_run, preflight=[reason_to_pb(r) for r in preflight])


def switchover_from_pb(msg: failover_pb2.SwitchoverRecord
                       ) -> tuple[standby.Switchover, bool, tuple[standby.Reason, ...]]:
    """(the switchover, whether it is a dry run's plan, the pre-flight reasons)."""
    try:
        state = standby.SwitchoverState(msg.state)
    except ValueError:
        state = standby.SwitchoverState.RUNNING
    sw = standby.Switchover(
        request_id=msg.request_id, group=msg.group, mode=standby.SwitchoverMode(msg.mode),
        requested_by=msg.requested_by, reason=msg.reason, from_member=msg.from_member,
        to_member=msg.to_member, epoch=msg.epoch, state=state,
        outcome_reason=msg.outcome_reason, forced=msg.forced, automatic=msg.automatic,
        drill_id=msg.drill_id, requested_ms=msg.requested_unix_ms,
        finished_ms=msg.finished_unix_ms,
        steps=tuple(standby.SwitchoverStep(s.seq, s.step, s.state, s.started_unix_ms,
                                           s.finished_unix_ms, s.detail) for s in msg.steps))
    return sw, msg.dry_run, tuple(reason_from_pb(r) for r in msg.preflight)


def drill_to_pb(d: standby.Drill) -> failover_pb2.DrillRecord:
    return failover_pb2.DrillRecord(
        drill_id=d.drill_id, group=d.group, started_unix_ms=d.started_ms,
        finished_unix_ms=d.finished_ms, outcome=d.outcome, requested_by=d.requested_by,
        switchovers=[switchover_to_pb(s) for s in d.switchovers], total_seconds=d.total_seconds)


def drill_from_pb(msg: failover_pb2.DrillRecord) -> standby.Drill:
    return standby.Drill(msg.drill_id, msg.group, msg.requested_by, msg.started_unix_ms,
                         msg.finished_unix_ms, msg.outcome,
                         tuple(switchover_from_pb(s)[0] for s in msg.switchovers))
