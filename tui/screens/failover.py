"""Failover: hot-standby groups with their verdict and reasons; Enter opens a group's members."""

from __future__ import annotations

import asyncio
import getpass
import time
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
from hotspare.standby import (
    Drill,
    GroupReadiness,
    MemberState,
    Reason,
    Role,
    Switchover,
    SwitchoverState,
    Verdict,
)
from tui.dialogs.switchover import ConfirmSwitchoverDialog

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
    """One group: members side by side, every reason with its evidence age; guarded switchover,
    failover and drill with live progress; past drills."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "switchover('planned')", "Switchover"),
        Binding("f", "switchover('failover')", "Failover"),
        Binding("d", "switchover('drill')", "Drill"),
        Binding("h", "toggle_drills", "Drills"),
    ]

    def __init__(self, name: str, source: FailoverScreen) -> None:
        super().__init__()
        self.group_name = name
        self.source = source
        self.busy = False  # a switchover or drill started from this screen is running

    @property
    def hs_app(self) -> HotSpareApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="group-title")
        table: DataTable[object] = DataTable(id="members", cursor_type="none")
        yield table
        with VerticalScroll(id="group-progress-box"):
            yield Static("", id="group-progress")
        with VerticalScroll(id="group-drills-box"):
            yield Static("", id="group-drills")
        with VerticalScroll(id="group-reasons-box"):
            yield Static("", id="group-reasons")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#group-progress-box").display = False
        self.query_one("#group-drills-box").display = False
        self.query_one("#group-progress-box").border_title = "progress"
        self.query_one("#group-drills-box").border_title = "drills (h hides)"
        self.set_interval(0.5, self.refresh_group)
        self.refresh_group()

    # -- switchover, failover, drill --------------------------------------------------------

    def action_switchover(self, mode: str) -> None:
        if self.busy:
            self.notify("An operation on this group is already running.", severity="warning")
            return
        g = self.source.groups.get(self.group_name)
        active = standby = ""
        if g is not None:
            active = next((m.asset_id for m in g.members if m.role is Role.ACTIVE), "")
            standby = next((m.asset_id for m in g.members
                            if m.role is Role.STANDBY and m.asset_id != active), "")

        def confirmed(reason: str | None) -> None:
            if reason is None:
                self.notify("Cancelled; nothing was sent.")
                return
            self.busy = True
            self.show_progress(Text(f"{mode}: requesting...", style="bold"))
            if mode == "drill":
                self.run_drill(reason)
            else:
                self.run_switchover(mode, reason)

        self.app.push_screen(ConfirmSwitchoverDialog(self.group_name, mode, active, standby),
                             confirmed)

    def show_progress(self, text: Text) -> None:
        box = self.query_one("#group-progress-box", VerticalScroll)
        box.display = True
        self.query_one("#group-progress", Static).update(text)
        # the newest step and the final state are at the end: keep them in view at 80x24
        self.call_after_refresh(box.scroll_end, animate=False)

    @work(exclusive=True, group="switchover")
    async def run_switchover(self, mode: str, reason: str) -> None:
        last: Switchover | None = None
        try:
            async for sw, dry_run, preflight in self.hs_app.client.failover.switchover(
                    self.group_name, mode, getpass.getuser(), reason):
                last = sw
                self.show_progress(switchover_text(sw, dry_run, preflight))
            if last is None:
                self.show_progress(Text("no answer from the controller", style="bold red"))
        except ClientError as exc:
            text = switchover_text(last, False, ()) if last is not None else Text()
            text.append(f"\nerror: {safe_text(str(exc))}", style="bold red")
            self.show_progress(text)
        finally:
            self.busy = False

    @work(exclusive=True, group="switchover")
    async def run_drill(self, reason: str) -> None:
        last: Drill | None = None
        try:
            async for drill in self.hs_app.client.failover.run_drill(
                    self.group_name, getpass.getuser(), reason):
                last = drill
                self.show_progress(drill_text(drill))
            if last is None:
                self.show_progress(Text("no answer from the controller", style="bold red"))
        except ClientError as exc:
            text = drill_text(last) if last is not None else Text()
            text.append(f"\nerror: {safe_text(str(exc))}", style="bold red")
            self.show_progress(text)
        finally:
            self.busy = False
        if self.query_one("#group-drills-box").display:
            self.load_drills()

    # -- past drills ------------------------------------------------------------------------

    def action_toggle_drills(self) -> None:
        box = self.query_one("#group-drills-box")
        box.display = not box.display
        if box.display:
            self.query_one("#group-drills", Static).update("loading drills...")
            self.load_drills()

    @work(exclusive=True, group="drills")
    async def load_drills(self) -> None:
        out = self.query_one("#group-drills", Static)
        try:
            drills = await self.hs_app.client.failover.drills(self.group_name)
        except ClientError as exc:
            out.update(Text(f"error: {safe_text(str(exc))}", style="bold red"))
            return
        out.update(drills_text(drills))

    # -- the group itself -------------------------------------------------------------------

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


# -- progress and drills as text (pure functions, so they are testable without an app) ---------

STEP_STYLE = {"done": "green", "failed": "bold red", "started": "bold yellow",
              "skipped": "dim", "planned": "cyan"}
FINAL_STYLE = {SwitchoverState.DONE: "bold green", SwitchoverState.RUNNING: "bold yellow",
               SwitchoverState.REFUSED: "bold white on red", SwitchoverState.BLOCKED:
               "bold white on red", SwitchoverState.FAILED: "bold white on red"}


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.2f}s"


def switchover_text(sw: Switchover, dry_run: bool, preflight: tuple[Reason, ...],
                    now_ms: int | None = None) -> Text:
    """Every step: name, state, duration, detail; then the final state with its reasons."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    head = (f"{sw.mode.value} {safe_text(sw.from_member) or '?'} -> "
            f"{safe_text(sw.to_member) or '?'}  epoch {sw.epoch}"
            + ("  (dry run)" if dry_run else "") + ("  FORCED" if sw.forced else ""))
    text = Text(head, style="bold")
    for st in sw.steps:
        took = _seconds(st.finished_ms - st.started_ms) if st.finished_ms else \
            (_seconds(now - st.started_ms) + "..." if st.started_ms else "-")
        text.append(f"\n{safe_text(st.step)[:18]:<18} ")
        text.append(f"{safe_text(st.state)[:8]:<8}", style=STEP_STYLE.get(st.state, ""))
        text.append(f" {took:>9}  {safe_text(st.detail)}")
    state = sw.state
    text.append("\n")
    text.append(f" {state.value.upper()} ", style=FINAL_STYLE.get(state, "bold"))
    if sw.outcome_reason:
        text.append(f" {safe_text(sw.outcome_reason)}")
    if state is SwitchoverState.DONE and sw.finished_ms and sw.requested_ms:
        text.append(f" in {_seconds(sw.finished_ms - sw.requested_ms)}")
    if state is SwitchoverState.REFUSED:
        for r in sorted(preflight, key=lambda r: -r.verdict.rank):
            text.append(f"\n  [{r.verdict.value}] {safe_text(r.code)}: {safe_text(r.message)}")
    if state is SwitchoverState.BLOCKED:
        text.append("\n  fencing not confirmed: nothing was promoted; a human may confirm with "
                    f"hotspare failover confirm-fenced {safe_text(sw.group)} --reason ...")
    return text


