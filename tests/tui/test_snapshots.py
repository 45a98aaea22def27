"""Screens as pictures: fleet, asset (with its plot), alerts and help on fixed data at 80x24 and 120x40.

No controller: the app gets a fake client and a fixed clock, and times are rendered in UTC, so the
pictures only change when the screens do. Update with `pytest tests/tui/test_snapshots.py
--snapshot-update` and look at the SVGs before committing them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from tests.fakes.tui_client import NOW_MS, FakeClient, odd_summaries
from tests.helpers import pilot_wait
from tui.app import HotSpareApp
from tui.screens.alerts import AlertsScreen
from tui.screens.asset import AssetScreen
from tui.screens.fleet import FleetScreen

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def make_app(client: FakeClient | None = None) -> HotSpareApp:
    return HotSpareApp(client=client or FakeClient(60, odd_summaries()),
                       clock=lambda: NOW_MS / 1000)


async def fleet_loaded(pilot: Pilot[None]) -> None:
    app = pilot.app
    await pilot_wait(lambda: isinstance(app.screen, FleetScreen) and app.screen.loaded, pilot)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_fleet(snap_compare, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=fleet_loaded)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_fleet_problems_first(snap_compare, size):
    async def problems_first(pilot: Pilot[None]) -> None:
        await fleet_loaded(pilot)
        await pilot.press("p")

    assert snap_compare(make_app(), terminal_size=size, run_before=problems_first)


def test_snapshot_fleet_stale_after_disconnect(snap_compare):
    client = FakeClient(60, odd_summaries())

    async def disconnect(pilot: Pilot[None]) -> None:
        await fleet_loaded(pilot)
        await client.pushes.put(None)
        screen = pilot.app.screen
        assert isinstance(screen, FleetScreen)
        await pilot_wait(lambda: screen.stale, pilot)

    assert snap_compare(make_app(client), terminal_size=(80, 24), run_before=disconnect)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_asset_with_history_plot(snap_compare, size):
    async def open_inlet(pilot: Pilot[None]) -> None:
        await fleet_loaded(pilot)
        await pilot.press("down", "enter")
        app = pilot.app
        await pilot_wait(lambda: isinstance(app.screen, AssetScreen) and app.screen.detail, pilot)
        await pilot.press("down")  # worst first: fan2, inlet (the one with device thresholds)
        screen = app.screen
        assert isinstance(screen, AssetScreen)
        await pilot_wait(lambda: screen.history_sensor == "inlet" and screen.history_points, pilot)
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=size, run_before=open_inlet)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_alerts(snap_compare, size):
    async def open_alerts(pilot: Pilot[None]) -> None:
        await fleet_loaded(pilot)
        await pilot.press("A")
        app = pilot.app
        await pilot_wait(lambda: isinstance(app.screen, AlertsScreen) and app.screen.alerts, pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=open_alerts)


def test_snapshot_help(snap_compare):
    async def help_screen(pilot: Pilot[None]) -> None:
        await fleet_loaded(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=help_screen)
