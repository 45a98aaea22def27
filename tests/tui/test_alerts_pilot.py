"""Pilot test: the alerts screen lists a firing alert and acknowledges it through the dialog."""

from __future__ import annotations

import time

import pytest
from textual.widgets import DataTable

from tests.fakes.agent_stream import ScriptedAgent
from tests.helpers import ControllerProc, pilot_wait
from tui.app import HotSpareApp
from tui.screens.alerts import AlertsScreen
from tui.screens.fleet import FleetScreen

pytestmark = pytest.mark.integration

CONFIG = """
[alerts]
tick_seconds = 0.2
[[alerts.rules]]
name = "hot_inlet"
level = 1
kinds = ["temperature"]
condition = "above"
threshold = 80
"""


async def test_tui_alerts_screen_lists_and_acknowledges(tmp_path):
    conf = tmp_path / "c.toml"
    conf.write_text(CONFIG)
    ctl = ControllerProc(tmp_path / "data", extra=["--config", str(conf)])
    ctl.wait_ready()
    agent = ScriptedAgent(ctl.address, "tui-ag", "tui-srv")
    try:
        agent.send("inlet", 95, int(time.time() * 1000))
        app = HotSpareApp(ctl.address)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
            fleet_table = app.screen.query_one(DataTable)
            await pilot_wait(lambda: fleet_table.row_count >= 1
                        and str(fleet_table.get_row("tui-srv")[3]) == "L1", pilot)
            await pilot.press("A")
            await pilot_wait(lambda: isinstance(app.screen, AlertsScreen), pilot)
            screen = app.screen
            table = screen.query_one(DataTable)
            await pilot_wait(lambda: table.row_count >= 1, pilot)
            assert str(table.get_row_at(0)[0]) == "L1"  # most severe first
            await pilot.press("a")
            await pilot.pause(0.2)
            await pilot.press(*"replacing fan")
            await pilot.press("enter")
            await pilot_wait(lambda: any(a.acked_by for a in screen.alerts.values()), pilot)
            (alert,) = [a for a in screen.alerts.values() if a.rule == "hot_inlet"]
            assert alert.ack_comment == "replacing fan"
    finally:
        agent.close()
        ctl.stop()
