"""What the TUI's screens need from a controller client; hotspare.client.ControllerClient has it all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from hotspare import model
from hotspare.failover_client import FailoverCalls
from hotspare.maintenance import Matcher, Silence
from hotspare.spares_client import SparesClient


class TuiClient(Protocol):
    """The controller calls the screens make; snapshot tests pass a fake with fixed data."""

    address: str
    failover: FailoverCalls
    spares: SparesClient

    def watch_fleet(
        self, skip_snapshot: bool = False
    ) -> AsyncIterator[tuple[bool, list[model.AssetSummary]]]: ...

    async def list_assets_page(
        self, page_size: int, page_token: str = ""
    ) -> tuple[list[model.AssetSummary], str, int]: ...

    async def get_asset(self, asset_id: str) -> model.AssetDetail: ...

    async def history(
        self, asset_id: str, sensor_id: str, from_ms: int = 0, to_ms: int = 0,
        max_points: int = 200,
    ) -> list[model.HistoryPoint]: ...

    async def list_alerts(self, state: str = "", level: int = 0) -> list[model.AlertView]: ...

    async def ack_alert(self, alert_id: str, who: str, comment: str) -> model.AlertView: ...

    async def add_silence(self, matcher: Matcher, author: str, reason: str,
                          expires_ms: int) -> Silence: ...

    async def list_silences(self, include_expired: bool = False) -> list[Silence]: ...

    async def close(self) -> None: ...
