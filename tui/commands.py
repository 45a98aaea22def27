"""Command palette providers: go to an asset (from the fleet already loaded), go to alerts."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.app import HotSpareApp

MAX_ASSET_HITS = 20


class GoToCommands(Provider):
    """'go to alerts' and 'go to asset ID' for every asset the fleet screen knows."""

    @property
    def hs_app(self) -> HotSpareApp:
        return self.app  # type: ignore[return-value]

    def _asset_ids(self) -> list[str]:
        from tui.screens.fleet import FleetScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, FleetScreen):
                return [k for _, k in screen.index.ordered()]
        return []

    async def discover(self) -> Hits:
        yield DiscoveryHit("Go to alerts", self.hs_app.open_alerts, help="Open alerts by level")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        score = matcher.match("Go to alerts")
        if score > 0:
            yield Hit(score, matcher.highlight("Go to alerts"), self.hs_app.open_alerts,
                      help="Open alerts by level")
        # Substring first (cheap over 10,000 ids), fuzzy score on the few that pass.
        needle = query.lower().removeprefix("go to").removeprefix(" asset").strip()
        hits = 0
        for asset_id in self._asset_ids():
            if hits >= MAX_ASSET_HITS:
                break
            if needle and needle not in asset_id.lower():
                continue
            text = f"Go to asset {asset_id}"
            score = matcher.match(text)
            if score > 0:
                hits += 1
                yield Hit(score, matcher.highlight(text), partial(self.hs_app.open_asset, asset_id),
                          help="Open the asset's readings and history")
