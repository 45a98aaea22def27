"""The `ipmi` collector: one worker process and session per BMC under the per-device poll contract."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.collectors import CollectorContext
from agent.collectors.ipmi import readings as conv
from agent.collectors.ipmi.bmc import BmcError, PollData
from agent.collectors.ipmi.config import BmcTarget, IpmiConfig, parse_config
from agent.collectors.ipmi.handle import MAX_CONCURRENT_STARTS, BmcHandle, BmcWorker
from agent.polling import CycleSummary, DevicePoller, DeviceTrack, Due, Overrun, device_health
from hotspare import model

log = logging.getLogger("hotspare.agent.ipmi")
K, S = model.ReadingKind, model.Status
COLD_POLL_LIMIT_SECONDS = 30.0  # a first poll's hard limit (pyghmi gives up on silence ~5 s)
__all__ = ["BmcTarget", "IpmiCollector", "IpmiConfig", "build", "fru_components", "parse_config"]


@dataclass
class _Bmc:
    """What the collector keeps per BMC between polls (poll state lives in `track`)."""

    target: BmcTarget
    worker: BmcWorker
    track: DeviceTrack
    sensors: list[str] = field(default_factory=list)
    sel_cursor: int = 0
    last_fru: float = float("-inf")
    asset: model.Asset | None = None
    handle: BmcHandle | None = None  # for actions, with a worker process of its own


class IpmiCollector:
    """Polls every BMC concurrently, each in its own process: one BMC never stalls another."""

    name = "ipmi"
    persist_sel = True  # the probe command reads without moving the agent's SEL cursor

    def __init__(self, config: IpmiConfig, context: CollectorContext) -> None:
        self.config = config
        self.context = context
        self._starts: asyncio.Semaphore | None = None  # created on the running loop
        self._bmcs = {t.asset.asset_id: _Bmc(t, self._worker(t, "poll"), DeviceTrack(t.address))
                      for t in config.bmcs}
        self.poller = DevicePoller(config.interval_seconds, (BmcError,), context.monotonic)
        self._state_dir = Path(config.state_dir)
        for bmc in self._bmcs.values():
            bmc.sel_cursor = self._load_cursor(bmc) if config.state_dir else 0

    def _worker(self, t: BmcTarget, role: str) -> BmcWorker:
        return BmcWorker(t.host, t.port, t.user, t.password, t.privilege,
                         f"{t.address} ({role})", self._start_gate)

    def _start_gate(self) -> asyncio.Semaphore:
        if self._starts is None:
            self._starts = asyncio.Semaphore(MAX_CONCURRENT_STARTS)
        return self._starts

    @property
    def cycle_summary(self) -> CycleSummary | None:
        return self.poller.cycle_summary

    # ---- SEL cursor persistence ----------------------------------------------------
    def _cursor_path(self, bmc: _Bmc) -> Path:
        return self._state_dir / f"sel-{bmc.target.host}-{bmc.target.port}.json"

    def _load_cursor(self, bmc: _Bmc) -> int:
        try:
            return int(json.loads(self._cursor_path(bmc).read_text())["last_record_id"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def _save_cursor(self, bmc: _Bmc) -> None:
        if not self.persist_sel:
            return
        path = self._cursor_path(bmc)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"last_record_id": bmc.sel_cursor}))
            tmp.replace(path)
        except OSError as exc:
            log.warning("cannot save SEL cursor %s: %s", path, exc)

    # ---- polling --------------------------------------------------------------------
    async def collect(self) -> model.Batch:
        """Poll every BMC that is due; each emits its own batch when its poll ends."""
        await self.poller.cycle(((b.track, functools.partial(self._poll_and_emit, b))
                                 for b in self._bmcs.values()), self.config.timeout_seconds * 0.95)
        return model.Batch()

    async def _poll_and_emit(self, bmc: _Bmc) -> bool:
        batch, ok = await self.poll(bmc)
        if len(batch):
            self.context.emit(batch)
        return ok

    async def poll(self, bmc: _Bmc) -> tuple[model.Batch, bool]:
        """One BMC: login (once) + sensors + power + SEL (+ FRU when due), within its deadline."""
        due = self.poller.due(bmc.track)
        if due is not Due.POLL:  # still out (counted) or backing off: its readings stay as sent
            return model.Batch(), False
        now = self.context.monotonic()
        fru_due = now - bmc.last_fru >= self.config.fru_interval_seconds
        deadline = min(bmc.target.call_timeout_seconds * 6, self.config.timeout_seconds * 0.9)
        # Past the deadline the BMC is reported unreachable, and the call runs on in its worker
        # (the BMC skipped, counted, meanwhile) up to a limit, then the worker is killed.
        # pyghmi's own recovery of a session to a BMC that went away took 22 s here, a fresh
        # process and login well under one; ipmi_sim's dropped requests make single reads take
        # 0.5-1.3 s now and then, so a warm session gets 3 deadlines. A cold one (login, SDR,
        # thresholds: 1-3 s on a busy host) gets longer: killing it would start the same cold
        # poll again. The worker's start-up is bounded on its own and not charged to the poll.
        limit = 3 * deadline if bmc.worker.warm else max(COLD_POLL_LIMIT_SECONDS, 3 * deadline)
        attempt = await self.poller.attempt(
            bmc.track, lambda: bmc.worker.call("poll", limit, fru_due=fru_due), deadline,
            overrun=Overrun.KEEP, prepare=bmc.worker.start)
        if not attempt.ok or not isinstance(attempt.value, PollData):
            return self._failed(bmc, attempt.kind or "error", attempt.message,
                                attempt.duration_seconds, attempt.changed), False
        result = attempt.value
        if attempt.changed:
            log.info("BMC %s: reachable (cipher suite %d)", bmc.target.address,
                     result.cipher_suite)
        if fru_due and result.fru is not None:
            bmc.last_fru = now
        return self._batch(bmc, result, attempt.duration_seconds), True

    def _failed(self, bmc: _Bmc, kind: str, message: str, seconds: float,
                changed: bool) -> model.Batch:
        now_ms = self.context.wall_clock_ms()
        asset = bmc.target.asset.asset_id
        if changed:
            log.warning("BMC %s: %s: %s", bmc.target.address, kind, message)
        readings = [
            model.Reading(asset, "ipmi:reachability", K.REACHABILITY, 0.0, "", S.CRITICAL,
                          f"{kind}: {message}", now_ms, "BMC reachability",
                          {"bmc": bmc.target.address, "state": kind, **self._interval}),
            self._health(bmc, seconds, now_ms, f"{kind}: {message}"),
            model.Reading(asset, "ipmi:power", K.POWER_STATE, None, "", S.UNKNOWN,
                          f"BMC {kind}", now_ms, "Chassis power", dict(self._interval)),
        ]
        readings += [model.Reading(asset, f"ipmi:{name}", K.OTHER, None, "", S.UNKNOWN,
                                   f"no data: BMC {kind}", now_ms, name)
                     for name in bmc.sensors]
        assets = () if bmc.asset else (self._asset(bmc),)
        return model.Batch(readings=tuple(readings), assets=assets)

    @property
    def _interval(self) -> dict[str, str]:
        """Every BMC reading carries its poll interval (the freshness rule uses it)."""
        return {"interval_seconds": f"{self.config.interval_seconds:g}"}

    def _health(self, bmc: _Bmc, seconds: float, now_ms: int, error: str = "") -> model.Reading:
        return device_health(bmc.target.asset.asset_id, "ipmi:poll", "BMC poll", bmc.track,
                             now_ms, self.config.interval_seconds, seconds, error)

    def _asset(self, bmc: _Bmc, fru: dict[str, Any] | None = None) -> model.Asset:
        asset = bmc.asset or bmc.target.asset
        if fru:
            asset = dataclasses.replace(
                asset,
                vendor=str(fru.get("Manufacturer") or fru.get("Board manufacturer") or
                           asset.vendor),
                model=str(fru.get("Product name") or fru.get("Board product name") or
                          asset.model),
                serial=str(fru.get("Serial Number") or fru.get("Chassis serial number") or
                           fru.get("Board serial number") or asset.serial),
            )
        bmc.asset = asset
        return asset

    def _batch(self, bmc: _Bmc, p: PollData, seconds: float) -> model.Batch:
        now_ms = self.context.wall_clock_ms()
        asset = bmc.target.asset.asset_id
        bmc.sensors = [s.name for s in p.samples]
        interval = self.config.interval_seconds
        readings = [conv.sensor_reading(asset, s, now_ms, interval) for s in p.samples]
        readings.append(model.Reading(
            asset, "ipmi:power", K.POWER_STATE, 1.0 if p.power == "on" else 0.0, "", S.OK,
            p.power, now_ms, "Chassis power", {"state": p.power, **self._interval}))
        readings.append(model.Reading(
            asset, "ipmi:reachability", K.REACHABILITY, 1.0, "", S.OK, "", now_ms,
            "BMC reachability", {"bmc": bmc.target.address, "cipher_suite": str(p.cipher_suite),
                                 **self._interval}))
        readings.append(self._health(bmc, seconds, now_ms))
        events = self._sel_events(bmc, p, now_ms)
        assets: tuple[model.Asset, ...] = ()
        components: tuple[model.Component, ...] = ()
        if p.fru is not None or bmc.asset is None or p.connected_now:
            assets = (self._asset(bmc, p.fru),)
        if p.fru:
            components = fru_components(asset, p.fru)
        if p.fru_error:
            log.warning("BMC %s: FRU: %s", bmc.target.address, p.fru_error)
        return model.Batch(readings=tuple(readings), events=tuple(events), assets=assets,
                           components=components)

    def _sel_events(self, bmc: _Bmc, p: PollData, now_ms: int) -> list[model.Event]:
        asset = bmc.target.asset.asset_id
        ids = [e["record_id"] for e in p.sel if isinstance(e.get("record_id"), int)]
        events: list[model.Event] = []
        if (ids and bmc.sel_cursor and max(ids) < bmc.sel_cursor) or (not ids and bmc.sel_cursor):
            events.append(model.Event(asset, f"sel-cleared:{now_ms}", now_ms, "sel_cleared",
                                      S.WARNING, "", "", "the BMC's SEL was cleared"))
            bmc.sel_cursor = 0
        if p.sel_overflow:
            events.append(model.Event(asset, f"sel-overflow:{now_ms // 3_600_000}", now_ms,
                                      "sel_overflow", S.WARNING, "", "",
                                      "the BMC's SEL is full: new events are being dropped"))
        for entry in p.sel:
            record = entry.get("record_id")
            if isinstance(record, int) and record > bmc.sel_cursor:
                event = conv.sel_event(asset, entry, now_ms)
                if event is not None:
                    events.append(event)
        if ids and max(ids) > bmc.sel_cursor:
            bmc.sel_cursor = max(ids)
            self._save_cursor(bmc)
        elif not ids and events:
            self._save_cursor(bmc)
        return events

    async def close(self) -> None:
        await self.poller.close()
        for bmc in self._bmcs.values():
            await bmc.worker.close()
            if bmc.handle is not None:
                await bmc.handle.close()

    # ---- the BMC handle actions use -------------------------------------------------
    def bmc_handle(self, asset_id: str) -> BmcHandle | None:
        """The BMC of a server this collector polls, for power and fencing actions; None if
        none. Actions get a worker process of their own, so a command never waits on a poll."""
        bmc = self._bmcs.get(asset_id)
        if bmc is None:
            return None
        if bmc.handle is None:
            t = bmc.target
            bmc.handle = BmcHandle(t.address, self._worker(t, "actions"),
                                   t.call_timeout_seconds * 2)
        return bmc.handle


def fru_components(asset_id: str, fru: dict[str, Any]) -> tuple[model.Component, ...]:
    """Chassis, board and product from FRU 0 as inventory components."""
    out = []
    for kind, keys in (
        ("chassis", ("Chassis part number", "Chassis serial number", "Chassis type")),
        ("board", ("Board model", "Board serial number", "Board product name")),
        ("product", ("Model", "Serial Number", "Product name")),
    ):
        part, serial, name = (str(fru.get(k) or "") for k in keys)
        if not (part or serial or name):
            continue
        vendor = str(fru.get("Board manufacturer" if kind == "board" else "Manufacturer") or "")
        out.append(model.Component(
            component_id=f"fru:{kind}", asset_id=asset_id, type=kind, vendor=vendor,
            model=name, part_number=part, serial=serial, fru=True,
            description=f"{kind} from BMC FRU 0",
            labels={"asset_tag": str(fru.get("Asset Number") or "")} if fru.get(
                "Asset Number") else {},
        ))
    return tuple(out)


def build(config: IpmiConfig, context: CollectorContext) -> IpmiCollector:
    return IpmiCollector(config, context)
