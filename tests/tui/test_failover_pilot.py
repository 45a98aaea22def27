"""Pilot test: the failover screen against a real controller with a standby group and real probes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from controller.demo import standby_lab
from tests.helpers import ControllerProc, pilot_wait
from tui.app import HotSpareApp
from tui.screens.failover import FailoverScreen, GroupScreen
from tui.screens.fleet import FleetScreen

pytestmark = pytest.mark.integration


async def test_tui_failover_screen_shows_verdict_reasons_and_members(
        tmp_path: Path, start_agent) -> None:  # type: ignore[no-untyped-def]
    lab = standby_lab.start_lab(tmp_path / "lab", ("tui-a", "tui-b"), None, 1.0)
    config = tmp_path / "controller.toml"
    config.write_text("[standby]\n" + lab.controller_toml + "drill_max_age_days = 0\n")
    controller = ControllerProc(tmp_path / "data", extra=["--config", str(config)])
    try:
        controller.wait_ready()
        start_agent(controller.address, "[agent]\nid = \"tui-standby\"\n[agent.asset]\n"
                    "id = \"tui-a\"\n[agent.stream]\nflush_interval_seconds = 0.2\n"
                    + lab.agent_toml.replace("timeout_seconds = 0.75", "timeout_seconds = 0.9"))
        # lag over its limit on the standby: the reason must be readable at 80x24
        state = json.loads(lab.state_file("tui-b").read_text())
        state["lag_seconds"] = 42
        lab.state_file("tui-b").write_text(json.dumps(state))
        app = HotSpareApp(controller.address)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
            await pilot.press("F")
            await pilot_wait(lambda: isinstance(app.screen, FailoverScreen), pilot)
            screen = app.screen
            assert isinstance(screen, FailoverScreen)
            table = screen.query_one(DataTable)

            def lagging() -> bool:
                g = screen.groups.get("core-banking")
                return g is not None and "lag_over_limit" in {r.code for r in g.reasons}

            await pilot_wait(lagging, pilot, 30)
            row = table.get_row("core-banking")
            assert str(row[1]) == "NOT READY" and "lag_over_limit(tui-b)" in str(row[3])
            await pilot.press("enter")
            await pilot_wait(lambda: isinstance(app.screen, GroupScreen), pilot)
            group = app.screen
            members = group.query_one("#members", DataTable)
            await pilot_wait(lambda: members.row_count >= 5, pilot)
            labels = [str(c.label) for c in members.columns.values()]
            assert labels[1:] == ["tui-a", "tui-b"]
            reasons = str(group.query_one("#group-reasons", Static).render())
            assert "standby tui-b lags 42s behind (limit 5s)" in reasons
            # live: the lag recovers and the pushed update reaches the open screen
            state["lag_seconds"] = 0.1
            lab.state_file("tui-b").write_text(json.dumps(state))
            await pilot_wait(lambda: "lag_over_limit" not in str(
                group.query_one("#group-reasons", Static).render()), pilot, 20)
            await pilot.press("escape")
            await pilot_wait(lambda: isinstance(app.screen, FailoverScreen), pilot)
    finally:
        controller.stop()
