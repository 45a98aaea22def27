"""Pilot tests on fixed data (fake client, no controller): search, cursor, bad names, help, palette."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from hotspare import model
from tests.fakes.tui_client import NOW_MS, FakeClient, odd_summaries
from tests.helpers import pilot_wait
from tui.app import HotSpareApp
from tui.screens.alerts import AlertsScreen
from tui.screens.asset import AssetScreen
from tui.screens.fleet import COLUMNS, FleetScreen
from tui.screens.help import HelpScreen, key_sections


def make_app(count: int = 200) -> HotSpareApp:
    return HotSpareApp(client=FakeClient(count, odd_summaries()), clock=lambda: NOW_MS / 1000)


async def loaded(app: HotSpareApp, pilot) -> FleetScreen:
    await pilot_wait(lambda: isinstance(app.screen, FleetScreen) and app.screen.loaded, pilot)
    assert isinstance(app.screen, FleetScreen)
    return app.screen


async def test_fleet_search_is_debounced_and_keeps_the_cursor():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        fleet = await loaded(app, pilot)
        table = fleet.table
        table.move_to("dc1-r001-srv07")
        await pilot.press("slash", *"r001")
        await pilot_wait(lambda: table.row_count == 40, pilot)
        assert fleet.index.query == "r001"
        assert table.cursor_key == "dc1-r001-srv07"
        await pilot.press("escape")
        await pilot_wait(lambda: table.row_count == 204, pilot)
        assert table.cursor_key == "dc1-r001-srv07"
        await pilot.press("p")
        await pilot.pause()
        assert table.cursor_key == "dc1-r001-srv07"
        first = fleet.index.summaries[str(table.get_row_at(0)[0])]
        assert first.alert_level == 1  # problems first


async def test_fleet_bad_names_stay_in_their_column():
    app = make_app(10)
    async with app.run_test(size=(80, 24)) as pilot:
        fleet = await loaded(app, pilot)
        widths = {key: width for key, _, width in COLUMNS}
        for s in odd_summaries():
            asset, _, _, _, reason, *_ = (str(c) for c in fleet.table.get_row(s.asset.asset_id))
            assert len(asset) <= widths["asset"]
            assert "\x1b" not in asset and "\x07" not in asset and "\n" not in reason
        evil = str(fleet.table.get_row(odd_summaries()[0].asset.asset_id)[0])
        assert evil.startswith("evil\\x1b[31m")
        assert str(fleet.table.get_row("x" * 300)[0]).endswith("\u2026")
        assert str(fleet.table.get_row("[bold]markup[/bold]")[0]) == "[bold]markup[/bold]"


async def test_fleet_pushed_update_for_hidden_row_shows_when_search_clears():
    client = FakeClient(100)
    app = HotSpareApp(client=client, clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(120, 40)) as pilot:
        fleet = await loaded(app, pilot)
        await pilot.press("slash", *"r000", "enter")
        await pilot_wait(lambda: fleet.table.row_count == 40, pilot)
        hidden = next(s for s in client.fleet if s.asset.asset_id.startswith("dc1-r001")
                      and s.worst_status is model.Status.OK)
        await client.pushes.put([model.AssetSummary(
            hidden.asset, model.Status.CRITICAL, "psu1: failed", NOW_MS, "fleet-1", True)])
        await pilot_wait(lambda: fleet.index.summaries[hidden.asset.asset_id].worst_status
                         is model.Status.CRITICAL, pilot)
        assert fleet.table.row_count == 40
        await pilot.press("escape")
        await pilot_wait(lambda: fleet.table.row_count == 100, pilot)
        assert str(fleet.table.get_row(hidden.asset.asset_id)[2]) == "CRITICAL"


async def test_help_lists_every_key_and_mark_and_footer_shows_enter():
    app = make_app(10)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.pause(0.3)  # the footer recomposes once the table has focus
        footer = [(k.key, k.key_display, k.description) for k in app.screen.query(FooterKey)]
        assert ("enter", "Enter", "Open") in footer, footer
        await pilot.press("question_mark")
        await pilot_wait(lambda: isinstance(app.screen, HelpScreen), pilot)
        console = Console(width=200, record=True, file=io.StringIO())
        for w in app.screen.query(Static):
            console.print(w.content)
        text = console.export_text()
        for _, keys in key_sections():
            for key, what in keys:
                assert key in text and what in text, (key, what)
        for mark in ("OK", "WARNING", "CRITICAL", "UNKNOWN", "L1", "L2", "L3", "STALE"):
            assert mark in text
        await pilot.press("escape")
        await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)


@pytest.mark.parametrize(("query", "screen"), [("go to asset dc1-r000-srv05", AssetScreen),
                                                ("go to alerts", AlertsScreen)])
async def test_command_palette_goes_to(query, screen):
    app = make_app(40)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p")
        await pilot_wait(lambda: isinstance(app.screen, CommandPalette), pilot)
        await pilot.press(*query)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot_wait(lambda: isinstance(app.screen, screen), pilot)
        if screen is AssetScreen:
            assert app.screen.asset_id == "dc1-r000-srv05"


class _DiesWhilePaging(FakeClient):
    """Answers the first page, then the controller is gone."""

    async def list_assets_page(self, page_size: int, page_token: str = ""):
        if page_token:
            self.down = True
        return await super().list_assets_page(page_size, page_token)


async def test_fleet_disconnect_while_paging_leaves_whole_pages_marked_stale():
    client = _DiesWhilePaging(3000)
    app = HotSpareApp(client=client, clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
        fleet = app.screen
        assert isinstance(fleet, FleetScreen)
        await pilot_wait(lambda: fleet.stale, pilot)
        assert not fleet.loaded
        first_page = [s.asset.asset_id for s in client.fleet[:200]]
        assert sorted(fleet.index.summaries) == first_page  # the first page, whole; nothing else
        assert [str(fleet.table.get_row_at(i)[0]) for i in range(fleet.table.row_count)] == first_page
        label = str(fleet.query_one("#connection").render())
        assert "STALE" in label and "unreachable" in label
