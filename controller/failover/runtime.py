"""Keeps every group's readiness current: on each relevant commit and on time alone; alerts and pushes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from controller import fleet
from controller.failover.config import StandbyGroup
from controller.failover.readiness import Evidence, SparesCheck, evaluate, next_change_ms
from controller.store import AgentRow, Database, IngestResult, Store
from hotspare import model
from hotspare.standby import GroupReadiness, Reason, Verdict

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


class ReadinessRuntime:
    """Keeps members' and BMCs' latest readings in memory (fed by ingest commits) and re-evaluates
    a group when its evidence changes or when some of it is due to age out; never polls SQL per
    reading."""

    OWNERS_REFRESH_SECONDS = 30.0

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
        self._latest: dict[str, dict[str, model.Reading]] = {a: {} for a in self._by_asset}
        self._owners: dict[str, str] = {}
        self._bmc_ok: dict[str, int] = {}  # asset -> last time its BMC answered
        self._owners_read_at = -1e9
        self._loaded = False
        self._due: dict[str, int] = {}  # group -> when its verdict may change by time alone
        self._dirty: set[str] = set(self.groups)
        self._wake = asyncio.Event()
        self._watchers: list[asyncio.Queue[list[GroupReadiness]]] = []
        self._task: asyncio.Task[None] | None = None
        self.evaluations_total = 0
        # called after every evaluation (the automatic failover policy)
        self.observers: list[Callable[[GroupReadiness, Callable[[str, str],
                                                                  model.Reading | None]], None]] = []

    # ---- inputs -----------------------------------------------------------------------
    def on_committed(self, result: IngestResult) -> None:
        """After each ingest commit: remember watched readings, mark their groups for re-evaluation."""
        for r in result.stored_readings:
            if r.sensor_id == "ipmi:reachability" and r.status is S.OK:
                self._bmc_ok[r.asset_id] = max(self._bmc_ok.get(r.asset_id, 0), r.time_unix_ms)
            sensors = self._latest.get(r.asset_id)
            if sensors is not None:
                prev = sensors.get(r.sensor_id)
                if prev is None or prev.time_unix_ms <= r.time_unix_ms:
                    sensors[r.sensor_id] = r
        for asset in result.changed_assets:
            names = self._by_asset.get(asset)
            if names:
                self._dirty.update(names)
                if asset not in self._owners:
                    self._owners_read_at = -1e9  # a new asset: learn which agent reports it
        if self._dirty:
            self._wake.set()

    def latest(self, asset_id: str, sensor_id: str) -> model.Reading | None:
        """The newest committed reading of a watched member's sensor (switchover verification)."""
        return self._latest.get(asset_id, {}).get(sensor_id)

    def subscribe(self) -> asyncio.Queue[list[GroupReadiness]]:
        queue: asyncio.Queue[list[GroupReadiness]] = asyncio.Queue(maxsize=100)
        self._watchers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[list[GroupReadiness]]) -> None:
        with contextlib.suppress(ValueError):
            self._watchers.remove(queue)

    # ---- work -------------------------------------------------------------------------
    async def _read_state(self) -> tuple[dict[str, AgentRow], dict[str, tuple[int, str]],
                                         dict[str, int]]:
        """Agents, epochs and drills (small tables); owners and the first readings when due."""
        loop = asyncio.get_running_loop()
        refresh_owners = loop.time() - self._owners_read_at >= self.OWNERS_REFRESH_SECONDS
        load = not self._loaded
        watched = list(self._latest)

        def read(store: Store) -> tuple[Any, ...]:
            owners = store.fleet.owners(watched) if refresh_owners or load else None
            latest = store.fleet.latest_readings(
                [a for a in watched if a in (owners or {})]) if load else []
            return (owners, latest, store.fleet.agents(), store.failover.group_epochs(),
                    store.failover.last_successful_drills())

        owners, latest, agents, epochs, drills = await self._db.read(read)
        if owners is not None:
            self._owners = owners
            self._owners_read_at = loop.time()
        if load:
            for r in latest:
                self._latest[r.asset_id].setdefault(r.sensor_id, r)
            self._loaded = True
        return {a.agent_id: a for a in agents}, epochs, drills

    def _evidence(self, assets: Iterable[str], agents: dict[str, AgentRow], now_ms: int
                  ) -> dict[str, Evidence]:
        out = {}
        for asset in assets:
            agent = agents.get(self._owners.get(asset, ""))
            sensors = self._latest.get(asset, {})
            out[asset] = Evidence(
                asset, known=asset in self._owners, agent_up=fleet.agent_up(agent, now_ms),
                agent_interval_seconds=agent.interval_seconds if agent else None,
                readings=tuple(sensors.values()), bmc_last_ok_ms=self._bmc_ok.get(asset, 0))
        return out

    async def refresh(self, names: Iterable[str] | None = None) -> list[GroupReadiness]:
        """Recompute the given groups (all by default); returns those whose readiness changed."""
        groups = [self.groups[n] for n in (names if names is not None else self.groups)
                  if n in self.groups]
        if not groups:
            return []
        agents, epochs, drills = await self._read_state()
        now = _now_ms()
        changed = []
        readings = []
        for g in groups:
            evidence = self._evidence((*g.members, *g.fencing.values()), agents, now)
            epoch, last_active = epochs.get(g.name, (0, ""))
            r = evaluate(g, evidence, now, epoch=epoch, last_drill_unix_ms=drills.get(g.name, 0),
                         spares=self.spares, last_active=last_active)
            self._due[g.name] = min(next_change_ms(g, evidence, now),
                                    _agent_deadline(g, self._owners, agents, now))
            self.evaluations_total += 1
            before = self.current.get(g.name)
            self.current[g.name] = r
            for observe in self.observers:
                observe(r, self.latest)
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

    def _due_now(self, now_ms: int) -> set[str]:
        return {name for name, due in self._due.items() if due <= now_ms}

    async def _run(self) -> None:
        """Evaluate dirty groups (commits) and due groups (time alone); a full pass each minute."""
        loop = asyncio.get_running_loop()
        next_full = loop.time()
        while True:
            soonest = min(self._due.values(), default=None)
            wait = self._tick if soonest is None else min(
                self._tick, max(0.0, (soonest - _now_ms()) / 1000))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
            self._wake.clear()
            if loop.time() >= next_full:
                names: set[str] | None = None
                next_full = loop.time() + 60.0
                self._dirty.clear()
            else:
                names = self._dirty | self._due_now(_now_ms())
                self._dirty.clear()
            try:
                if names is None or names:
                    await self.refresh(names)
            except Exception as exc:  # a failed evaluation is logged and retried next tick
                log.error("readiness evaluation failed: %s", exc)
            await asyncio.sleep(0.05)  # coalesce commit bursts


