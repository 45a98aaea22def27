"""The one freshness rule: a series is stale after 3 of its own intervals (fleet, alerts, readiness)."""

from __future__ import annotations

from dataclasses import dataclass

from hotspare import model

STALE_INTERVALS = 3
DEFAULT_AGENT_INTERVAL_SECONDS = 10.0
INTERVAL_LABEL = "interval_seconds"  # slow collectors (SMART, SNMP, standby probes) carry their own
MIN_INTERVAL_SECONDS = 0.1  # sub-second probes (hot-standby heartbeats) are judged by their own pace


def own_interval_seconds(r: model.Reading) -> float:
    """The reading's own poll interval from its label, or 0 when it has none (or a bad one)."""
    raw = r.labels.get(INTERVAL_LABEL) if r.labels else None
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        return 0.0
    return value if value > 0 else 0.0


def stale_after_ms(own_seconds: float, agent_interval_seconds: float | None) -> int:
    """How old a series may get before it is stale: 3 x the longer of its own and its agent's interval."""
    base = max(agent_interval_seconds or DEFAULT_AGENT_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS)
    return int(STALE_INTERVALS * max(base, own_seconds) * 1000)


@dataclass(frozen=True, slots=True)
class Freshness:
    """How old a piece of evidence is, against the limit that applies to it."""

    age_ms: int
    limit_ms: int

    @property
    def fresh(self) -> bool:
        return self.age_ms <= self.limit_ms


def freshness(r: model.Reading, agent_interval_seconds: float | None, now_ms: int) -> Freshness:
    """The freshness of one reading now."""
    return Freshness(now_ms - r.time_unix_ms,
                     stale_after_ms(own_interval_seconds(r), agent_interval_seconds))
