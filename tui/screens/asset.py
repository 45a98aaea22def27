"""One asset: identity, current readings with status, and a plotted history of the chosen sensor."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from hotspare import history, model, render
from hotspare.client import ClientError
from tui.widgets.history_plot import HistoryPlot

if TYPE_CHECKING:
    from tui.app import HotSpareApp

REFRESH_SECONDS = 2.0
COLUMNS = {
    "readings": ["Sensor", "Value", "Status", "Age", "Reason"],
    "components": ["Type", "Model", "Serial", "Part", "Firmware"],
    "events": ["Age", "Severity", "Type", "Sensor", "Description"],
}


def _t(value: str, limit: int = 0) -> Text:
    """Device-supplied text as a cell: escaped, never parsed as markup."""
    return Text(render.safe_text(value, limit))


class AssetScreen(Screen[None]):
    """Latest readings of one asset, refreshed every few seconds, and the highlighted sensor's
    history over 1 h, 24 h, 7 d or 30 d with its thresholds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "reload", "Refresh"),
        Binding("s", "show('readings')", "Sensors"),
        Binding("c", "show('components')", "Components"),
        Binding("e", "show('events')", "Events"),
        Binding("1", "range('1h')", "1h"),
        Binding("2", "range('24h')", "24h"),
        Binding("3", "range('7d')", "7d"),
        Binding("4", "range('30d')", "30d"),
    ]

    mode: reactive[str] = reactive("readings")
    span: reactive[str] = reactive("1h", init=False)

    def __init__(self, asset_id: str, detail: model.AssetDetail | None = None) -> None:
        """`detail`, when the fleet screen already fetched it, is shown at once (then refreshed)."""
        super().__init__()
        self.asset_id = asset_id
        self.detail = detail
        self.alerts: list[model.AlertView] = []
        self.history_sensor = ""
        self.history_points: list[model.HistoryPoint] = []
        self._title = Text()
        self._rows: list[tuple[str, tuple[Text, ...]]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(render.safe_text(self.asset_id), id="asset-title")
        yield DataTable(id="readings", cursor_type="row", zebra_stripes=True)
        yield Static("history: select a sensor", id="history-label")
        yield HistoryPlot(id="history")
        yield Footer()

    @property
    def alive(self) -> bool:
        """Still on the stack (a popped screen's worker may outlive its widgets briefly)."""
        return self.is_attached and self in self.app.screen_stack

    @property
    def hs_app(self) -> HotSpareApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        if self.detail is not None:
            self.show_detail()
        self.poll()

    @work(exclusive=True, group="asset")
    async def poll(self) -> None:
        while True:
            await self.load()
            await asyncio.sleep(REFRESH_SECONDS)

    async def load(self) -> None:
        try:
            detail = await self.hs_app.client.get_asset(self.asset_id)
        except ClientError as exc:
            if self.alive:
                self.query_one("#asset-title", Static).update(
                    Text(f"{render.safe_text(self.asset_id, 60)}: {exc}"))
            return
        if not self.alive:  # closed while the answer was on its way
            return
        self.detail = detail
        self.show_detail()
        try:  # alert thresholds and start times for the plot; the readings are already shown
            self.alerts = [a for a in await self.hs_app.client.list_alerts()
                           if a.asset_id == self.asset_id]
        except ClientError:
            self.alerts = []
        if self.history_sensor and self.alive:
            await self.load_history(self.history_sensor)

    def show_detail(self) -> None:
        """Title and table from the loaded detail."""
        assert self.detail is not None
        title = self.query_one("#asset-title", Static)
        s = self.detail.summary
        a = s.asset
        where = "/".join(x for x in (a.location.site, a.location.room, a.location.rack,
                                     a.location.unit) if x)
        ident = " ".join(x for x in (a.vendor, a.model, a.serial) if x)
        line = Text.assemble(
            render.status_text(s.worst_status),
            render.safe_text(f"  {a.asset_id} ({a.kind.value})  {ident}  {where}  agent"
                             f" {s.agent_id} {'up' if s.agent_up else 'DOWN'}"))
        if line != self._title:  # the title may wrap (auto height): lay out only on change
            self._title = line
            title.update(line)
        self.fill()

    def watch_mode(self, old: str, new: str) -> None:
        if old != new:
            self.query_one(DataTable).clear(columns=True)
            self._rows = []
        self.fill()

    def action_show(self, mode: str) -> None:
        self.mode = mode

    def action_range(self, span: str) -> None:
        self.span = span

    def watch_span(self) -> None:
        if self.history_sensor:
            self.run_worker(self.load_history(self.history_sensor), group="history",
                            exclusive=True)

    def fill(self) -> None:
        """Show readings, components or events of the loaded detail in the one table; a poll
        that changed only some cells updates those cells (no clear, no layout pass)."""
        mode = self.mode  # first read of a reactive runs its watcher: do it before the check
        table = self.query_one(DataTable)
        if not table.columns:
            for label in COLUMNS[mode]:
                table.add_column(label, key=label.lower())
        if self.detail is None:
            return
        rows = self._table_rows()
        keys = [k for k, _ in rows]
        if keys == [k for k, _ in self._rows] and table.row_count == len(rows):
            columns = [c.key for c in table.ordered_columns]
            for (key, cells), (_, old) in zip(rows, self._rows, strict=True):
                for column, cell, before in zip(columns, cells, old, strict=True):
                    if cell != before or cell.style != before.style:
                        table.update_cell(key, column, cell)
            self._rows = rows
            return
        self._rows = rows
        cursor = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if 0 <= cursor < table.row_count:
            table.move_cursor(row=cursor)

    def _table_rows(self) -> list[tuple[str, tuple[Text, ...]]]:
        assert self.detail is not None
        now = self.hs_app.now_ms()
        if self.mode == "readings":
            return [(r.sensor_id, (_t(r.name or r.sensor_id, 32), _t(render.value_text(r)),
                                   render.status_text(r.status),
                                   _t(render.age_text(r.time_unix_ms, now)), _t(r.reason, 200)))
                    for r in render.worst_first(self.detail.latest)]
        if self.mode == "components":
            return [(c.component_id, (_t(c.type), _t(c.model or c.description, 40), _t(c.serial),
                                      _t(c.part_number), _t(c.firmware)))
                    for c in self.detail.components]
        return [(f"{i}:{e.source_id}", (_t(render.age_text(e.time_unix_ms, now)),
                                        render.status_text(e.severity), _t(e.type), _t(e.sensor),
                                        _t(e.description, 200)))
                for i, e in enumerate(self.detail.events)]

    def reading(self, sensor_id: str) -> model.Reading | None:
        if self.detail is None:
            return None
        return next((r for r in self.detail.latest if r.sensor_id == sensor_id), None)

    async def load_history(self, sensor_id: str) -> None:
        window = history.Window.ending(self.hs_app.now_ms(), self.span)
        try:
            points = await self.hs_app.client.history(self.asset_id, sensor_id, window.from_ms,
                                                      window.to_ms, history.MAX_POINTS)
        except ClientError as exc:
            points, error = [], str(exc)
        else:
            error = ""
        if not self.alive:
            return
        label = self.query_one("#history-label", Static)
        if error:
            label.update(Text(f"history of {render.safe_text(sensor_id, 40)}: {error}"),
                         layout=False)
            return
        self.history_points = points
        reading = self.reading(sensor_id)
        mine = [a for a in self.alerts if a.sensor_id == sensor_id]
        lines = history.thresholds(reading, mine)
        self.query_one(HistoryPlot).show(points, window, reading.unit if reading else "", lines,
                                         [a.fired_ms or a.started_ms for a in mine])
        values = [p.value for p in points if p.value is not None]
        text = f"{render.safe_text(sensor_id, 40)}, last {self.span} (keys 1-4: 1h 24h 7d 30d)"
        if values:
            text += f": min {min(values):g} max {max(values):g} last {values[-1]:g}"
        if lines:
            text += "; lines: " + ", ".join(f"{t.name} {t.value:g}" for t in lines)
        if mine:
            text += f"; {len(mine)} alert(s) marked"
        label.update(Text(text), layout=False)  # one fixed line: repaint only

    @on(DataTable.RowHighlighted, "#readings")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.mode == "readings" and event.row_key.value and event.row_key.value != self.history_sensor:
            self.history_sensor = str(event.row_key.value)
            self.run_worker(self.load_history(self.history_sensor), group="history",
                            exclusive=True)

    def action_reload(self) -> None:
        self.run_worker(self.load(), group="reload", exclusive=True)
