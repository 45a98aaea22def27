"""Runs spares in the controller: reservations follow component verdicts after each ingest."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from controller.spares.config import SparesConfig
from controller.spares.plan import PartLife, catalogue, part_key, plan, spare_for
from controller.spares.readiness import SpareGap, spares_for
from controller.spares.verdicts import component_verdicts, is_verdict_reading
from controller.store import ComponentRecord, Database, IngestResult, Store
from hotspare import model
from hotspare.spares import CatalogueEntry, ReportLine, SparesReport

log = logging.getLogger("hotspare.controller.spares")
REFRESH_SECONDS = 30.0


def _now_ms() -> int:
    return int(time.time() * 1000)


def apply(store: Store, readings: Sequence[model.Reading],
          replaced: Sequence[ComponentRecord], now_ms: int) -> int:
    """One unit of work: replacements consume their reservations, then verdicts (re)reserve."""
    with store.spares.transaction():
        changed = len(store.spares.consume(replaced, now_ms))
        assets = sorted({r.asset_id for r in readings})
        if not assets:
            return changed
        slots: dict[str, set[str]] = {}
        for asset_id in assets:
            slots[asset_id] = {c.component_id for c in store.fleet.components(asset_id)}
        verdicts = component_verdicts(readings, slots)
        compat = spare_for(store.spares.stock())

        def spare_of(c: model.Component) -> str:
            key = part_key(c)
            return compat.get(key, key)

        changed += len(store.spares.follow_verdicts(verdicts, spare_of, now_ms))
    return changed


def _lives(store: Store, now_ms: int) -> list[PartLife]:
    return [PartLife(c, st, first, removed if removed else now_ms, bool(removed), verdict)
            for c, st, first, _last, removed, verdict in store.spares.part_lives()]


def build_catalogue(store: Store, now_ms: int) -> list[CatalogueEntry]:
    return catalogue(store.spares.stock(), _lives(store, now_ms))


def build_report(store: Store, now_ms: int, site: str = "",
                 config: SparesConfig | None = None) -> list[ReportLine]:
    """Every input read on one connection, then the pure plan."""
    lives = _lives(store, now_ms)
    slots: dict[str, set[str]] = {}
    for life in lives:
        if not life.removed:
            slots.setdefault(life.component.asset_id, set()).add(life.component.component_id)
    verdicts = component_verdicts(store.spares.verdict_readings(), slots)
    return plan(store.spares.stock(), lives, verdicts, now_ms, site,
                store.spares.reserved_counts(), (config or SparesConfig()).classes)


class SparesRuntime:
    """Queues what ingest committed; one task turns it into reservations on the writer."""

    def __init__(self, db: Database, config: SparesConfig | None = None) -> None:
        self._db = db
        self.config = config or SparesConfig()
        self._readings: dict[tuple[str, str], model.Reading] = {}
        self._replaced: list[ComponentRecord] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lines: list[ReportLine] | None = None
        self._planned_at = 0.0  # monotonic seconds of the last plan
        self.reservation_changes_total = 0

    def load(self, store: Store) -> None:
        """At start-up: finish consumptions a crash interrupted, re-follow the latest verdicts."""
        now = _now_ms()
        apply(store, store.spares.verdict_readings(), store.spares.open_reservations_replaced(),
              now)
        self._lines = build_report(store, now, config=self.config)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="spares")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def on_committed(self, result: IngestResult) -> None:
        """Called after each ingest commit (on the event loop); coalesces per sensor."""
        for r in result.stored_readings:
            if is_verdict_reading(r):
                self._readings[(r.asset_id, r.sensor_id)] = r
        self._replaced.extend(result.replaced_components)
        if self._readings or self._replaced:
            self._wake.set()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), REFRESH_SECONDS)
            self._wake.clear()
            await self._step(list(self._readings.values()), self._replaced)

    async def _step(self, readings: list[model.Reading], replaced: list[ComponentRecord]
                    ) -> None:
        self._readings, self._replaced = {}, []
        try:
            changed = 0
            if readings or replaced:
                changed = await self._db.write(lambda s: apply(s, readings, replaced, _now_ms()))
                self.reservation_changes_total += changed
            # the plan behind the readiness hook: after a change, else every REFRESH_SECONDS
            if changed or time.monotonic() - self._planned_at >= REFRESH_SECONDS:
                self._lines = await self._db.read(
                    lambda s: build_report(s, _now_ms(), config=self.config))
                self._planned_at = time.monotonic()
        except Exception as exc:  # the next commit or refresh tries again
            log.error("spares update failed: %s", exc)

    async def report(self, site: str = "") -> SparesReport:
        now = _now_ms()
        lines = await self._db.read(lambda s: build_report(s, now, site, self.config))
        return SparesReport(now, site, tuple(lines))

    async def catalogue(self) -> list[CatalogueEntry]:
        return await self._db.read(lambda s: build_catalogue(s, _now_ms()))

    def stock_changed(self) -> None:
        """Stock moved (CLI, import): re-plan soon, so the readiness hook sees it."""
        self._planned_at = 0.0
        self._wake.set()

    def check(self, asset_id: str) -> list[SpareGap] | None:
        """The readiness hook: gaps for the asset's critical parts; None before the first plan."""
        if self._lines is None:
            return None
        return spares_for(asset_id, self._lines)