def _agent_deadline(g: StandbyGroup, owners: dict[str, str], agents: dict[str, AgentRow],
                    now_ms: int) -> int:
    """When an agent of the group's assets would count as down if it stays silent."""
    soonest = now_ms + 60_000
    for asset in (*g.members, *g.fencing.values()):
        agent = agents.get(owners.get(asset, ""))
        if agent is not None:
            limit = fleet.LIVENESS_INTERVALS * max(agent.interval_seconds, 0.1) * 1000
            deadline = int(agent.last_seen_ms + limit) + 1
            if now_ms < deadline < soonest:
                soonest = deadline
    return soonest


def _signature(r: GroupReadiness) -> tuple[object, ...]:
    """What a watcher needs to be told about (ages alone change every tick and are not news)."""
    return (r.verdict, tuple((x.code, x.member, x.value) for x in r.reasons), r.epoch,
            r.last_drill_unix_ms,
            tuple((m.asset_id, m.role, m.health, m.agent_up, m.bmc_state, m.bmc_power,
                   m.lag_seconds, tuple(sorted(m.config_digests.items()))) for m in r.members))


def spares_readiness(check: Callable[[str], Sequence[Any] | None]) -> SparesCheck:
    """The spares hook as readiness reasons: a standby's critical part with no spare at its site
    degrades the group (a switchover still works; a second failure could not be repaired)."""

    def reasons(asset_id: str) -> list[Reason] | None:
        gaps = check(asset_id)
        if gaps is None:
            return None
        return [Reason(g.code, Verdict.DEGRADED, g.message, g.member, g.value, g.limit)
                for g in gaps]

    return reasons
