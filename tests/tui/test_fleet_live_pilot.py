"""Pilot tests against a real controller: pushed changes land in place, a dead controller leaves a
stale but whole table, and `hotspare history --json` agrees with the asset screen's plot."""

from __future__ import annotations

import asyncio
import time

import pytest

from hotspare.v1 import types_pb2
from tests.fakes.agent_stream import ScriptedAgent
from tests.fakes.fleet_feed import FleetFeed
from tests.helpers import ControllerProc, cli_json, pilot_wait
from tui.app import HotSpareApp
from tui.screens.asset import AssetScreen
from tui.screens.fleet import FleetScreen

pytestmark = pytest.mark.integration


def _plain(row: list[object]) -> list[str]:
    return [str(cell) for cell in row]


async def test_tui_fleet_applies_pushed_change_in_place_and_keeps_cursor(tmp_path):
    ctl = ControllerProc(tmp_path / "data")
    ctl.wait_ready()
    feed = FleetFeed(ctl.address, 120)
    try:
        feed.fill()
        app = HotSpareApp(ctl.address)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
            fleet = app.screen
            assert isinstance(fleet, FleetScreen)
            table = fleet.table
            await pilot_wait(lambda: fleet.loaded and table.row_count == 120, pilot)
            await pilot.press("p")
            watched, changed, untouched = feed.ids[50], feed.ids[90], feed.ids[10]
            table.move_to(watched)
            await pilot.pause()
            before = table.get_row(untouched)
            updates = fleet.applied_updates
            await asyncio.to_thread(feed.send, feed.readings(
                [changed], 99.0, types_pb2.STATUS_CRITICAL, "inlet 99 C above 85"))
            await pilot_wait(lambda: str(table.get_row(changed)[2]) == "CRITICAL", pilot)
            assert fleet.applied_updates > updates
            assert table.cursor_key == watched  # the cursor stayed on its asset
            criticals = [k for k, s in fleet.index.summaries.items()
                         if s.worst_status.label == "critical"]
            assert table.get_row_index(changed) < len(criticals)  # problems first
            assert table.row_count == 120
            assert "inlet 99 C" in str(table.get_row(changed)[4])
            after = table.get_row(untouched)
            assert all(a is b for a, b in zip(before, after, strict=True))  # not rebuilt
    finally:
        feed.close()
        ctl.stop()


async def test_tui_fleet_stays_whole_and_marked_stale_when_controller_dies(tmp_path):
    ctl = ControllerProc(tmp_path / "data")
    ctl.wait_ready()
    feed = FleetFeed(ctl.address, 30)
    try:
        feed.fill()
        app = HotSpareApp(ctl.address)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
            fleet = app.screen
            assert isinstance(fleet, FleetScreen)
            table = fleet.table
            await pilot_wait(lambda: fleet.loaded and table.row_count == 30, pilot)
            rows = [_plain(table.get_row_at(i)) for i in range(table.row_count)]
            ctl.kill9()
            await pilot_wait(lambda: fleet.stale, pilot)
            label = str(fleet.query_one("#connection").render())
            assert "STALE" in label and "30 assets" in label
            assert table.has_class("stale")
            assert [_plain(table.get_row_at(i)) for i in range(table.row_count)] == rows
    finally:
        feed.close()
        ctl.stop()


async def test_cli_history_json_agrees_with_asset_screen(tmp_path):
    ctl = ControllerProc(tmp_path / "data")
    ctl.wait_ready()
    agent = ScriptedAgent(ctl.address, "hist-ag", "hist-srv")
    try:
        now = int(time.time() * 1000)
        for minutes, value in ((3, 50.0), (2, 60.0), (1, 70.0)):
            agent.send("inlet", value, now - minutes * 60_000)
        doc = cli_json("history", "hist-srv", "inlet", "--since", "10m",
                       "--controller", ctl.address)
        assert doc["asset_id"] == "hist-srv" and doc["sensor_id"] == "inlet"
        assert doc["to_unix_ms"] - doc["from_unix_ms"] == 600_000
        assert [p["value"] for p in doc["points"]] == [50.0, 60.0, 70.0]
        assert [p["status"] for p in doc["points"]] == ["ok", "ok", "ok"]
        app = HotSpareApp(ctl.address)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot_wait(lambda: isinstance(app.screen, FleetScreen)
                             and app.screen.table.row_count == 1, pilot)
            await pilot.press("enter")
            await pilot_wait(lambda: isinstance(app.screen, AssetScreen)
                             and app.screen.history_points, pilot)
            screen = app.screen
            assert isinstance(screen, AssetScreen)
            assert [p.value for p in screen.history_points] == [50.0, 60.0, 70.0]
    finally:
        agent.close()
        ctl.stop()
