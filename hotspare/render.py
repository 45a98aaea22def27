"""Turns domain records into Rich text for tables: status colours, values, ages."""

from __future__ import annotations

import time

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


def value_text(r: model.Reading) -> str:
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
