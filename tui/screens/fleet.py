"""Fleet overview: every asset with a status colour, paged in, then live from WatchFleet."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static

from hotspare import model, render
from hotspare.client import ClientError
from tui.fleet_index import FleetIndex
from tui.marks import INSECURE_MARK, level_text
from tui.widgets.fleet_table import Cells, FleetTable

if TYPE_CHECKING:
    from tui.app import HotSpareApp

# (key, label, width): fixed widths so long names never push the reason off screen.
COLUMNS = [("asset", "Asset", 22), ("kind", "Kind", 7), ("status", "Status", 8),
           ("alert", "Lvl", 3), ("reason", "Reason", 34), ("seen", "Seen", 5),
           ("headline", "Headline", 30)]
FIRST_PAGE = 200  # enough rows for a tall terminal, so the first screen comes fast
PAGE = 2_500
MAX_PAGES = 1_000  # bounds the paging loop (2.5 million assets)
SEARCH_DEBOUNCE_SECONDS = 0.05
AGE_TICK_SECONDS = 2.0
PREFETCH_FRESH_SECONDS = 5.0  # a prefetched asset detail shown on Enter, then refreshed
_STATUS = {status: render.status_text(status) for status in model.Status}


class FleetScreen(Screen[None]):
    """The fleet table: pages in the fleet, applies pushed changes row by row, keeps the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("escape", "clear_search", "Clear", show=False),
        Binding("p", "worst_first", "Problems first"),
        Binding("A", "alerts", "Alerts"),
        Binding("F", "failover", "Failover"),
        Binding("S", "app.spares", "Spares"),
    ]

    stale: reactive[bool] = reactive(False, init=False)
    worst_first: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.index = FleetIndex()
        self.loaded = False  # the whole fleet has been paged in at least once
        self.total = 0
        self.connected = False
        self._message = "connecting..."
        self._stale_since = ""
        self._status_text = ""
        self._watch_serial = 0
        self._watched_at: dict[str, int] = {}
        self._search_timer: Timer | None = None
        self._prefetched: tuple[str, model.AssetDetail, float] | None = None
        self.applied_updates = 0  # pushed updates applied (for tests and the benchmark)

    @property
    def summaries(self) -> dict[str, model.AssetSummary]:
        return self.index.summaries

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="search: id, kind, status, site, rack...", id="filter")
        yield Static(self._message, id="connection")
        table = FleetTable(id="fleet")
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Footer()

    @property
    def hs_app(self) -> HotSpareApp:
        return self.app  # type: ignore[return-value]

    @property
    def table(self) -> FleetTable:
        return self.query_one(FleetTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.set_interval(AGE_TICK_SECONDS, self._tick_ages)
        self.watch_fleet()

    # --- the live feed ---------------------------------------------------------------------

    @work(exclusive=True, group="watch")
    async def watch_fleet(self) -> None:
        """Follow WatchFleet; reconnect with a bounded backoff when the controller goes away."""
        backoff = 0.5
        while True:
            try:
                async for snapshot, summaries in self.hs_app.client.watch_fleet(skip_snapshot=True):
                    backoff = 0.5
                    if snapshot:
                        self.connected, self.stale = True, False
                        if summaries:  # a controller that sent the whole fleet anyway
                            self.apply_page(summaries, self._watch_serial)
                            self._finish_load({s.asset.asset_id for s in summaries})
                        else:
                            self.load_pages()
                    else:
                        self.apply_changes(summaries)
            except ClientError as exc:
                self._lost(str(exc))
            else:
                self._lost("the controller ended the stream")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    @work(exclusive=True, group="pages")
    async def load_pages(self) -> None:
        """Page in the fleet in id order: a small first page for the first screen, then big ones.

        The next page is asked for before this one is applied, so the controller reads it while
        the table takes this one in (two cores, two processes).
        """
        client = self.hs_app.client

        def ask(token: str, size: int) -> tuple[int, asyncio.Future[
                tuple[list[model.AssetSummary], str, int]]]:
            return self._watch_serial, asyncio.ensure_future(client.list_assets_page(size, token))

        asked_at, pending = ask("", FIRST_PAGE)
        seen: set[str] = set()
        try:
            for _ in range(MAX_PAGES):
                page, token, self.total = await pending
                following = ask(token, PAGE) if token else None
                seen.update(s.asset.asset_id for s in page)
                self.apply_page(page, asked_at)
                if following is None:
                    self._finish_load(seen)
                    return
                asked_at, pending = following
        except ClientError as exc:
            self._lost(str(exc))
        finally:
            pending.cancel()

    def apply_page(self, page: list[model.AssetSummary], asked_at: int) -> None:
        """Apply a page, except assets a pushed change updated after the page was asked for."""
        fresh = [s for s in page if self._watched_at.get(s.asset.asset_id, -2) <= asked_at]
        self._sync(self.index.upsert(fresh))

    def _finish_load(self, seen: set[str]) -> None:
        """A complete pass: assets the controller no longer lists leave the table."""
        gone = set(self.index.summaries) - seen
        self.index.remove(gone)
        self.loaded = True
        self._sync(set(), force=bool(gone))
        self.table.forget(gone)

    def apply_changes(self, summaries: list[model.AssetSummary]) -> None:
        """Apply one pushed update whole, in one go (no await), so no half-applied table is drawn."""
        self._watch_serial += 1
        for s in summaries:
            self._watched_at[s.asset.asset_id] = self._watch_serial
        self._sync(self.index.upsert(summaries))
        self.applied_updates += 1

    def _lost(self, message: str) -> None:
        if not self.stale:
            self._stale_since = time.strftime("%H:%M:%S",
                                              time.localtime(self.hs_app.now_ms() / 1000))
        self.connected, self.stale = False, True
        self._message = message
        self._show_status()

    def watch_stale(self, stale: bool) -> None:
        self.table.set_class(stale, "stale")
        self.query_one("#connection", Static).set_class(stale, "down")
        self._show_status()

    # --- drawing ---------------------------------------------------------------------------

    def cells(self, asset_id: str) -> Cells:
        s = self.index.summaries[asset_id]
        mark = f" {INSECURE_MARK}" if "insecure_transport" in s.asset.flags else ""
        name = render.safe_text(asset_id, COLUMNS[0][2] - len(mark)) + mark
        return (Text(name), Text(s.asset.kind.value), _STATUS[s.worst_status],
                level_text(s.alert_level),
                Text(render.safe_text(s.worst_reason, 200), overflow="ellipsis", no_wrap=True),
                self._age(s), Text(render.safe_text(render.headline_text(s), 60)))

    def _age(self, s: model.AssetSummary) -> Text:
        return Text(render.age_text(s.last_seen_unix_ms, self.hs_app.now_ms()))

    def _sync(self, changed: set[str], force: bool = False) -> None:
        if changed or force:
            self.table.show(self.index.visible(), self.cells, changed)
        self._show_status()

    def _tick_ages(self) -> None:
        table = self.table
        summaries = self.index.summaries
        table.rerender_column("seen", lambda k: self._age(summaries[k]),
                              table.rows_in_view(margin=table.size.height))

    def _show_status(self) -> None:
        shown, total = self.table.row_count, len(self.index)
        count = f"{shown} of {total} assets" if shown != total else f"{total} assets"
        if not self.loaded and self.total:
            count += f" (loading {total}/{self.total})"
        order = "problems first" if self.worst_first else "by asset"
        if self.stale:
            text = f"disconnected: {render.safe_text(self._message, 120)}  (retrying)"
            if total:
                text = f"STALE since {self._stale_since}, last known state of {count}; " + text
        elif self.connected:
            text = f"live: {self.hs_app.controller_address}  {count}, {order}"
        else:
            text = self._message
        if text != self._status_text:  # fixed height: repaint only, no layout pass
            self._status_text = text
            self.query_one("#connection", Static).update(Text(text), layout=False)

    # --- keys ------------------------------------------------------------------------------

    def action_search(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("visible")
        field.focus()

    def action_clear_search(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.remove_class("visible")
        self._apply_search()
        self.table.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE_SECONDS, self._apply_search)

    def _apply_search(self) -> None:
        self._search_timer = None
        query = self.query_one("#filter", Input).value
        if query.lower().split() != self.index.query.split():
            self.index.set_query(query)
            self._sync(set(), force=True)
            self._tick_ages()  # rows shown again carry the ages they had when hidden

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._apply_search()
        self.table.focus()

    def action_worst_first(self) -> None:
        self.worst_first = not self.worst_first

    def watch_worst_first(self, worst_first: bool) -> None:
        self.index.set_mode("problems" if worst_first else "asset")
        self._sync(set(), force=True)

    @on(FleetTable.RowSelected, "#fleet")
    def _open_row(self, event: FleetTable.RowSelected) -> None:
        if event.row_key.value:
            asset_id = str(event.row_key.value)
            ready = self._prefetched
            fresh = (ready is not None and ready[0] == asset_id
                     and time.monotonic() - ready[2] < PREFETCH_FRESH_SECONDS)
            self.hs_app.open_asset(asset_id, ready[1] if ready and fresh else None)

    @on(FleetTable.RowHighlighted, "#fleet")
    def _highlighted(self, event: FleetTable.RowHighlighted) -> None:
        if event.row_key.value and not self.stale:
            self.prefetch(str(event.row_key.value))

    @work(exclusive=True, group="prefetch")
    async def prefetch(self, asset_id: str) -> None:
        """Fetch the detail of the row under the cursor, so Enter shows it at once."""
        try:
            detail = await self.hs_app.client.get_asset(asset_id)
        except ClientError:
            return
        self._prefetched = (asset_id, detail, time.monotonic())

    def action_alerts(self) -> None:
        self.hs_app.open_alerts()

    def action_failover(self) -> None:
        from tui.screens.failover import FailoverScreen

        self.app.push_screen(FailoverScreen())
