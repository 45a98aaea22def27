"""The Collector protocol, its errors, and the explicit registry of collector modules."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from agent.polling import CycleSummary
from hotspare import model
from hotspare.tomlconf import Section


class CollectorError(Exception):
    """A collector cycle failed as a whole (per-device failures are readings instead)."""


@dataclass(frozen=True, slots=True)
class CollectorConfig:
    """Settings every collector has."""

    interval_seconds: float = 10.0
    timeout_seconds: float = 5.0


@dataclass(frozen=True, slots=True)
class CollectorContext:
    """What a collector may use from the agent: identity, a clock and a way to push data."""

    agent_id: str
    host_asset_id: str
    emit: Callable[[model.Batch], None]
    wall_clock_ms: Callable[[], int] = lambda: int(time.time() * 1000)
    monotonic: Callable[[], float] = time.monotonic


@runtime_checkable
class Collector(Protocol):
    """Produces one batch per cycle; the scheduler bounds each cycle with a timeout."""

    name: str

    async def collect(self) -> model.Batch: ...

    async def close(self) -> None: ...


@runtime_checkable
class PollsDevices(Protocol):
    """A collector that polls many devices under agent.polling's contract (SNMP, IPMI): its
    cycle ends when the polls end, and it reports what they did for the scheduler's health."""

    @property
    def cycle_summary(self) -> CycleSummary | None: ...


# name -> module; each module has parse_config(Section) and build(config, CollectorContext).
REGISTRY: dict[str, str] = {
    "local": "agent.collectors.local",
    "smart": "agent.collectors.smart",
    "ipmi": "agent.collectors.ipmi",
    "snmp": "agent.collectors.snmp",
    "standby": "agent.collectors.standby",
}


def module_for(name: str) -> ModuleType:
    """Import the module of a registered collector."""
    return importlib.import_module(REGISTRY[name])


CRITICALITIES = ("low", "normal", "high", "critical", "core")


def criticality_label(sec: Section) -> dict[str, str]:
    """A device's optional `criticality` as an asset label (high, critical, core raise alerts)."""
    value = sec.str("criticality", "").lower()
    if value and value not in CRITICALITIES:
        raise sec.error("criticality", f"must be one of {', '.join(CRITICALITIES)}")
    return {"criticality": value} if value else {}


def parse_common(section: Section, *, interval: float = 10.0, timeout: float = 5.0) -> dict[str, Any]:
    """Read interval_seconds and timeout_seconds, checking timeout <= interval."""
    interval_s = section.float("interval_seconds", interval, minimum=0.1)
    timeout_s = section.float("timeout_seconds", min(timeout, interval_s), minimum=0.05)
    if timeout_s > interval_s:
        raise section.error("timeout_seconds", "must not exceed interval_seconds")
    return {"interval_seconds": interval_s, "timeout_seconds": timeout_s}
