"""Turns domain records into Rich text for tables: status colours, values, ages."""

from __future__ import annotations

import time
from collections.abc import Iterable

from rich.text import Text

from hotspare import model

STATUS_STYLE = {
    model.Status.OK: "bold green",
    model.Status.WARNING: "bold yellow",
    model.Status.CRITICAL: "bold white on red",
    model.Status.UNKNOWN: "bold magenta",
}


def safe_text(value: str, limit: int = 0) -> str:
    """One printable line: control and format characters escaped, cut to limit with an ellipsis."""
    if value.isprintable():
        out = value
    else:
        out = "".join(
            ch if ch.isprintable() else
            ("\\n" if ch == "\n" else "\\t" if ch == "\t" else
             f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
            for ch in value
        )
    if limit and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "\u2026"
    return out


def status_text(status: model.Status) -> Text:
    return Text(status.label.upper(), style=STATUS_STYLE[status])


def duration_text(seconds: float) -> str:
    for limit, div, unit in ((120, 1, "s"), (7200, 60, "min"), (172800, 3600, "h")):
        if seconds < limit:
            return f"{seconds / div:.1f} {unit}"
    return f"{seconds / 86400:.1f} d"


def _is_code(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def state_name(r: model.Reading) -> str:
    """The state of a discrete reading ('on', 'degraded'), '' for a measured value.

    A `state` label that is a raw code (SNMP) is named by the reading's reason (the profile's
    mapping text) or its status; IPMI discrete sensors carry their asserted `states`.
    """
    if r.unit or not r.labels:
        return ""
    state = r.labels.get("state")
    if state is not None:
        if state and not _is_code(state):
            return safe_text(state, 40)
        return safe_text(r.reason, 40) if r.reason else r.status.label
    states = r.labels.get("states")
    if states is not None:
        return safe_text(states, 40) if states else r.status.label
    return ""


def worst_first(readings: Iterable[model.Reading]) -> list[model.Reading]:
    """Readings sorted worst status first, then by name."""
    return sorted(readings, key=lambda r: (-int(r.status), (r.name or r.sensor_id).lower()))


def value_text(r: model.Reading) -> str:
    """The value with its unit, or the state's name for a discrete reading."""
    name = state_name(r)
    if name:
        return name
    if r.value is None:
        return "-"
    if r.unit == "s" and r.value >= 120:
        return duration_text(r.value)
    text = f"{r.value:.1f}" if abs(r.value) < 1e6 else f"{r.value:.3g}"
    return f"{text}{r.unit}" if r.unit in ("%", "C") else f"{text} {r.unit}".strip()


def age_text(time_ms: int, now_ms: int | None = None) -> str:
    if not time_ms:
        return "never"
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    seconds = max(0, (now_ms - time_ms) // 1000)
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"


def headline_text(s: model.AssetSummary) -> str:
    names = {model.ReadingKind.CPU: "cpu", model.ReadingKind.MEMORY: "mem",
             model.ReadingKind.TEMPERATURE: "temp"}
    return " ".join(f"{names.get(r.kind, r.sensor_id)} {value_text(r)}" for r in s.headline)


def matches(s: model.AssetSummary, query: str) -> bool:
    """Case-insensitive search over id, name, kind, status, site and rack."""
    if not query:
        return True
    a = s.asset
    haystack = " ".join([a.asset_id, a.name, a.kind.value, s.worst_status.label,
                         a.location.site, a.location.rack, a.model, a.vendor]).lower()
    return all(term in haystack for term in query.lower().split())
