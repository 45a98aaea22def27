"""The `ipmi` collector: one worker thread and one session per BMC, deadlines, power commands."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.collectors import CollectorConfig, CollectorContext, parse_common
from agent.collectors.ipmi import readings as conv
from agent.collectors.ipmi.transport import (
    BmcError,
    BmcSession,
    SensorSample,
)
from hotspare import model
from hotspare.secrets import load_secret
from hotspare.threads import SerialWorker
from hotspare.tomlconf import ConfigError, Section, parse_address

log = logging.getLogger("hotspare.agent.ipmi")
K, S = model.ReadingKind, model.Status

# Factory defaults that must never guard a production BMC (user, password).
DEFAULT_CREDENTIALS = {
    ("ADMIN", "ADMIN"), ("root", "calvin"), ("admin", "admin"), ("USERID", "PASSW0RD"),
    ("Administrator", ""), ("root", "root"), ("admin", "password"), ("root", "changeme"),
    ("root", "0penBmc"), ("admin", "cmb9.admin"), ("root", "superuser"), ("ADMIN", "password"),
}
DEFAULT_PASSWORDS = {p for _, p in DEFAULT_CREDENTIALS if p}
MIN_PASSWORD_LENGTH = 10
PRIVILEGES = {"user": 2, "operator": 3, "administrator": 4, "admin": 4}
POWER_POLL_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class BmcTarget:
    """One BMC and the server it belongs to (the password stays out of repr)."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    asset: model.Asset
    privilege: int = 4
    call_timeout_seconds: float = 5.0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class IpmiConfig(CollectorConfig):
    """Settings of the ipmi collector."""

    bmcs: tuple[BmcTarget, ...] = ()
    state_dir: str = ""
    fru_interval_seconds: float = 4 * 3600.0


def _bmc(sec: Section, default_timeout: float) -> BmcTarget:
    address = sec.str("address", required=True)
    try:
        host, port = parse_address(address, default_port=623)
    except ValueError as exc:
        raise sec.error("address", str(exc)) from None
    user = sec.str("user", required=True)
    secrets_file = sec.str("secrets_file", required=True)
    key = sec.str("password_key", required=True)
    try:
        password = load_secret(Path(secrets_file), key)
    except ConfigError as exc:
        raise sec.error("secrets_file", str(exc)) from None
    allow_default = sec.bool("allow_default_password", False)
    if not allow_default and ((user, password) in DEFAULT_CREDENTIALS
                              or password in DEFAULT_PASSWORDS):
        raise sec.error("password_key", "the BMC password is a vendor default; change it on the "
                        "BMC or set allow_default_password = true")
    privilege_text = sec.str("privilege", "administrator").lower()
    if privilege_text not in PRIVILEGES:
        raise sec.error("privilege", "must be user, operator or administrator")
    asset_id = sec.str("asset", required=True)
    asset = model.Asset(
        asset_id=asset_id, kind=model.AssetKind.SERVER, name=sec.str("name", asset_id),
        location=model.Location(site=sec.str("site", ""), room=sec.str("room", ""),
                                rack=sec.str("rack", ""), unit=sec.str("unit", "")),
        parent_id=sec.str("parent", ""), labels={"bmc": f"{host}:{port}"},
    )
    target = BmcTarget(host, port, user, password, asset, PRIVILEGES[privilege_text],
                       sec.float("call_timeout_seconds", default_timeout, minimum=0.1))
    sec.finish()
    if len(password) < MIN_PASSWORD_LENGTH:
        log.warning("BMC %s: password shorter than %d characters", target.address,
                    MIN_PASSWORD_LENGTH)
    return target


