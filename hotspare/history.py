"""One sensor's history over a time span, asked the same way by the TUI plot and `hotspare history`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hotspare import model

SPAN_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RANGES = ("1h", "24h", "7d", "30d")  # the TUI's ranges; older than retention comes as hourly rows
MAX_POINTS = 240
# Labels that carry a device's own thresholds (IPMI SDR names; SNMP profiles use the same).
THRESHOLD_LABELS = ("upper_non_recoverable", "upper_critical", "upper_non_critical",
                    "lower_non_critical", "lower_critical", "lower_non_recoverable")


class SpanError(ValueError):
    """A time span that is not NUMBER followed by s, m, h or d."""


def parse_span(text: str) -> int:
    """Seconds in a span such as 90s, 10m, 24h, 7d."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text)
    if not match or float(match.group(1)) <= 0:
        raise SpanError(f"{text!r} is not a time span like 10m, 24h or 7d")
    return int(float(match.group(1)) * SPAN_UNITS[match.group(2)])


@dataclass(frozen=True, slots=True)
class Window:
    """[from_ms, to_ms] ending at now."""

    from_ms: int
    to_ms: int

    @classmethod
    def ending(cls, now_ms: int, span: str) -> Window:
        return cls(now_ms - parse_span(span) * 1000, now_ms)


@dataclass(frozen=True, slots=True)
class Threshold:
    """A line to draw: where it comes from (device label or alert rule) and how bad past it is."""

    name: str
    value: float
    status: model.Status


def thresholds(reading: model.Reading | None,
               alerts: list[model.AlertView] | tuple[model.AlertView, ...] = ()) -> list[Threshold]:
    """The sensor's known thresholds: the device's own (labels), then alert rules on it."""
    out: list[Threshold] = []
    if reading is not None:
        for name in THRESHOLD_LABELS:
            raw = reading.labels.get(name)
            try:
                value = float(raw) if raw else None
            except ValueError:
                value = None
            if value is not None:
                status = model.Status.WARNING if "non_critical" in name else model.Status.CRITICAL
                out.append(Threshold(name.replace("_", " "), value, status))
    for a in alerts:
        try:
            value = float(a.threshold)
        except ValueError:
            continue
        if not any(t.value == value for t in out):
            status = model.Status.CRITICAL if a.level == 1 else model.Status.WARNING
            out.append(Threshold(f"rule {a.rule}", value, status))
    return out


def points_json(points: list[model.HistoryPoint]) -> list[dict[str, object]]:
    return [{"time_unix_ms": p.time_unix_ms, "value": p.value, "status": p.status.label}
            for p in points]