def drill_text(d: Drill) -> Text:
    style = {"succeeded": "bold green", "failed": "bold white on red"}.get(d.outcome,
                                                                          "bold yellow")
    text = Text(f"drill {safe_text(d.drill_id)[:12]}: ", style="bold")
    text.append(f" {d.outcome.upper()} ", style=style)
    if d.finished_ms:
        text.append(f" in {d.total_seconds:.2f}s")
    for i, sw in enumerate(d.switchovers, 1):
        text.append(f"\n-- leg {i}/2: ")
        text.append_text(switchover_text(sw, False, ()))
    return text


def drills_text(drills: list[Drill]) -> Text:
    if not drills:
        return Text("no drills yet")
    text = Text(f"{'started (UTC)':<17} {'outcome':<10} {'total':>8}  by", style="bold")
    for d in drills:
        started = time.strftime("%Y-%m-%d %H:%M", time.gmtime(d.started_ms / 1000))
        style = "green" if d.outcome == "succeeded" else "red" if d.outcome == "failed" \
            else "yellow"
        text.append(f"\n{started:<17} ")
        text.append(f"{safe_text(d.outcome)[:10]:<10}", style=style)
        text.append(f" {d.total_seconds:>7.2f}s  {safe_text(d.requested_by)[:20]}")
    return text
