"""Failover: hot-standby groups with their verdict and reasons; Enter opens a group's members."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from hotspare.client import ClientError
from hotspare.render import safe_text, status_text
from hotspare.standby import GroupReadiness, MemberState, Verdict

if TYPE_CHECKING:
    from tui.app import HotSpareApp

# Colours that survive a 16-colour terminal: named ANSI colours only.
VERDICT_STYLE = {
    Verdict.READY: "bold green",
    Verdict.DEGRADED: "bold yellow",
    Verdict.UNKNOWN: "bold magenta",
    Verdict.NOT_READY: "bold white on red",
}


def verdict_text(v: Verdict) -> Text:
    return Text(v.value.upper().replace("_", " "), style=VERDICT_STYLE[v])


def _age(ms: int) -> str:
    return "-" if ms < 0 else f"{ms / 1000:.0f}s" if ms < 600_000 else f"{ms / 60_000:.0f}m"


def reasons_text(g: GroupReadiness) -> str:
    """The codes, most severe first, so the important part survives truncation at 80 columns."""
    ordered = sorted(g.reasons, key=lambda r: -r.verdict.rank)
    return ", ".join(safe_text(f"{r.code}({r.member})" if r.member else r.code)
                     for r in ordered) or "-"


class FailoverScreen(Screen[None]):
    """Every group, live from WatchGroups."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("enter", "open", "Open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[str, GroupReadiness] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("connecting...", id="failover-status")
        table: DataTable[object] = DataTable(id="groups", cursor_type="row", zebra_stripes=True)
        for key, label in (("group", "Group"), ("verdict", "Verdict"), ("active", "Active"),
                           ("reasons", "Reasons")):
            table.add_column(label, key=key)
        yield table
        yield Footer()

    @property
    def hs_app(self) -> HotSpareApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.watch_groups()

    @work(exclusive=True, group="watch-groups")
    async def watch_groups(self) -> None:
        backoff = 0.5
        status = self.query_one("#failover-status", Static)
        while True:
            try:
                async for snapshot, groups in self.hs_app.client.failover.watch():
                    backoff = 0.5
                    if snapshot:
                        self.groups = {g.name: g for g in groups}
                    else:
                        self.groups.update({g.name: g for g in groups})
                    ready = sum(g.verdict is Verdict.READY for g in self.groups.values())
                    status.update(f"{len(self.groups)} groups, {ready} ready"
                                  if self.groups else "no standby groups configured")
                    status.remove_class("down")
                    self.refresh_table()
            except ClientError as exc:
                status.update(f"disconnected: {exc}  (retrying; last known state shown)")
                status.add_class("down")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    def refresh_table(self) -> None:
        table = self.query_one(DataTable)
        keys = {str(k.value) for k in table.rows}
        for name in sorted(self.groups):
            g = self.groups[name]
            cells = (safe_text(g.name), verdict_text(g.verdict),
                     safe_text(", ".join(g.active) or "none"), reasons_text(g))
            if name in keys:
                for (col, _), value in zip((("group", 0), ("verdict", 1), ("active", 2),
                                            ("reasons", 3)), cells, strict=True):
                    table.update_cell(name, col, value)
            else:
                table.add_row(*cells, key=name)
        for gone in keys - set(self.groups):
            table.remove_row(gone)

    @on(DataTable.RowSelected, "#groups")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.open_group(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key:
                self.open_group(str(key))

    def open_group(self, name: str) -> None:
        self.app.push_screen(GroupScreen(name, self))


class GroupScreen(Screen[None]):
    """One group: members side by side, every reason with its evidence age."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, name: str, source: FailoverScreen) -> None:
        super().__init__()
        self.group_name = name
        self.source = source

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="group-title")
        table: DataTable[object] = DataTable(id="members", cursor_type="none")
        yield table
        with VerticalScroll(id="group-reasons-box"):
            yield Static("", id="group-reasons")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(0.5, self.refresh_group)
        self.refresh_group()

    def refresh_group(self) -> None:
        g = self.source.groups.get(self.group_name)
        if g is None:
            self.query_one("#group-title", Static).update(f"{self.group_name}: no data yet")
            return
        title = Text.assemble(safe_text(g.name), "  ", verdict_text(g.verdict),
                              f"  epoch {g.epoch}")
        self.query_one("#group-title", Static).update(title)
        table = self.query_one("#members", DataTable)
        table.clear(columns=True)
        table.add_column("", key="field")
        for m in g.members:
            table.add_column(safe_text(m.asset_id)[:24], key=m.asset_id)
        for label, get in _member_rows(g):
            table.add_row(label, *(get(m) for m in g.members))
        lines = [f"[{r.verdict.value}] {r.code}: {safe_text(r.message)}"
                 + (f" ({_age(r.age_ms)} old)" if r.age_ms >= 0 else "")
                 for r in sorted(g.reasons, key=lambda r: -r.verdict.rank)]
        lines += [f"note {r.code}: {safe_text(r.message)}" for r in g.notes]
        drill = "never" if g.last_drill_unix_ms <= 0 else \
            f"{(g.checked_unix_ms - g.last_drill_unix_ms) / 86_400_000:.1f} days ago"
        lines.append(f"last successful drill: {drill}")
        self.query_one("#group-reasons", Static).update(Text("\n".join(lines)))


def _member_rows(g: GroupReadiness) -> list[tuple[str, Callable[[MemberState], object]]]:
    def role(m: MemberState) -> Text:
        style = "bold green" if m.role.value == "active" else "cyan" if m.role.value == "standby" \
            else "magenta"
        return Text(m.role.value + ("*" if m.intended_active else ""), style=style)

    def health(m: MemberState) -> Text:
        return status_text(m.health)

    rows: list[tuple[str, Callable[[MemberState], object]]] = [
        ("role (*intended)", role),
        ("health", health),
        ("agent", lambda m: "up" if m.agent_up else Text("down", style="bold red")),
        ("lag", lambda m: "-" if m.lag_seconds is None else f"{m.lag_seconds:g}s"),
        ("lag age", lambda m: _age(m.lag_age_ms)),
        ("heartbeat", lambda m: _age(m.heartbeat_age_ms)),
        ("BMC", lambda m: f"{m.bmc_state} {m.bmc_power or '?'}"),
    ]
    def digest_of(name: str) -> Callable[[MemberState], object]:
        return lambda m: (m.config_digests.get(name) or "?").split(":")[-1][:10]

    rows += [(safe_text(name)[:16], digest_of(name))
             for name in sorted({k for m in g.members for k in m.config_digests})]
    return rows
