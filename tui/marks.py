"""Every mark the TUI draws (status words, alert levels, flags) and what each means, for `?`."""

from __future__ import annotations

from rich.text import Text

from hotspare import model, render

INSECURE_MARK = "!"
LEVEL_STYLE = {1: "bold white on red", 2: "bold red", 3: "bold yellow"}


_LEVELS = {level: Text(f"L{level}" if level else "-", style=LEVEL_STYLE.get(level, ""))
           for level in (0, 1, 2, 3)}


def level_text(level: int) -> Text:
    """L1..L3 in their colours, "-" for none (shared instances: treat as read-only)."""
    return _LEVELS.get(level) or Text(f"L{level}")


def legend() -> list[tuple[Text, str]]:
    """(mark as drawn, meaning) for the help screen."""
    return [
        (render.status_text(model.Status.OK), "every reading within its thresholds"),
        (render.status_text(model.Status.WARNING), "a reading past its warning threshold"),
        (render.status_text(model.Status.CRITICAL), "a reading past its critical threshold"),
        (render.status_text(model.Status.UNKNOWN),
         "no data: agent down, reading stale or none yet (never shown as OK)"),
        (level_text(1), "level-1 alert firing: severe business impact"),
        (level_text(2), "level-2 alert firing: part of the business affected"),
        (level_text(3), "level-3 alert firing: little impact"),
        (level_text(0), "no firing alert"),
        (Text(INSECURE_MARK, style="bold"),
         "after an asset id: its agent streams without TLS (insecure transport)"),
        (Text("STALE", style="bold"),
         "controller unreachable: the table shows the last known state, frozen"),
        (Text("\\x1b"), "a control character in a name, shown escaped"),
        (Text("\u2026"), "text cut to fit; open the asset to read it whole"),
    ]
