"""Pure silences and recurring maintenance windows: does a notification wait at this moment?"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


@dataclass(frozen=True, slots=True)
class Matcher:
    """Which alerts something applies to: globs on asset and rule, optional level."""

    asset: str = "*"
    rule: str = "*"
    level: int = 0  # 0: any level

    def matches(self, asset_id: str, rule_name: str, level: int) -> bool:
        return (fnmatch.fnmatchcase(asset_id, self.asset)
                and fnmatch.fnmatchcase(rule_name, self.rule)
                and (self.level == 0 or level == self.level))


@dataclass(frozen=True, slots=True)
class Silence:
    """Mute matching alerts' notifications until expiry (they are still recorded)."""

    silence_id: str
    matcher: Matcher
    author: str
    reason: str
    created_ms: int
    expires_ms: int

    def active(self, now_ms: int) -> bool:
        return self.created_ms <= now_ms < self.expires_ms


@dataclass(frozen=True, slots=True)
class Window:
    """A recurring maintenance window in a time zone.

    `days`: weekday names (empty: every day); `start`/`end` "HH:MM" local time (end before start
    crosses midnight, e.g. 22:00-02:00); `dates`: ISO dates that are whole-day windows.
    """

    window_id: str
    name: str
    matcher: Matcher = field(default_factory=Matcher)
    start: str = "00:00"
    end: str = "00:00"
    days: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    timezone: str = "UTC"

    def active(self, now_ms: int) -> bool:
        local = dt.datetime.fromtimestamp(now_ms / 1000, tz=ZoneInfo(self.timezone))
        if local.date().isoformat() in self.dates:
            return True
        start, end = _minutes(self.start), _minutes(self.end)
        if start == end and not self.dates:
            return self._day_ok(local.weekday())  # a whole-day window on the listed days
        if start == end:
            return False
        minute = local.hour * 60 + local.minute
        if start < end:
            return start <= minute < end and self._day_ok(local.weekday())
        # crosses midnight: the part after midnight belongs to the previous day's window
        if minute >= start:
            return self._day_ok(local.weekday())
        if minute < end:
            return self._day_ok((local.weekday() - 1) % 7)
        return False

    def _day_ok(self, weekday: int) -> bool:
        return not self.days or weekday in {WEEKDAYS[d[:3].lower()] for d in self.days}


def _minutes(text: str) -> int:
    """Minutes after midnight of "HH:MM" (or "HH"); 24:00 is the end of the day (0)."""
    match = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*", text)
    value = int(match.group(1)) * 60 + int(match.group(2) or 0) if match else -1
    if not match or int(match.group(2) or 0) >= 60 or not 0 <= value <= 24 * 60:
        raise ValueError(f"bad time of day {text!r} (use HH:MM, 00:00 to 24:00, e.g. 01:00)")
    return value % (24 * 60)


def validate_window(w: Window) -> None:
    """Raise ValueError naming what is wrong with a window definition (and which field)."""
    for name, text in (("start", w.start), ("end", w.end)):
        try:
            _minutes(text)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    try:
        ZoneInfo(w.timezone)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"timezone: unknown time zone {w.timezone!r} (an IANA name such as"
                         " Europe/London)") from None
    for d in w.days:
        if d[:3].lower() not in WEEKDAYS:
            raise ValueError(f"days: bad weekday {d!r} (mon, tue, wed, thu, fri, sat, sun)")
    for date in w.dates:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise ValueError(f"dates: bad date {date!r} (use YYYY-MM-DD)") from None


def check_span(start: str, end: str) -> None:
    """Refuse a start equal to the end unless it is spelled as a whole day (00:00 to 24:00).

    Stored windows keep "start == end means the whole day" (config files rely on it); a person
    typing the same time twice most likely meant something else, so the CLI asks for it plainly.
    """
    if _minutes(start) == _minutes(end) and not (_minutes(start) == 0 and end.strip() == "24:00"):
        raise ValueError(f"start and end are both {start.strip()}: the window has no length"
                         " (for whole days use --start 00:00 --end 24:00, or --dates)")


def holding_silence(asset_id: str, rule_name: str, level: int, now_ms: int,
                    silences: Iterable[Silence]) -> Silence | None:
    """The active silence holding an alert's notifications (the one lasting longest), if any."""
    active = [s for s in silences
              if s.active(now_ms) and s.matcher.matches(asset_id, rule_name, level)]
    return max(active, key=lambda s: s.expires_ms, default=None)


def held(asset_id: str, rule_name: str, level: int, now_ms: int,
         silences: Iterable[Silence], windows: Iterable[Window]) -> str:
    """Why a notification must wait now ("" when it may go): a silence or a maintenance window."""
    for s in silences:
        if s.active(now_ms) and s.matcher.matches(asset_id, rule_name, level):
            return f"silenced by {s.author}: {s.reason}"
    for w in windows:
        if w.matcher.matches(asset_id, rule_name, level) and w.active(now_ms):
            return f"maintenance window {w.name}"
    return ""
