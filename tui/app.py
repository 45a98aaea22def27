"""The HotSpare Textual app: bindings, screens and the connection to the controller."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from hotspare.client import DEFAULT_CONTROLLER, ControllerClient
from tui.screens.fleet import FleetScreen


class HotSpareApp(App[None]):
    """Fleet overview first; Enter drills into an asset."""

    TITLE = "HotSpare"
    CSS_PATH = "hotspare.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, controller: str = DEFAULT_CONTROLLER) -> None:
        super().__init__()
        self.controller_address = controller
        self.sub_title = controller
        self._client: ControllerClient | None = None

    @property
    def client(self) -> ControllerClient:
        """The gRPC client, created lazily on the app's own event loop."""
        if self._client is None:
            self._client = ControllerClient(self.controller_address)
        return self._client

    def on_mount(self) -> None:
        self.push_screen(FleetScreen())

    def action_spares(self) -> None:
        from tui.screens.spares import SparesScreen

        self.push_screen(SparesScreen())

    async def on_unmount(self) -> None:
        if self._client is not None:
            await self._client.close()
