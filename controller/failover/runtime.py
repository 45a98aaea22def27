"""Keeps every group's readiness current: on each relevant commit and on time alone; alerts and pushes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable

from controller import fleet
from controller.failover.config import StandbyGroup
from controller.failover.readiness import Evidence, SparesCheck, evaluate
from controller.store import Database, Store
from hotspare import model
from hotspare.standby import GroupReadiness, Verdict

log = logging.getLogger("hotspare.controller.failover")
K, S = model.ReadingKind, model.Status
READINESS_SENSOR = "failover:readiness"
GROUP_ASSET_PREFIX = "group:"
SPLIT_CODES = frozenset({"two_actives", "no_active"})


def _now_ms() -> int:
    return int(time.time() * 1000)


def readiness_reading(r: GroupReadiness, interval_seconds: float) -> model.Reading:
    """The group's verdict as a reading: ok when ready, critical for two or no actives."""
    codes = {x.code for x in r.reasons}
    if r.verdict is Verdict.READY:
        status = S.OK
    elif codes & SPLIT_CODES:
        status = S.CRITICAL
    else:
        status = S.WARNING
    reason = "; ".join(x.message for x in r.reasons)[:900]
    return model.Reading(
        f"{GROUP_ASSET_PREFIX}{r.name}", READINESS_SENSOR, K.READINESS,
        float(r.verdict.rank), "", status, reason or r.verdict.value, r.checked_unix_ms,
        name=f"readiness of {r.name}",
        labels={"verdict": r.verdict.value, "interval_seconds": f"{interval_seconds:g}",
                "codes": ",".join(sorted(codes))})


def gather(store: Store, asset_ids: Iterable[str], now_ms: int) -> dict[str, Evidence]:
    """Evidence for the given assets from one consistent read."""
    wanted = sorted(set(asset_ids))
    agents = {a.agent_id: a for a in store.fleet.agents()}
    owners = {a.asset_id: agent_id for a, agent_id in store.fleet.assets() if a.asset_id in
              set(wanted)}
    latest: dict[str, list[model.Reading]] = {}
    for r in store.fleet.latest_readings([a for a in wanted if a in owners]):
        latest.setdefault(r.asset_id, []).append(r)
    out = {}
    for asset_id in wanted:
        agent = agents.get(owners.get(asset_id, ""))
        out[asset_id] = Evidence(
            asset_id, known=asset_id in owners, agent_up=fleet.agent_up(agent, now_ms),
            agent_interval_seconds=agent.interval_seconds if agent else None,
            readings=tuple(latest.get(asset_id, ())))
    return out


class ReadinessRuntime:
    """Recomputes readiness on relevant commits and every tick; remembers the last verdicts."""

    def __init__(self, groups: Iterable[StandbyGroup], db: Database,
                 alert_feed: Callable[[list[model.Reading]], object] | None = None,
                 tick_seconds: float = 1.0, spares: SparesCheck | None = None) -> None:
        self.groups = {g.name: g for g in groups}
        self._db = db
        self._feed = alert_feed
        self._tick = tick_seconds
        self.spares = spares
        self.current: dict[str, GroupReadiness] = {}
        self._by_asset: dict[str, set[str]] = {}
        for g in self.groups.values():
            for asset in (*g.members, *g.fencing.values()):
                self._by_asset.setdefault(asset, set()).add(g.name)
        self._dirty: set[str] = set(self.groups)
        self._wake = asyncio.Event()
        self._watchers: list[asyncio.Queue[list[GroupReadiness]]] = []
        self._task: asyncio.Task[None] | None = None
        self.evaluations_total = 0

    # ---- inputs -----------------------------------------------------------------------
    def on_committed(self, changed_assets: Iterable[str]) -> None:
        """Called after each ingest commit: groups of changed members or BMCs are recomputed."""
        for asset in changed_assets:
            names = self._by_asset.get(asset)
            if names:
                self._dirty.update(names)
        if self._dirty:
            self._wake.set()

    def subscribe(self) -> asyncio.Queue[list[GroupReadiness]]:
        queue: asyncio.Queue[list[GroupReadiness]] = asyncio.Queue(maxsize=100)
        self._watchers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[list[GroupReadiness]]) -> None:
        with contextlib.suppress(ValueError):
            self._watchers.remove(queue)

    # ---- work -------------------------------------------------------------------------
    async def refresh(self, names: Iterable[str] | None = None) -> list[GroupReadiness]:
        """Recompute the given groups (all by default); returns those whose readiness changed."""
        groups = [self.groups[n] for n in (names if names is not None else self.groups)
                  if n in self.groups]
        if not groups:
            return []
        now = _now_ms()
        assets = {a for g in groups for a in (*g.members, *g.fencing.values())}

        def read(store: Store) -> tuple[dict[str, Evidence], dict[str, tuple[int, str]],
                                        dict[str, int]]:
            return (gather(store, assets, now), store.failover.group_epochs(),
                    store.failover.last_successful_drills())

        evidence, epochs, drills = await self._db.read(read)
        changed = []
        readings = []
        for g in groups:
            r = evaluate(g, evidence, now, epoch=epochs.get(g.name, (0, ""))[0],
                         last_drill_unix_ms=drills.get(g.name, 0), spares=self.spares)
            self.evaluations_total += 1
            before = self.current.get(g.name)
            self.current[g.name] = r
            readings.append(readiness_reading(r, self._tick))
            if before is None or _signature(before) != _signature(r):
                changed.append(r)
                if before is not None and before.verdict is not r.verdict:
                    log.info("group %s: %s -> %s (%s)", g.name, before.verdict.value,
                             r.verdict.value, ", ".join(x.code for x in r.reasons) or "no reasons")
        if self._feed is not None and readings:
            result = self._feed(readings)
            if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
                await result
        if changed:
            for queue in list(self._watchers):
                if queue.full():  # a stuck watcher loses old updates, never blocks the rest
                    with contextlib.suppress(asyncio.QueueEmpty):
                        queue.get_nowait()
                queue.put_nowait(changed)
        return changed

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="readiness")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_full = loop.time()
        while True:
            timeout = max(0.0, next_full - loop.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            full = loop.time() >= next_full
            names = None if full else set(self._dirty)
            self._dirty.clear()
            if full:
                next_full = loop.time() + self._tick
            try:
                await self.refresh(names)
            except Exception as exc:  # a failed evaluation is logged and retried next tick
                log.error("readiness evaluation failed: %s", exc)
            await asyncio.sleep(0.05)  # coalesce commit bursts


def _signature(r: GroupReadiness) -> tuple[object, ...]:
    """What a watcher needs to be told about (ages alone change every tick and are not news)."""
    return (r.verdict, tuple((x.code, x.member, x.value) for x in r.reasons), r.epoch,
            r.last_drill_unix_ms,
            tuple((m.asset_id, m.role, m.health, m.agent_up, m.bmc_state, m.bmc_power,
                   m.lag_seconds, tuple(sorted(m.config_digests.items()))) for m in r.members))