def parse_config(section: Section) -> IpmiConfig:
    common = parse_common(section, interval=30.0, timeout=20.0)
    call_timeout = section.float("call_timeout_seconds", 5.0, minimum=0.1)
    bmcs = tuple(_bmc(b, call_timeout) for b in section.tables("bmcs"))
    assets = [b.asset.asset_id for b in bmcs]
    if len(set(assets)) != len(assets):
        raise section.error("bmcs", "two BMCs name the same asset")
    cfg = IpmiConfig(
        bmcs=bmcs,
        state_dir=section.str("state_dir", str(section.doc.path.parent / "hotspare-agent-state")),
        fru_interval_seconds=section.float("fru_interval_seconds", 4 * 3600.0, minimum=1.0),
        **common,
    )
    section.finish()
    return cfg


@dataclass
class _Bmc:
    """What the collector keeps per BMC between polls."""

    target: BmcTarget
    worker: SerialWorker
    session: BmcSession | None = None
    polling: bool = False
    skipped_total: int = 0
    sensors: list[str] = field(default_factory=list)
    sel_cursor: int = 0
    last_fru: float = float("-inf")
    asset: model.Asset | None = None
    state: str = "new"  # new | ok | auth_failed | unreachable | error
    failures: int = 0  # consecutive; a failing BMC is polled less often (its own backoff)
    next_poll: float = float("-inf")


@dataclass
class _Poll:
    samples: list[SensorSample]
    power: str
    sel: list[dict[str, Any]]
    sel_overflow: bool
    fru: dict[str, Any] | None
    fru_error: str
    cipher_suite: int
    connected_now: bool


