"""Alerts by level with acknowledge and silence actions."""

from __future__ import annotations

import asyncio
import getpass
import re
import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from hotspare import model, render
from hotspare.client import ClientError
from hotspare.maintenance import Matcher, Silence, holding_silence
from tui.dialogs.prompt import PromptDialog
from tui.marks import level_text

if TYPE_CHECKING:
    from tui.app import HotSpareApp

REFRESH_SECONDS = 2.0


def silence_seconds(text: str) -> float:
    """A silence's duration with its unit ('30m', '2h', '1d'); a bare number is refused."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(m|min|h|d)\s*", text.lower())
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"duration {text.strip()!r}: give a number and a unit (30m, 2h, 1d)")
    return float(match.group(1)) * {"m": 60, "min": 60, "h": 3600, "d": 86400}[match.group(2)]


class AlertsScreen(Screen[None]):
    """Open alerts, most severe first; `a` acknowledges, `s` silences the selected alert."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "ack", "Acknowledge"),
        Binding("s", "silence", "Silence"),
        Binding("r", "reload", "Refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.alerts: dict[str, model.AlertView] = {}
        self.silences: list[Silence] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("alerts", id="alerts-status")
        table: DataTable[object] = DataTable(id="alerts", cursor_type="row", zebra_stripes=True)
        for label in ("Level", "State", "Since", "Asset", "Sensor", "Summary", "Notes"):
            table.add_column(label, key=label.lower())
        yield table
        yield Static("", id="alert-hint")
        yield Footer()

    @property
    def hs_app(self) -> HotSpareApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.poll()

    @work(exclusive=True, group="alerts")
    async def poll(self) -> None:
        while True:
            await self.load()
            await asyncio.sleep(REFRESH_SECONDS)

    async def load(self) -> None:
        status = self.query_one("#alerts-status", Static)
        try:
            alerts = await self.hs_app.client.list_alerts()
            self.silences = await self.hs_app.client.list_silences()
        except ClientError as exc:
            status.update(f"alerts: {exc}")
            return
        self.alerts = {a.alert_id: a for a in alerts}
        counts = {lvl: sum(1 for a in alerts if a.level == lvl and a.state == "firing")
                  for lvl in (1, 2, 3)}
        status.update(f"firing: L1 {counts[1]}  L2 {counts[2]}  L3 {counts[3]}   "
                      f"({len(alerts)} open)")
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        now = self.hs_app.now_ms()
        table.clear()
        for a in sorted(alerts, key=lambda a: (a.level, a.state != "firing", -a.started_ms)):
            notes = " ".join(x for x, on in (
                (self.silenced_note(a, now), True),
                (f"ack {a.acked_by}", a.acked_by), ("flapping", a.flapping), ("no data", a.no_data),
                (a.held_reason, a.held_reason and not a.held_reason.startswith("silenced")),
                (f"+{a.children} children", a.children)) if on and x)
            table.add_row(level_text(a.level), Text(a.state),
                          Text(render.age_text(a.started_ms, now)),
                          Text(render.safe_text(a.asset_id, 24)),
                          Text(render.safe_text(a.sensor_id, 16)),
                          Text(render.safe_text(f"{a.summary}: {a.reason}", 120)),
                          Text(render.safe_text(notes, 80)), key=a.alert_id)
        if 0 <= cursor < table.row_count:
            table.move_cursor(row=cursor)
        self.show_hint()

    def silenced_note(self, a: model.AlertView, now_ms: int) -> str:
        """'silenced until HH:MM' when an active silence holds the alert's notifications."""
        silence = holding_silence(a.asset_id, a.rule, a.level, now_ms, self.silences)
        if silence is None:
            return ""
        fmt = "%H:%M" if silence.expires_ms - now_ms < 86_400_000 else "%Y-%m-%d %H:%M"
        return f"silenced until {time.strftime(fmt, time.localtime(silence.expires_ms / 1000))}"

    def show_hint(self) -> None:
        """The selected alert's summary, reason and hint (what to check or do) under the table."""
        alert = self.selected()
        lines = [] if alert is None else [f"{alert.summary}: {alert.reason}"] + (
            [f"hint: {alert.hint}"] if alert.hint else [])
        self.query_one("#alert-hint", Static).update(
            Text("\n".join(render.safe_text(line, 300) for line in lines)))

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self.show_hint()

    def selected(self) -> model.AlertView | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.alerts.get(str(key))

    def action_ack(self) -> None:
        alert = self.selected()
        if alert is None:
            return

        async def done(values: list[str] | None) -> None:
            if values and values[0].strip():
                try:
                    await self.hs_app.client.ack_alert(alert.alert_id, getpass.getuser(),
                                                       values[0].strip())
                    self.notify(f"acknowledged {alert.alert_id}")
                except ClientError as exc:
                    self.notify(str(exc), severity="error")
                await self.load()

        self.app.push_screen(PromptDialog(f"Acknowledge {alert.summary} on {alert.asset_id}",
                                          [("comment (what is being done)", "")]), done)

    def action_silence(self) -> None:
        alert = self.selected()
        if alert is None:
            return

        async def done(values: list[str] | None) -> None:
            if not values:
                return
            try:
                seconds = silence_seconds(values[0])
            except ValueError as exc:
                self.notify(str(exc), severity="error")
                return
            if not values[1].strip():
                self.notify("a reason is required", severity="error")
                return
            expires = int((time.time() + seconds) * 1000)
            try:
                await self.hs_app.client.add_silence(
                    Matcher(alert.asset_id, alert.rule), getpass.getuser(), values[1].strip(),
                    expires)
                self.notify(f"silenced {alert.rule} on {alert.asset_id} for "
                            f"{render.duration_text(seconds)}")
            except ClientError as exc:
                self.notify(str(exc), severity="error")
            await self.load()

        self.app.push_screen(PromptDialog(
            f"Silence {alert.rule} on {alert.asset_id}",
            [("duration (with its unit: 30m, 2h, 1d)", "2h"), ("reason", "")]), done)

    def action_reload(self) -> None:
        self.run_worker(self.load(), group="reload", exclusive=True)
