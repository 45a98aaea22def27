"""Read side of the controller: fleet summaries, asset detail, history, liveness changes."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Iterable

from controller import fleet
from controller.hub import FleetHub
from controller.store import Database, Store
from hotspare import model


def _now_ms() -> int:
    return int(time.time() * 1000)


class Queries:
    """Reads through its own connection and thread, so queries never wait on ingest commits."""

    def __init__(self, db: Database, hub: FleetHub) -> None:
        self._db = db
        self.hub = hub
        self._agent_up: dict[str, bool] = {}
        self.forget_hooks: list[Callable[[str], None]] = []  # run in the same unit of work

    @staticmethod
    def _summaries_sync(store: Store, asset_ids: Iterable[str] | None
                        ) -> list[model.AssetSummary]:
        assets = store.fleet.assets()
        if asset_ids is not None:
            wanted = set(asset_ids)
            assets = [a for a in assets if a[0].asset_id in wanted]
            latest = store.fleet.latest_readings([a[0].asset_id for a in assets])
        else:
            latest = store.fleet.latest_readings()
        levels = store.alerts.worst_alert_levels()
        return [dataclasses.replace(s, alert_level=levels.get(s.asset.asset_id, 0))
                for s in fleet.summarize(assets, store.fleet.agents(), latest, _now_ms())]

    async def forget(self, asset_id: str) -> dict[str, int]:
        """Remove a decommissioned asset and what is stored about it (rows removed per table)."""

        def unit(store: Store) -> dict[str, int]:
            counts = store.fleet.forget_asset(asset_id)
            for hook in self.forget_hooks:
                hook(asset_id)
            return counts

        counts = await self._db.write(unit)
        self.hub.publish({asset_id})
        return counts

    async def summaries(self, asset_ids: Iterable[str] | None = None) -> list[model.AssetSummary]:
        return await self._db.read(lambda store: self._summaries_sync(store, asset_ids))

    @staticmethod
    def _page_sync(store: Store, after: str, limit: int
                   ) -> tuple[list[model.AssetSummary], str, int]:
        assets, total = store.fleet.asset_page(after, limit + 1)
        more = len(assets) > limit
        assets = assets[:limit]
        latest = store.fleet.latest_readings([a.asset_id for a, _ in assets])
        levels = store.alerts.worst_alert_levels()
        page = [dataclasses.replace(s, alert_level=levels.get(s.asset.asset_id, 0))
                for s in fleet.summarize(assets, store.fleet.agents(), latest, _now_ms())]
        return page, page[-1].asset.asset_id if more and page else "", total

    async def gaps(self, asset_id: str, from_ms: int, to_ms: int) -> list[model.Gap]:
        """Readings the asset's agent dropped unsent, overlapping the range."""
        return await self._db.read(lambda store: store.fleet.gaps(asset_id, from_ms, to_ms))

    async def page(self, after: str, limit: int) -> tuple[list[model.AssetSummary], str, int]:
        """Summaries of up to `limit` assets after `after` in id order, the next token, the total."""
        return await self._db.read(lambda store: self._page_sync(store, after, limit))

    @staticmethod
    def _detail_sync(store: Store, asset_id: str) -> model.AssetDetail | None:
        found = store.fleet.asset(asset_id)
        if found is None:
            return None
        _, agent_id = found
        agents = store.fleet.agents()
        agent = next((a for a in agents if a.agent_id == agent_id), None)
        now = _now_ms()
        up = fleet.agent_up(agent, now)
        latest = store.fleet.latest_readings([asset_id])
        summary = fleet.summarize([found], agents, latest, now)[0]
        summary = dataclasses.replace(
            summary, alert_level=store.alerts.worst_alert_levels().get(asset_id, 0))
        shown = tuple(fleet.effective_reading(r, agent, up, now) for r in latest)
        return model.AssetDetail(
            summary=summary,
            latest=shown,
            components=tuple(store.fleet.components(asset_id)),
            events=tuple(store.fleet.events(asset_id)),
        )

    async def detail(self, asset_id: str) -> model.AssetDetail | None:
        return await self._db.read(lambda store: self._detail_sync(store, asset_id))

    async def history(
        self, asset_id: str, sensor_id: str, from_ms: int, to_ms: int, max_points: int
    ) -> list[model.HistoryPoint]:
        return await self._db.fleet.history(asset_id, sensor_id, from_ms, to_ms, max_points)

    def _liveness_changes_sync(self, store: Store) -> set[str]:
        now = _now_ms()
        changed_agents = set()
        for agent in store.fleet.agents():
            up = fleet.agent_up(agent, now)
            if self._agent_up.get(agent.agent_id) != up:
                changed_agents.add(agent.agent_id)
                self._agent_up[agent.agent_id] = up
        if not changed_agents:
            return set()
        return {a.asset_id for a, agent_id in store.fleet.assets() if agent_id in changed_agents}

    async def watch_liveness(self, period_seconds: float = 1.0) -> None:
        """Publish the assets of agents that went up or down (and so turned unknown)."""
        while True:
            changed = await self._db.read(self._liveness_changes_sync)
            self.hub.publish(changed)
            await asyncio.sleep(period_seconds)
