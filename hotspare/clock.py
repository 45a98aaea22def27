"""The clock seam: wall time for records and display, the monotonic clock for every deadline (S9)."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """What code that measures time needs; tests pass a manual clock."""

    def wall_ms(self) -> int: ...

    def monotonic_seconds(self) -> float: ...


class SystemClock:
    """The real clocks of this machine."""

    def wall_ms(self) -> int:
        return int(time.time() * 1000)

    def monotonic_seconds(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told to (unit tests of timeouts, leases, damping)."""

    def __init__(self, wall_ms: int = 1_700_000_000_000, monotonic_seconds: float = 1000.0) -> None:
        self._wall_ms = wall_ms
        self._mono = monotonic_seconds

    def wall_ms(self) -> int:
        return self._wall_ms

    def monotonic_seconds(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._wall_ms += int(seconds * 1000)
        self._mono += seconds


SYSTEM_CLOCK = SystemClock()
