"""Pilot tests: the TUI against a real controller fed by a real agent."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import DataTable

from tests.helpers import free_port, pilot_wait
from tui.app import HotSpareApp
from tui.screens.asset import AssetScreen
from tui.screens.fleet import FleetScreen

pytestmark = pytest.mark.integration

AGENT_TOML = """
[agent]
id = "tui-agent"
[agent.asset]
id = "tui-host"
[agent.stream]
flush_interval_seconds = 0.2
[collectors.local]
interval_seconds = 1
timeout_seconds = 1
"""


async def test_tui_fleet_fills_and_opens_asset(running_controller, start_agent):
    start_agent(running_controller.address, AGENT_TOML)
    app = HotSpareApp(running_controller.address)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
        fleet = app.screen
        table = fleet.query_one(DataTable)
        await pilot_wait(lambda: table.row_count >= 1 and "tui-host" in fleet.summaries, pilot)
        row = table.get_row("tui-host")
        assert str(row[0]) == "tui-host"
        assert str(row[2]) in {"OK", "WARNING", "CRITICAL", "UNKNOWN"}
        table.move_cursor(row=table.get_row_index("tui-host"))
        await pilot.press("enter")
        await pilot_wait(lambda: isinstance(app.screen, AssetScreen), pilot)
        readings = app.screen.query_one(DataTable)
        await pilot_wait(lambda: readings.row_count >= 3, pilot)
        keys = {k.value for k in readings.rows}
        assert {"cpu", "memory"} <= keys
        await pilot.press("e")
        await pilot_wait(lambda: "Severity" in [str(c.label) for c in readings.columns.values()], pilot)
        await pilot.press("s")
        await pilot_wait(lambda: "cpu" in {k.value for k in readings.rows}, pilot)
        await pilot.press("escape")
        await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
        await asyncio.sleep(0)


async def test_tui_shows_disconnected_when_controller_absent():
    app = HotSpareApp(f"127.0.0.1:{free_port()}")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
        label = app.screen.query_one("#connection")
        await pilot_wait(lambda: "disconnected" in str(label.render()), pilot, 20)
