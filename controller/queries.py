"""Read side of the controller: fleet summaries, asset detail, history, liveness changes."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterable

from controller import fleet
from controller.hub import FleetHub
from controller.store import Store
from hotspare import model
from hotspare.threads import SerialWorker


def _now_ms() -> int:
    return int(time.time() * 1000)


class Queries:
    """Reads through its own connection and thread, so queries never wait on ingest commits."""

    def __init__(self, store: Store, worker: SerialWorker, hub: FleetHub) -> None:
        self._store = store
        self._worker = worker
        self.hub = hub
        self._agent_up: dict[str, bool] = {}

    def _summaries_sync(self, asset_ids: Iterable[str] | None) -> list[model.AssetSummary]:
        assets = self._store.assets()
        if asset_ids is not None:
            wanted = set(asset_ids)
            assets = [a for a in assets if a[0].asset_id in wanted]
            latest = self._store.latest_readings([a[0].asset_id for a in assets])
        else:
            latest = self._store.latest_readings()
        levels = self._store.worst_alert_levels()
        return [dataclasses.replace(s, alert_level=levels.get(s.asset.asset_id, 0))
                for s in fleet.summarize(assets, self._store.agents(), latest, _now_ms())]

    async def summaries(self, asset_ids: Iterable[str] | None = None) -> list[model.AssetSummary]:
        return await self._worker.run(self._summaries_sync, asset_ids)

    def _page_sync(self, after: str, limit: int) -> tuple[list[model.AssetSummary], str, int]:
        assets, total = self._store.asset_page(after, limit + 1)
        more = len(assets) > limit
        assets = assets[:limit]
        latest = self._store.latest_readings([a.asset_id for a, _ in assets])
        levels = self._store.worst_alert_levels()
        page = [dataclasses.replace(s, alert_level=levels.get(s.asset.asset_id, 0))
                for s in fleet.summarize(assets, self._store.agents(), latest, _now_ms())]
        return page, page[-1].asset.asset_id if more and page else "", total

    async def page(self, after: str, limit: int) -> tuple[list[model.AssetSummary], str, int]:
        """Summaries of up to `limit` assets after `after` in id order, the next token, the total."""
        return await self._worker.run(self._page_sync, after, limit)

    def _detail_sync(self, asset_id: str) -> model.AssetDetail | None:
        found = self._store.asset(asset_id)
        if found is None:
            return None
        _, agent_id = found
        agents = self._store.agents()
        agent = next((a for a in agents if a.agent_id == agent_id), None)
        now = _now_ms()
        up = fleet.agent_up(agent, now)
        latest = self._store.latest_readings([asset_id])
        summary = fleet.summarize([found], agents, latest, now)[0]
        summary = dataclasses.replace(
            summary, alert_level=self._store.worst_alert_levels().get(asset_id, 0))
        shown = tuple(fleet.effective_reading(r, agent, up, now) for r in latest)
        return model.AssetDetail(
            summary=summary,
            latest=shown,
            components=tuple(self._store.components(asset_id)),
            events=tuple(self._store.events(asset_id)),
        )

    async def detail(self, asset_id: str) -> model.AssetDetail | None:
        return await self._worker.run(self._detail_sync, asset_id)

    async def history(
        self, asset_id: str, sensor_id: str, from_ms: int, to_ms: int, max_points: int
    ) -> list[model.HistoryPoint]:
        return await self._worker.run(
            self._store.history, asset_id, sensor_id, from_ms, to_ms, max_points
        )

    def _liveness_changes_sync(self) -> set[str]:
        now = _now_ms()
        changed_agents = set()
        for agent in self._store.agents():
            up = fleet.agent_up(agent, now)
            if self._agent_up.get(agent.agent_id) != up:
                changed_agents.add(agent.agent_id)
                self._agent_up[agent.agent_id] = up
        if not changed_agents:
            return set()
        return {a.asset_id for a, agent_id in self._store.assets() if agent_id in changed_agents}

    async def watch_liveness(self, period_seconds: float = 1.0) -> None:
        """Publish the assets of agents that went up or down (and so turned unknown)."""
        while True:
            changed = await self._worker.run(self._liveness_changes_sync)
            self.hub.publish(changed)
            await asyncio.sleep(period_seconds)
