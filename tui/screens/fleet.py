"""Fleet overview: every asset with a status colour, live from WatchFleet, with search."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.widgets.data_table import RowDoesNotExist

from hotspare import model, render
from hotspare.client import ClientError
from tui.screens.alerts import level_text

if TYPE_CHECKING:
    from tui.app import HotSpareApp

COLUMNS = [("asset", "Asset"), ("kind", "Kind"), ("status", "Status"), ("alert", "Alert"),
           ("seen", "Seen"), ("headline", "Headline"), ("reason", "Reason")]


class FleetScreen(Screen[None]):
    """The fleet table, kept up to date by a worker reading the controller's push stream."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search"),
        Binding("escape", "clear_search", "Clear", show=False),
        Binding("p", "worst_first", "Problems first"),
        Binding("A", "alerts", "Alerts"),
        Binding("F", "failover", "Failover"),
        Binding("S", "app.spares", "Spares"),
        Binding("enter", "open", "Open", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: dict[str, model.AssetSummary] = {}
        self.query_text = ""
        self.worst_first = False
        self.connected = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="search: id, kind, status, site, rack...", id="filter")
        yield Static("connecting...", id="connection")
        table: DataTable[object] = DataTable(id="fleet", cursor_type="row", zebra_stripes=True)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.watch_fleet()

    @property
    def hs_app(self) -> HotSpareApp:
        return self.app  # type: ignore[return-value]

    @work(exclusive=True, group="watch")
    async def watch_fleet(self) -> None:
        """Follow WatchFleet; reconnect with a bounded backoff when the controller goes away."""
        backoff = 0.5
        while True:
            try:
                async for snapshot, summaries in self.hs_app.client.watch_fleet():
                    self._set_connected(True)
                    backoff = 0.5
                    if snapshot:
                        self.summaries = {s.asset.asset_id: s for s in summaries}
                    else:
                        self.summaries.update({s.asset.asset_id: s for s in summaries})
                    self.refresh_table()
            except ClientError as exc:
                self._set_connected(False, str(exc))
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    def _set_connected(self, up: bool, message: str = "") -> None:
        label = self.query_one("#connection", Static)
        self.connected = up
        if up:
            label.update(f"live: {self.hs_app.controller_address}  {len(self.summaries)} assets")
            label.remove_class("down")
        else:
            label.update(f"disconnected: {message}  (retrying)")
            label.add_class("down")

    def visible_summaries(self) -> list[model.AssetSummary]:
        rows = [s for s in self.summaries.values() if render.matches(s, self.query_text)]
        if self.worst_first:
            rows.sort(key=lambda s: (s.alert_level or 9, -int(s.worst_status), s.asset.asset_id))
        else:
            rows.sort(key=lambda s: s.asset.asset_id)
        return rows

    def refresh_table(self) -> None:
        table = self.query_one(DataTable)
        selected = None
        if table.row_count and table.cursor_row >= 0:
            selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        for s in self.visible_summaries():
            flags = " !" if "insecure_transport" in s.asset.flags else ""
            table.add_row(
                s.asset.asset_id + flags,
                s.asset.kind.value,
                render.status_text(s.worst_status),
                level_text(s.alert_level),
                render.age_text(s.last_seen_unix_ms),
                render.headline_text(s),
                s.worst_reason,
                key=s.asset.asset_id,
            )
        if selected is not None and selected in self.summaries:
            with contextlib.suppress(RowDoesNotExist):  # the row may be filtered out now
                table.move_cursor(row=table.get_row_index(selected))
        if self.connected:
            self._set_connected(True)

    def action_search(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("visible")
        field.focus()

    def action_clear_search(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.remove_class("visible")
        self.query_text = ""
        self.refresh_table()
        self.query_one(DataTable).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.refresh_table()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_worst_first(self) -> None:
        self.worst_first = not self.worst_first
        self.refresh_table()

    @on(DataTable.RowSelected, "#fleet")
    def _open_row(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.open_asset(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key:
                self.open_asset(str(key))

    def action_alerts(self) -> None:
        from tui.screens.alerts import AlertsScreen

        self.app.push_screen(AlertsScreen())

    def action_failover(self) -> None:
        from tui.screens.failover import FailoverScreen

        self.app.push_screen(FailoverScreen())

    def open_asset(self, asset_id: str) -> None:
        from tui.screens.asset import AssetScreen

        self.app.push_screen(AssetScreen(asset_id))