class IpmiCollector:
    """Polls every BMC concurrently; a hung BMC only ever costs its own deadline."""

    name = "ipmi"
    persist_sel = True  # the probe command reads without moving the agent's SEL cursor

    def __init__(self, config: IpmiConfig, context: CollectorContext) -> None:
        self.config = config
        self.context = context
        self._bmcs = {t.asset.asset_id: _Bmc(t, SerialWorker(f"bmc-{t.host}-{t.port}"))
                      for t in config.bmcs}
        self._results: OrderedDict[str, model.CommandResult] = OrderedDict()
        self._state_dir = Path(config.state_dir)
        for bmc in self._bmcs.values():
            bmc.sel_cursor = self._load_cursor(bmc) if config.state_dir else 0

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
    def _connect(self, bmc: _Bmc) -> BmcSession:
        t = bmc.target
        session = BmcSession(t.host, t.port, t.user, t.password, t.privilege)
        log.info("BMC %s: session up (IPMI %s, cipher suite %d)", t.address,
                 session.security.ipmi_version, session.security.cipher_suite)
        return session

    def _poll_sync(self, bmc: _Bmc, fru_due: bool) -> _Poll:
        connected_now = bmc.session is None
        if bmc.session is None:
            bmc.session = self._connect(bmc)
        session = bmc.session
        samples = session.sensors()
        power = session.power_state()
        sel = session.sel()
        overflow = session.sel_overflow()
        fru, fru_error = None, ""
        if fru_due:
            try:
                fru = session.fru_info(0)
            except BmcError as exc:
                fru_error = str(exc)
        return _Poll(samples, power, sel, overflow, fru, fru_error,
                     session.security.cipher_suite, connected_now)

    async def collect(self) -> model.Batch:
        batches = await asyncio.gather(*(self._poll(b) for b in self._bmcs.values()))
        return model.Batch(
            readings=tuple(r for b in batches for r in b.readings),
            events=tuple(e for b in batches for e in b.events),
            assets=tuple(a for b in batches for a in b.assets),
            components=tuple(c for b in batches for c in b.components),
        )

    async def _poll(self, bmc: _Bmc) -> model.Batch:
        now = self.context.monotonic()
        if bmc.polling:  # never two calls to one BMC at once: the last one is still out
            bmc.skipped_total += 1
            return self._failed(bmc, "unreachable", "the previous call is still unanswered",
                                time.monotonic())
        if now < bmc.next_poll:  # backing off a failing BMC; its readings stay unknown
            return model.Batch()
        bmc.polling = True
        started = time.monotonic()
        fru_due = now - bmc.last_fru >= self.config.fru_interval_seconds
        # login + sensors + power + SEL + FRU, within the collector's own cycle budget
        deadline = min(bmc.target.call_timeout_seconds * 6, self.config.timeout_seconds * 0.9)
        task = asyncio.ensure_future(bmc.worker.run(self._poll_sync, bmc, fru_due))
        try:
            result = await asyncio.wait_for(asyncio.shield(task), deadline)
        except TimeoutError:
            # The call keeps its thread until pyghmi gives up; until then this BMC is skipped
            # (a second session to a hung BMC would only queue behind the first).
            task.add_done_callback(lambda t: self._settle(bmc, t))
            return self._backoff(bmc, now, self._failed(
                bmc, "unreachable", f"no answer within {deadline:.1f}s", started))
        except BmcError as exc:
            bmc.polling = False
            self._drop_session(bmc)
            batch = self._failed(bmc, exc.kind, str(exc), started)
            if exc.kind == "auth_failed":  # wrong credentials do not fix themselves quickly
                bmc.failures = max(bmc.failures, 2)
            return self._backoff(bmc, now, batch)
        bmc.polling = False
        bmc.failures = 0
        bmc.next_poll = float("-inf")
        if fru_due and result.fru is not None:
            bmc.last_fru = now
        return self._batch(bmc, result, started)

    def _backoff(self, bmc: _Bmc, now: float, batch: model.Batch) -> model.Batch:
        """Skip 0, 1, then 3 cycles after consecutive failures: a BMC that comes back is seen
        within four intervals, and a dead one costs a quarter of the polls."""
        bmc.failures += 1
        cycles = min(4, 2 ** (bmc.failures - 1)) - 1
        bmc.next_poll = now + cycles * self.config.interval_seconds
        return batch

    def _drop_session(self, bmc: _Bmc) -> None:
        session, bmc.session = bmc.session, None
        if session is not None:
            bmc.worker.call_later(session.close)

    def _settle(self, bmc: _Bmc, task: asyncio.Future[Any]) -> None:
        """A late answer (or failure) of a call that missed its deadline frees the BMC."""
        bmc.polling = False
        if task.cancelled() or task.exception() is not None:
            self._drop_session(bmc)

    def _failed(self, bmc: _Bmc, kind: str, message: str, started: float) -> model.Batch:
        now_ms = self.context.wall_clock_ms()
        asset = bmc.target.asset.asset_id
        if bmc.state != kind:
            log.warning("BMC %s: %s: %s", bmc.target.address, kind, message)
        bmc.state = kind
        readings = [
            model.Reading(asset, "ipmi:reachability", K.REACHABILITY, 0.0, "", S.CRITICAL,
                          f"{kind}: {message}", now_ms, "BMC reachability",
                          {"bmc": bmc.target.address, "state": kind, **self._interval}),
            self._health(bmc, started, now_ms, f"{kind}: {message}"),
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

    def _health(self, bmc: _Bmc, started: float, now_ms: int, error: str = "") -> model.Reading:
        return model.Reading(
            bmc.target.asset.asset_id, "ipmi:poll", K.COLLECTOR_HEALTH,
            round(time.monotonic() - started, 4), "s", S.CRITICAL if error else S.OK, error,
            now_ms, "BMC poll", {"skipped_total": str(bmc.skipped_total), **self._interval})

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

    def _batch(self, bmc: _Bmc, p: _Poll, started: float) -> model.Batch:
        now_ms = self.context.wall_clock_ms()
        asset = bmc.target.asset.asset_id
        if bmc.state != "ok":
            log.info("BMC %s: reachable (cipher suite %d)", bmc.target.address, p.cipher_suite)
        bmc.state = "ok"
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
        readings.append(self._health(bmc, started, now_ms))
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

    def _sel_events(self, bmc: _Bmc, p: _Poll, now_ms: int) -> list[model.Event]:
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
        for bmc in self._bmcs.values():
            self._drop_session(bmc)
            bmc.worker.shutdown(wait=False)

    # ---- commands -------------------------------------------------------------------
    def owns(self, asset_id: str) -> bool:
        return asset_id in self._bmcs

    async def execute(self, command: model.Command) -> model.CommandResult:
        """Power status/on/off/cycle (and fence = off), confirmed by reading the state back."""
        done = self._results.get(command.command_id)
        if done is not None:  # the same id twice is executed once
            return done
        started = time.monotonic()
        result = await self._execute(command, started)
        self._results[command.command_id] = result
        while len(self._results) > 1000:
            self._results.popitem(last=False)
        return result

    async def _execute(self, command: model.Command, started: float) -> model.CommandResult:
        bmc = self._bmcs[command.asset_id]

        def result(outcome: model.CommandOutcome, message: str, state: str = "",
                   **details: str) -> model.CommandResult:
            return model.CommandResult(
                command.command_id, command.asset_id, outcome, message, state,
                round(time.monotonic() - started, 3), self.context.wall_clock_ms(), details)

        if command.action == "fence":
            action = model.PowerAction.OFF
        elif command.action == "power" and command.power_action is not None:
            action = command.power_action
        else:
            return result(model.CommandOutcome.REFUSED,
                          f"the ipmi collector does not do {command.action!r}")
        deadline = command.deadline_unix_ms / 1000
        if deadline <= time.time():
            return result(model.CommandOutcome.ERROR, "deadline already passed")
        try:
            if action is model.PowerAction.STATUS:
                state = await self._call(bmc, deadline, lambda s: s.power_state())
                return result(model.CommandOutcome.OK, f"power is {state}", state)
            steps = ["off", "on"] if action is model.PowerAction.CYCLE else [action.value]
            state = ""
            timings: dict[str, str] = {}
            for want in steps:
                await self._call(bmc, deadline, lambda s, w=want: s.set_power(w))
                state = await self._confirm(bmc, want, deadline)
                timings[f"{want}_confirmed_after_seconds"] = f"{time.monotonic() - started:.3f}"
                if state != want:
                    return result(model.CommandOutcome.NOT_CONFIRMED,
                                  f"asked for {want}, BMC still reads {state or 'nothing'} at "
                                  "the deadline", state, **timings)
            return result(model.CommandOutcome.CONFIRMED, f"power {state}, read back from the "
                          "BMC", state, **timings)
        except TimeoutError:
            return result(model.CommandOutcome.ERROR, f"BMC {bmc.target.address} did not "
                          "answer before the deadline")
        except BmcError as exc:
            self._drop_session(bmc)
            return result(model.CommandOutcome.ERROR, f"BMC {bmc.target.address}: {exc.kind}: "
                          f"{exc}")

    async def _call(self, bmc: _Bmc, deadline: float, fn: Any) -> Any:
        def run() -> Any:
            if bmc.session is None:
                bmc.session = self._connect(bmc)
            return fn(bmc.session)

        remaining = max(0.05, min(deadline - time.time(), bmc.target.call_timeout_seconds * 2))
        task = asyncio.ensure_future(bmc.worker.run(run))
        try:
            return await asyncio.wait_for(asyncio.shield(task), remaining)
        except TimeoutError:
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            raise

    async def _confirm(self, bmc: _Bmc, want: str, deadline: float) -> str:
        """Read the chassis power state back until it matches or the deadline passes."""
        state = ""
        for _ in range(10_000):  # bounded; the deadline ends it long before
            state = await self._call(bmc, deadline, lambda s: s.power_state())
            if state == want or time.time() >= deadline:
                return state
            await asyncio.sleep(min(POWER_POLL_SECONDS, max(0.0, deadline - time.time())))
        return state


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
