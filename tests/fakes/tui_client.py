"""A fake controller client for TUI tests and snapshots: fixed data, times relative to a fixed now."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from hotspare import model
from hotspare.maintenance import Matcher, Silence

NOW_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z: every time below is relative to this
KINDS = (model.AssetKind.SERVER, model.AssetKind.STORAGE, model.AssetKind.NETWORK)


def _reading(asset_id: str, sensor_id: str, kind: model.ReadingKind, value: float, unit: str,
             status: model.Status = model.Status.OK, reason: str = "", age_s: int = 5,
             labels: dict[str, str] | None = None) -> model.Reading:
    return model.Reading(asset_id, sensor_id, kind, value, unit, status, reason,
                         NOW_MS - age_s * 1000, labels=labels or {})


def summary(i: int) -> model.AssetSummary:
    """Asset number i: mostly OK, every 7th warning, every 23rd critical, every 31st unknown."""
    asset_id = f"dc1-r{i // 40:03d}-srv{i % 40:02d}"
    status, reason, level = model.Status.OK, "", 0
    if i % 31 == 30:
        status, reason = model.Status.UNKNOWN, "agent fleet-1 is down"
    elif i % 23 == 22:
        status, reason, level = model.Status.CRITICAL, "inlet: 92.0 C above critical 85.0", 1
    elif i % 7 == 6:
        status, reason, level = model.Status.WARNING, "fan2: 2100 RPM below warning 2500", 3
    asset = model.Asset(asset_id, KINDS[i % 3], location=model.Location("dc1", "", f"r{i // 40:03d}"))
    headline = (_reading(asset_id, "cpu", model.ReadingKind.CPU, 10.0 + i % 50, "%"),
                _reading(asset_id, "inlet", model.ReadingKind.TEMPERATURE, 20.0 + i % 9, "C"))
    return model.AssetSummary(asset, status, reason, NOW_MS - (i % 90) * 1000, "fleet-1",
                              status is not model.Status.UNKNOWN, headline, level)


def odd_summaries() -> list[model.AssetSummary]:
    """Names that try to break the layout: control characters, markup, very long, wide."""
    names = ["evil\x1b[31m-red\x07", "[bold]markup[/bold]", "x" * 300, "\u6570\u636e\u5e93-01"]
    return [model.AssetSummary(model.Asset(n, model.AssetKind.OTHER), model.Status.WARNING,
                               "reason with\nnewline\tand tab " + "y" * 200, NOW_MS - 1000,
                               "fleet-1", True) for n in names]


def detail(asset_id: str) -> model.AssetDetail:
    """A server with temperatures carrying device thresholds, a fan, cpu and a PSU."""
    thresholds = {"upper_critical": "85", "upper_non_critical": "75"}
    latest = (
        _reading(asset_id, "cpu", model.ReadingKind.CPU, 37.5, "%"),
        _reading(asset_id, "memory", model.ReadingKind.MEMORY, 61.2, "%"),
        _reading(asset_id, "inlet", model.ReadingKind.TEMPERATURE, 78.0, "C",
                 model.Status.WARNING, "78.0 C above warning 75.0 (device threshold)",
                 labels=thresholds),
        _reading(asset_id, "fan2", model.ReadingKind.FAN, 2100.0, "RPM", model.Status.WARNING,
                 "2100 RPM below warning 2500"),
        _reading(asset_id, "psu1", model.ReadingKind.PSU, 1.0, "", model.Status.OK, "present"),
    )
    s = model.AssetSummary(model.Asset(asset_id, model.AssetKind.SERVER, vendor="Dell",
                                       model="R650", serial="ABC123",
                                       location=model.Location("dc1", "hall-a", "r001", "u12")),
                           model.Status.WARNING, "inlet: 78.0 C above warning 75.0",
                           NOW_MS - 5000, "fleet-1", True, latest[:2], 3)
    component = model.Component("psu1", asset_id, "psu", "Dell", "D750E-S1", "0Y2YV5", "PSU-01")
    return model.AssetDetail(s, latest, (component,), ())


def history(sensor_id: str, from_ms: int, to_ms: int, points: int = 120) -> list[model.HistoryPoint]:
    """A smooth daily wave with one warning excursion in the middle third."""
    step = max((to_ms - from_ms) // points, 1)
    out = []
    for n in range(points):
        t = from_ms + n * step
        value = 60.0 + 10.0 * ((n % 40) / 40.0)
        status = model.Status.OK
        if points // 3 <= n < points // 2:
            value, status = 80.0 + (n % 5), model.Status.WARNING
        out.append(model.HistoryPoint(t, value, status))
    return out


def alerts() -> list[model.AlertView]:
    return [
        model.AlertView("a1", "hot_inlet", 1, "dc1-r000-srv22", "inlet", "firing",
                        NOW_MS - 600_000, "Inlet too hot", "85", "device", NOW_MS - 540_000,
                        last_value=92.0, reason="92.0 C above critical 85.0",
                        hint="check the CRAC unit and blanking panels"),
        model.AlertView("a2", "fan_low", 3, "dc1-r000-srv06", "fan2", "firing",
                        NOW_MS - 7_200_000, "Fan slow", "2500", "rule", NOW_MS - 7_000_000,
                        reason="2100 RPM below 2500", acked_by="alice", ack_comment="swapping"),
        model.AlertView("a3", "no_data", 2, "dc1-r000-srv30", "", "pending",
                        NOW_MS - 60_000, "No data", reason="agent fleet-1 is down", no_data=True),
    ]


class FakeClient:
    """The ControllerClient calls the screens make, answered from fixed data; no controller."""

    def __init__(self, count: int = 60, extra: list[model.AssetSummary] | None = None) -> None:
        self.address = "fake:0"
        self.fleet = [summary(i) for i in range(count)] + (extra or [])
        self.fleet.sort(key=lambda s: s.asset.asset_id)
        self.pushes: asyncio.Queue[list[model.AssetSummary] | None] = asyncio.Queue()
        self.history_calls: list[tuple[str, str, int, int]] = []
        self.silences: list[Silence] = []
        self.down = False  # set by push(None): every later call fails as an unreachable controller

    def _check(self) -> None:
        if self.down:
            from hotspare.client import ClientError

            raise ClientError("controller at fake:0 is unreachable (unavailable)")

    async def watch_fleet(
        self, skip_snapshot: bool = False
    ) -> AsyncIterator[tuple[bool, list[model.AssetSummary]]]:
        self._check()
        yield True, [] if skip_snapshot else list(self.fleet)
        while True:
            update = await self.pushes.get()
            if update is None:
                self.down = True
                self._check()
            else:
                yield False, update

    async def list_assets_page(
        self, page_size: int, page_token: str = ""
    ) -> tuple[list[model.AssetSummary], str, int]:
        self._check()
        rest = [s for s in self.fleet if s.asset.asset_id > page_token]
        page = rest[:page_size]
        more = len(rest) > page_size
        return page, page[-1].asset.asset_id if more else "", len(self.fleet)

    async def get_asset(self, asset_id: str) -> model.AssetDetail:
        return detail(asset_id)

    async def history(self, asset_id: str, sensor_id: str, from_ms: int = 0, to_ms: int = 0,
                      max_points: int = 200) -> list[model.HistoryPoint]:
        self.history_calls.append((asset_id, sensor_id, from_ms, to_ms))
        return history(sensor_id, from_ms, to_ms, min(max_points, 120))

    async def list_alerts(self, state: str = "", level: int = 0) -> list[model.AlertView]:
        return alerts()

    async def ack_alert(self, alert_id: str, who: str, comment: str) -> model.AlertView:
        return alerts()[0]

    async def add_silence(self, matcher: Matcher, author: str, reason: str,
                          expires_ms: int) -> Silence:
        silence = Silence("s1", matcher, author, reason, NOW_MS, expires_ms)
        self.silences.append(silence)
        return silence

    async def list_silences(self, include_expired: bool = False) -> list[Silence]:
        return list(self.silences)

    async def close(self) -> None:
        return None
