"""Spares: parts by urgency, stock against reorder point, reservations, drill-down, report export."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from hotspare import spares_report
from hotspare.client import ClientError
from hotspare.spares import ReportLine, Reservation, SparesReport
from hotspare.threads import run_blocking
from tui.dialogs.prompt import PromptDialog

if TYPE_CHECKING:
    from tui.app import HotSpareApp

REFRESH_SECONDS = 5.0
COLUMNS = ("Part", "Site", "Avail/S", "Order", "Hand", "Rsv", "On ord", "Inst", "AFR", "Lead")


def stock_text(line: ReportLine) -> Text:
    """Available against the reorder point, red when below it."""
    style = "bold white on red" if line.below_reorder_point else "green"
    return Text(f"{line.available}/{line.reorder_point}", style=style)


def detail_text(line: ReportLine, reservations: list[Reservation]) -> str:
    """The assets and serials behind the numbers of one line, and why it says what it says."""
    out = [f"{line.part_number} @ {line.site or '-'}: {line.description or line.part_class}",
           f"why: {line.why}"]
    held = [r for r in reservations if r.part_number == line.part_number and r.site == line.site]
    out += [f"reserved #{r.reservation_id} for {r.asset_id} {r.component_id} serial {r.serial}"
            for r in held]
    out += [f"failing: {p.asset_id} {p.component_id} serial {p.serial}" for p in line.failing]
    out += [f"at-risk: {p.asset_id} {p.component_id} serial {p.serial}"
            f" (p={p.probability:.2f} within lead time)" for p in line.at_risk]
    installed = ", ".join(f"{p.asset_id} {p.component_id} {p.serial}".strip()
                          for p in line.installed_parts[:20])
    more = len(line.installed_parts) - 20
    out.append(f"installed ({line.installed}): {installed or '-'}"
               f"{f' ... and {more} more' if more > 0 else ''}")
    return "\n".join(out)


class SparesScreen(Screen[None]):
    """The procurement view; `e` exports the report, Escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("e", "export", "Export report"),
        Binding("enter", "open_asset", "Open asset"),
        Binding("r", "reload", "Refresh"),
    ]
    DEFAULT_CSS = """
    #spares-status { height: 1; padding: 0 1; }
    #spares-detail { height: auto; max-height: 9; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.report: SparesReport | None = None
        self.reservations: list[Reservation] = []
        self.lines: dict[str, ReportLine] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("loading spares...", id="spares-status")
        table: DataTable[object] = DataTable(id="spares", cursor_type="row", zebra_stripes=True)
        for label in COLUMNS:
            table.add_column(label, key=label.lower())
        yield table
        yield Static("", id="spares-detail")
        yield Footer()

    @property
    def hs_app(self) -> HotSpareApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.poll()

    @work(exclusive=True, group="spares")
    async def poll(self) -> None:
        while True:
            await self.load()
            await asyncio.sleep(REFRESH_SECONDS)

    async def load(self) -> None:
        status = self.query_one("#spares-status", Static)
        try:
            report = await self.hs_app.client.spares.report()
            reservations = await self.hs_app.client.spares.reservations(open_only=True)
        except ClientError as exc:
            status.update(f"spares: {exc}")
            return
        self.report, self.reservations = report, reservations
        below = sum(1 for ln in report.lines if ln.below_reorder_point)
        status.update(f"{below} below reorder point, {len(reservations)} reserved,"
                      f" {len(report.lines)} parts")
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        self.lines = {}
        for ln in report.lines:  # the report's order: below reorder point first
            key = f"{ln.part_number}@{ln.site}"
            self.lines[key] = ln
            table.add_row(ln.part_number, ln.site or "-", stock_text(ln),
                          str(ln.order_quantity or ""), str(ln.on_hand), str(ln.reserved),
                          str(ln.on_order), str(ln.installed), f"{ln.afr_per_year:.1%}",
                          f"{ln.lead_time_days:g}d", key=key)
        if 0 <= cursor < table.row_count:
            table.move_cursor(row=cursor)
        self.show_detail()

    def selected(self) -> ReportLine | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.lines.get(str(key))

    @on(DataTable.RowHighlighted, "#spares")
    def show_detail(self) -> None:
        line = self.selected()
        self.query_one("#spares-detail", Static).update(
            detail_text(line, self.reservations) if line else "no parts reported yet")

    @on(DataTable.RowSelected, "#spares")
    def on_row_selected(self) -> None:
        self.action_open_asset()

    def action_open_asset(self) -> None:
        """Drill down: the asset behind the line's most urgent part (failing, at-risk, any)."""
        line = self.selected()
        if line is None:
            return
        parts = line.failing or line.at_risk or line.installed_parts
        if not parts:
            self.notify(f"no installed part behind {line.part_number} at {line.site or '-'}")
            return
        from tui.screens.asset import AssetScreen

        self.app.push_screen(AssetScreen(parts[0].asset_id))

    def action_export(self) -> None:
        async def done(values: list[str] | None) -> None:
            if not values or self.report is None:
                return
            path, fmt = Path(values[0].strip() or "spares-report.html"), values[1].strip()
            if fmt not in spares_report.FORMATS:
                self.notify(f"format must be one of {', '.join(spares_report.FORMATS)}",
                            severity="error")
                return
            text = spares_report.render(self.report, fmt)
            try:
                await run_blocking(path.write_text, text, encoding="utf-8")
            except OSError as exc:
                self.notify(f"cannot write {path}: {exc.strerror or exc}", severity="error")
                return
            self.notify(f"wrote {path}")

        self.app.push_screen(PromptDialog("Export the procurement report",
                                          [("file", "spares-report.html"), ("format", "html")]),
                             done)

    def action_reload(self) -> None:
        self.run_worker(self.load(), group="reload", exclusive=True)
