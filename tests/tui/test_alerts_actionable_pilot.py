"""Pilot test on fixed data: the alerts screen shows the selected alert's hint and its silence."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from tests.fakes.tui_client import NOW_MS, FakeClient
from tests.helpers import pilot_wait
from tui.app import HotSpareApp
from tui.screens.alerts import AlertsScreen, silence_seconds
from tui.screens.fleet import FleetScreen


def test_silence_duration_needs_its_unit():
    assert silence_seconds("2h") == 7200 and silence_seconds("30m") == 1800
    assert silence_seconds("1d") == 86400
    for bad in ("2", "", "-1h", "0h", "2 weeks"):
        try:
            silence_seconds(bad)
        except ValueError as exc:
            assert "unit" in str(exc)
        else:
            raise AssertionError(bad)


async def test_alerts_screen_shows_hint_and_silenced_until():
    client = FakeClient(10)
    app = HotSpareApp(client=client, clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
        await pilot.press("A")
        await pilot_wait(lambda: isinstance(app.screen, AlertsScreen), pilot)
        screen = app.screen
        assert isinstance(screen, AlertsScreen)
        table = screen.query_one(DataTable)
        await pilot_wait(lambda: table.row_count == 3, pilot)
        hint = screen.query_one("#alert-hint", Static)
        await pilot_wait(lambda: "hint: check the CRAC unit" in str(hint.render()), pilot)
        await pilot.press("s")
        await pilot.pause(0.2)
        fields = list(app.screen.query(Input))
        assert [f.value for f in fields][:1] == ["2h"]
        assert "unit" in fields[0].placeholder
        await pilot.press("enter", *"aircon repair", "enter")
        await pilot_wait(lambda: isinstance(app.screen, AlertsScreen) and client.silences, pilot)
        (silence,) = client.silences
        assert silence.expires_ms - NOW_MS > 0
        await pilot_wait(lambda: "silenced until" in str(table.get_row("a1")[6]), pilot)
        assert "silenced until" not in str(table.get_row("a3")[6])
