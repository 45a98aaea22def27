"""The `?` screen: every mark the tables draw and every key of every screen, from their bindings."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.marks import legend


def _keys(bindings: list[BindingType]) -> list[tuple[str, str]]:
    out = []
    for b in bindings:
        if isinstance(b, Binding) and b.description:
            out.append((b.key_display or b.key, b.description))
    return out


def key_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """(screen, [(key, what it does)]) read from the screens' own BINDINGS, so it never drifts."""
    from tui.app import HotSpareApp
    from tui.screens.alerts import AlertsScreen
    from tui.screens.asset import AssetScreen
    from tui.screens.fleet import FleetScreen
    from tui.widgets.fleet_table import FleetTable

    screens: list[tuple[str, type[Screen[None]]]] = [
        ("Fleet", FleetScreen), ("Asset", AssetScreen), ("Alerts", AlertsScreen)]
    palette = ("ctrl+p", "Command palette: go to an asset, go to alerts")
    sections = [("Everywhere", [*_keys(HotSpareApp.BINDINGS), palette])]
    for name, screen in screens:
        keys = _keys(screen.BINDINGS)
        if screen is FleetScreen:
            keys = _keys(FleetTable.BINDINGS) + keys + [("Esc", "Clear the search")]
        sections.append((name, keys))
    return sections


class HelpScreen(ModalScreen[None]):
    """Marks and keys; Escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%;
                                  border: round $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        marks = Table.grid(padding=(0, 2))
        marks.add_column(no_wrap=True)
        marks.add_column()
        for mark, meaning in legend():
            marks.add_row(mark, meaning)
        keys = Table.grid(padding=(0, 2))
        keys.add_column(no_wrap=True, style="bold")
        keys.add_column()
        for section, rows in key_sections():
            keys.add_row(Text(section, style="underline"), "")
            for key, what in rows:
                keys.add_row(key, what)
        with VerticalScroll():
            yield Static(Text("Marks", style="bold underline"))
            yield Static(marks)
            yield Static(Text("\nKeys", style="bold underline"))
            yield Static(keys)
            yield Static(Text("\nEscape closes this screen.", style="italic"))
