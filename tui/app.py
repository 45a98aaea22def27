"""The HotSpare Textual app: bindings, screens, command palette and the connection to the controller."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from hotspare import model
from hotspare.client import DEFAULT_CONTROLLER, ControllerClient
from tui.client_api import TuiClient
from tui.commands import GoToCommands
from tui.screens.fleet import FleetScreen


class HotSpareApp(App[None]):
    """Fleet overview first; Enter drills into an asset; `?` explains every key and mark."""

    TITLE = "HotSpare"
    CSS_PATH = "hotspare.tcss"
    COMMANDS = App.COMMANDS | {GoToCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, controller: str = DEFAULT_CONTROLLER, client: TuiClient | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.controller_address = controller
        self.sub_title = client.address if client is not None else controller
        self.clock = clock
        self._client: TuiClient | None = client

    @property
    def client(self) -> TuiClient:
        """The controller client, created lazily on the app's own event loop."""
        if self._client is None:
            self._client = ControllerClient(self.controller_address)
        return self._client

    def now_ms(self) -> int:
        """Wall time for display (ages, plot axes); injectable for snapshot tests."""
        return int(self.clock() * 1000)

    def on_mount(self) -> None:
        self.push_screen(FleetScreen())

    def action_spares(self) -> None:
        from tui.screens.spares import SparesScreen

        self.push_screen(SparesScreen())

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_asset(self, asset_id: str, detail: model.AssetDetail | None = None) -> None:
        from tui.screens.asset import AssetScreen

        self.push_screen(AssetScreen(asset_id, detail))

    def open_alerts(self) -> None:
        from tui.screens.alerts import AlertsScreen

        if not isinstance(self.screen, AlertsScreen):
            self.push_screen(AlertsScreen())

    async def on_unmount(self) -> None:
        if self._client is not None:
            await self._client.close()
