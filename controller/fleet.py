"""Pure fleet view: asset summaries with worst status, liveness and staleness applied."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from controller.freshness import MIN_INTERVAL_SECONDS, STALE_INTERVALS, freshness
from controller.store import AgentRow
from hotspare import model

LIVENESS_INTERVALS = STALE_INTERVALS  # an agent silent for 3 intervals is down
_HEADLINE_KINDS = (model.ReadingKind.CPU, model.ReadingKind.MEMORY)
# Among readings of the same status, the one with the most impact names the asset's reason.
_IMPACT = {model.ReadingKind.REACHABILITY: 5, model.ReadingKind.REDUNDANCY: 4,
           model.ReadingKind.DISK_HEALTH: 4, model.ReadingKind.PSU: 3,
           model.ReadingKind.POWER_STATE: 3, model.ReadingKind.BATTERY: 2,
           model.ReadingKind.FAN: 1}


def impact(r: model.Reading) -> tuple[model.Status, int]:
    """How bad a reading is for sorting worst first: its status, then its kind's impact."""
    return r.status, _IMPACT.get(r.kind, 2)


def agent_up(agent: AgentRow | None, now_ms: int) -> bool:
    """Whether an agent was heard from within LIVENESS_INTERVALS of its interval."""
    if agent is None:
        return False
    limit_ms = LIVENESS_INTERVALS * max(agent.interval_seconds, MIN_INTERVAL_SECONDS) * 1000
    return now_ms - agent.last_seen_ms <= limit_ms


def effective_reading(
    r: model.Reading, agent: AgentRow | None, up: bool, now_ms: int
) -> model.Reading:
    """A reading as it should be shown now: unknown when its agent is down or it is stale."""
    if not up:
        who = agent.agent_id if agent else "no agent"
        return dataclasses.replace(r, status=model.Status.UNKNOWN, reason=f"agent {who} is down")
    # The one freshness rule: sensors polled slower than the agent (SNMP, SMART) carry their own.
    fresh = freshness(r, agent.interval_seconds if agent else None, now_ms)
    if not fresh.fresh:
        return dataclasses.replace(
            r, status=model.Status.UNKNOWN, reason=f"stale: no data for {fresh.age_ms // 1000}s"
        )
    return r


def summarize(
    assets: Sequence[tuple[model.Asset, str]],
    agents: Iterable[AgentRow],
    latest: Iterable[model.Reading],
    now_ms: int,
) -> list[model.AssetSummary]:
    """Summaries of assets: worst effective status, last seen, headline readings."""
    by_agent = {a.agent_id: a for a in agents}
    readings: dict[str, list[model.Reading]] = {}
    for r in latest:
        readings.setdefault(r.asset_id, []).append(r)
    out = []
    for asset, agent_id in assets:
        agent = by_agent.get(agent_id)
        up = agent_up(agent, now_ms)
        shown = [effective_reading(r, agent, up, now_ms) for r in readings.get(asset.asset_id, [])]
        worst = model.Status.UNKNOWN if not up else model.Status.OK
        reason = f"agent {agent_id or '?'} is down" if not up else ""
        if up and not shown:
            worst, reason = model.Status.UNKNOWN, "no readings yet"
        worst_impact = (worst, -1)
        for r in shown:
            if r.status > worst or (r.status == worst >= model.Status.WARNING
                                    and impact(r) > worst_impact):
                worst, reason = r.status, f"{r.name or r.sensor_id}: {r.reason}".rstrip(": ")
                worst_impact = impact(r)
        last_seen = max((r.time_unix_ms for r in shown), default=0)
        out.append(
            model.AssetSummary(
                asset=asset,
                worst_status=worst,
                worst_reason=reason,
                last_seen_unix_ms=last_seen,
                agent_id=agent_id,
                agent_up=up,
                headline=tuple(headline(shown)),
            )
        )
    return out


def headline(readings: Sequence[model.Reading]) -> list[model.Reading]:
    """CPU, memory and the hottest temperature, when present."""
    out = [r for kind in _HEADLINE_KINDS for r in readings if r.kind is kind][:2]
    temps = [r for r in readings if r.kind is model.ReadingKind.TEMPERATURE and r.value is not None]
    if temps:
        out.append(max(temps, key=lambda r: r.value or 0.0))
    return out
