"""One asset: identity, current readings with status, and a history sparkline of a sensor."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Sparkline, Static

from hotspare import model, render
from hotspare.client import ClientError

if TYPE_CHECKING:
    from tui.app import HotSpareApp

REFRESH_SECONDS = 2.0
COLUMNS = {
    "readings": ["Sensor", "Value", "Status", "Age", "Reason"],
    "components": ["Type", "Model", "Serial", "Part", "Firmware"],
    "events": ["Age", "Severity", "Type", "Sensor", "Description"],
}


class AssetScreen(Screen[None]):
    """Latest readings of one asset, refreshed every few seconds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "reload", "Refresh"),
        Binding("s", "show('readings')", "Sensors"),
        Binding("c", "show('components')", "Components"),
        Binding("e", "show('events')", "Events"),
    ]

    mode: reactive[str] = reactive("readings")

    def __init__(self, asset_id: str) -> None:
        super().__init__()
        self.asset_id = asset_id
        self.detail: model.AssetDetail | None = None
        self.history_sensor = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.asset_id, id="asset-title")
        yield DataTable(id="readings", cursor_type="row", zebra_stripes=True)
        yield Static("history: select a sensor", id="history-label")
        yield Sparkline([], id="history")
        yield Footer()

    @property
    def hs_app(self) -> HotSpareApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.poll()

    @work(exclusive=True, group="asset")
    async def poll(self) -> None:
        while True:
            await self.load()
            await asyncio.sleep(REFRESH_SECONDS)

    async def load(self) -> None:
        title = self.query_one("#asset-title", Static)
        try:
            self.detail = await self.hs_app.client.get_asset(self.asset_id)
        except ClientError as exc:
            title.update(f"{self.asset_id}: {exc}")
            return
        s = self.detail.summary
        a = s.asset
        where = "/".join(x for x in (a.location.site, a.location.room, a.location.rack,
                                     a.location.unit) if x)
        ident = " ".join(x for x in (a.vendor, a.model, a.serial) if x)
        title.update(render.status_text(s.worst_status) + f"  {a.asset_id} ({a.kind.value})"
                     f"  {ident}  {where}  agent {s.agent_id} {'up' if s.agent_up else 'DOWN'}")
        self.fill()
        if self.history_sensor:
            await self.load_history(self.history_sensor)

    def watch_mode(self, old: str, new: str) -> None:
        if old != new:
            self.query_one(DataTable).clear(columns=True)
        self.fill()

    def action_show(self, mode: str) -> None:
        self.mode = mode

    def fill(self) -> None:
        """Show readings, components or events of the loaded detail in the one table."""
        table = self.query_one(DataTable)
        if not table.columns:
            for label in COLUMNS[self.mode]:
                table.add_column(label, key=label.lower())
        if self.detail is None:
            return
        cursor = table.cursor_row
        table.clear()
        if self.mode == "readings":
            for r in self.detail.latest:
                table.add_row(r.name or r.sensor_id, render.value_text(r),
                              render.status_text(r.status), render.age_text(r.time_unix_ms),
                              r.reason, key=r.sensor_id)
        elif self.mode == "components":
            for c in self.detail.components:
                table.add_row(c.type, c.model or c.description, c.serial, c.part_number,
                              c.firmware, key=c.component_id)
        else:
            for i, e in enumerate(self.detail.events):
                table.add_row(render.age_text(e.time_unix_ms), render.status_text(e.severity),
                              e.type, e.sensor, e.description, key=f"{i}:{e.source_id}")
        if 0 <= cursor < table.row_count:
            table.move_cursor(row=cursor)

    async def load_history(self, sensor_id: str) -> None:
        try:
            points = await self.hs_app.client.history(self.asset_id, sensor_id, max_points=120)
        except ClientError:
            return
        values = [p.value for p in points if p.value is not None]
        self.query_one(Sparkline).data = values
        label = f"history of {sensor_id}: {len(values)} points"
        if values:
            label += f", min {min(values):.1f} max {max(values):.1f} last {values[-1]:.1f}"
        self.query_one("#history-label", Static).update(label)

    @on(DataTable.RowHighlighted, "#readings")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.mode == "readings" and event.row_key.value and event.row_key.value != self.history_sensor:
            self.history_sensor = str(event.row_key.value)
            self.run_worker(self.load_history(self.history_sensor), group="history",
                            exclusive=True)

    def action_reload(self) -> None:
        self.run_worker(self.load(), group="reload", exclusive=True)
