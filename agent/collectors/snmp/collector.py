"""The `snmp` collector: many devices concurrently, each within its own budget, never overlapping."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.collectors import CollectorConfig, CollectorContext, criticality_label, parse_common
from agent.collectors.snmp import interpret
from agent.collectors.snmp.opener import Opener
from agent.collectors.snmp.profiles import Profile, builtin_profiles, choose
from agent.collectors.snmp.session import (
    AUTH_PROTOCOLS,
    PRIV_PROTOCOLS,
    Credentials,
    Session,
    SnmpError,
)
from agent.polling import CycleSummary, DevicePoller, DeviceTrack, Due, device_health
from hotspare import model
from hotspare.secrets import load_secret
from hotspare.tomlconf import ConfigError, Section, parse_address

log = logging.getLogger("hotspare.agent.snmp")
K, S = model.ReadingKind, model.Status
SYS = {"descr": "1.3.6.1.2.1.1.1.0", "object_id": "1.3.6.1.2.1.1.2.0",
       "uptime": "1.3.6.1.2.1.1.3.0", "name": "1.3.6.1.2.1.1.5.0",
       "location": "1.3.6.1.2.1.1.6.0"}
INSECURE_AUTH = {"MD5", "NONE"}
INSECURE_PRIV = {"DES", "NONE"}


@dataclass(frozen=True, slots=True)
class Target:
    """One SNMP device (secrets stay out of repr via Credentials)."""

    host: str
    port: int
    creds: Credentials
    asset: model.Asset
    timeout_seconds: float = 2.0
    retries: int = 1
    profiles: tuple[str, ...] = ()
    insecure_reason: str = ""
    storage_exclude: tuple[str, ...] = ()  # regexes over hrStorageDescr, added to the profile's
    storage_include: tuple[str, ...] = ()  # regexes: rows kept although the profile drops them

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class SnmpConfig(CollectorConfig):
    """Settings of the snmp collector."""

    targets: tuple[Target, ...] = ()
    discovery_interval_seconds: float = 4 * 3600.0
    max_repetitions: int = 25
    max_concurrent_devices: int = 32  # bursts of requests overflow agents' UDP buffers


def insecure_problems(version: str, auth: str = "SHA-256", priv: str = "AES") -> list[str]:
    """What makes these settings insecure (empty when v3 authPriv with SHA and AES).

    The agent's config and `hotspare snmp probe` both demand an explicit allowance for these.
    """
    if version == "2c":
        return ["SNMPv2c (community in clear text)"]
    problems = []
    if auth in INSECURE_AUTH:
        problems.append(f"auth {auth}")
    if priv in INSECURE_PRIV:
        problems.append(f"privacy {priv}")
    return problems


def _patterns(sec: Section, key: str) -> tuple[str, ...]:
    out = []
    for text in sec.str_list(key):
        try:
            re.compile(text)
        except re.error as exc:
            raise sec.error(key, f"bad regular expression {text!r}: {exc}") from None
        if not text:
            raise sec.error(key, "an empty pattern matches every row")
        out.append(text)
    return tuple(out)


def tailored(profile: Profile, target: Target) -> Profile:
    """The profile with the target's own storage patterns on its `storage` filter tables."""
    if not (target.storage_exclude or target.storage_include):
        return profile
    tables = tuple(
        dataclasses.replace(t, exclude_patterns=t.exclude_patterns + target.storage_exclude,
                            include_patterns=t.include_patterns + target.storage_include)
        if t.target_filter == "storage" else t for t in profile.tables)
    return dataclasses.replace(profile, tables=tables)


def _secret(sec: Section, key: str) -> str:
    path = sec.str("secrets_file", required=True)
    name = sec.str(key, required=True)
    try:
        return load_secret(Path(path), name)
    except ConfigError as exc:
        raise sec.error(key, str(exc)) from None


def _target(sec: Section, known: set[str]) -> Target:
    address = sec.str("address", required=True)
    try:
        host, port = parse_address(address, default_port=161)
    except ValueError as exc:
        raise sec.error("address", str(exc)) from None
    version = sec.str("version", "3")
    if version not in ("2c", "3"):
        raise sec.error("version", "must be \"2c\" or \"3\"")
    insecure = sec.str("allow_insecure", "")
    auth, priv = "", ""
    if version == "2c":
        creds = Credentials("2c", community=_secret(sec, "community_key"))
    else:
        auth = sec.str("auth_protocol", "SHA-256").upper()
        priv = sec.str("priv_protocol", "AES").upper()
        if auth not in AUTH_PROTOCOLS:
            raise sec.error("auth_protocol", f"one of {', '.join(AUTH_PROTOCOLS)}")
        if priv not in PRIV_PROTOCOLS:
            raise sec.error("priv_protocol", f"one of {', '.join(PRIV_PROTOCOLS)}")
        creds = Credentials(
            "3", user=sec.str("user", required=True), auth_protocol=auth,
            auth_key=_secret(sec, "auth_key") if auth != "NONE" else "",
            priv_protocol=priv,
            priv_key=_secret(sec, "priv_key") if priv != "NONE" else "")
    problems = insecure_problems(version, auth, priv)
    if problems and not insecure:
        raise sec.error("allow_insecure", f"{', '.join(problems)} needs allow_insecure = "
                        "\"<reason>\" (v3 authPriv with SHA and AES is the default)")
    kind_text = sec.str("kind", "network")
    try:
        kind = model.AssetKind(kind_text)
    except ValueError:
        raise sec.error("kind", f"unknown asset kind {kind_text!r}") from None
    asset_id = sec.str("asset", required=True)
    if asset_id in known:
        raise sec.error("asset", f"asset {asset_id!r} is already polled by another target")
    known.add(asset_id)
    asset = model.Asset(
        asset_id=asset_id, kind=kind, name=sec.str("name", asset_id),
        location=model.Location(site=sec.str("site", ""), room=sec.str("room", ""),
                                rack=sec.str("rack", ""), unit=sec.str("unit", "")),
        parent_id=sec.str("parent", ""),
        labels={"snmp": f"{host}:{port}", **criticality_label(sec)},
        flags=("insecure_transport",) if problems else ())
    target = Target(host, port, creds, asset, sec.float("timeout_seconds", 2.0, minimum=0.05),
                    sec.int("retries", 1, minimum=0), tuple(sec.str_list("profiles")),
                    insecure if problems else "", _patterns(sec, "storage_exclude"),
                    _patterns(sec, "storage_include"))
    available = builtin_profiles()
    for name in target.profiles:
        if name not in available:
            raise sec.error("profiles", f"unknown profile {name!r} (have: "
                            f"{', '.join(sorted(available))})")
    sec.finish()
    if problems:
        log.warning("SNMP target %s uses %s: allowed because %r; the asset is flagged "
                    "insecure_transport", target.address, ", ".join(problems), insecure)
    return target


def parse_config(section: Section) -> SnmpConfig:
    common = parse_common(section, interval=60.0, timeout=50.0)
    known: set[str] = set()
    cfg = SnmpConfig(
        targets=tuple(_target(t, known) for t in section.tables("targets")),
        discovery_interval_seconds=section.float("discovery_interval_seconds", 4 * 3600.0,
                                                 minimum=1.0),
        max_repetitions=section.int("max_repetitions", 25, minimum=1),
        max_concurrent_devices=section.int("max_concurrent_devices", 32, minimum=1),
        **common,
    )
    section.finish()
    return cfg


@dataclass
class _Device:
    target: Target
    session: Session
    track: DeviceTrack
    profiles: list[Profile] = field(default_factory=list)
    last_discovery: float = float("-inf")
    last_uptime_ticks: int | None = None
    counters: interpret.CounterState = field(default_factory=interpret.CounterState)
    sensors: dict[str, model.ReadingKind] = field(default_factory=dict)
    identity: dict[str, Any] = field(default_factory=dict)


@dataclass
class PollResult:
    """One device's poll, for the agent's batch and for `hotspare snmp probe`."""

    batch: model.Batch
    profiles: list[str]
    identity: dict[str, Any]
    problems: list[str]
    trace: dict[str, dict[str, Any]] = field(default_factory=dict)  # sensor id -> provenance
    ok: bool = True


class SnmpCollector:
    """Polls every device concurrently; a slow or dead device only spends its own budget."""

    name = "snmp"

    def __init__(self, config: SnmpConfig, context: CollectorContext) -> None:
        self.config = config
        self.context = context
        opener = Opener()
        self.profiles = builtin_profiles()
        self.devices = [
            _Device(t, opener.open(t.host, t.port, t.creds, t.timeout_seconds, t.retries,
                                   config.max_repetitions), DeviceTrack(t.address))
            for t in config.targets]
        self.poller = DevicePoller(config.interval_seconds, (SnmpError,), context.monotonic)
        self._slots: asyncio.Semaphore | None = None  # created on the running loop

    @property
    def cycle_summary(self) -> CycleSummary | None:
        return self.poller.cycle_summary

    async def close(self) -> None:
        await self.poller.close()
        for dev in self.devices:
            dev.session.close()

    async def collect(self) -> model.Batch:
        """Poll every device that is due; each emits its own batch when its poll ends.

        So a slow or dead device never delays the others' readings; the cycle itself lasts
        until the polls end (at most the collector's timeout), so its duration is real work.
        """
        await self.poller.cycle(((dev.track, functools.partial(self._poll_and_emit, dev))
                                 for dev in self.devices), self.config.timeout_seconds * 0.95)
        return model.Batch()

    async def _poll_and_emit(self, dev: _Device) -> bool:
        result = await self.poll(dev)
        if len(result.batch):
            self.context.emit(result.batch)
        return result.ok

    async def poll(self, dev: _Device) -> PollResult:
        due = self.poller.due(dev.track)
        if due is Due.RUNNING:
            return PollResult(model.Batch(), [], {}, ["previous poll still running"], ok=False)
        if due is Due.BACKING_OFF:
            return PollResult(model.Batch(), [], {}, ["backing off"], ok=False)
        now = self.context.monotonic()
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.config.max_concurrent_devices)
        # the budget starts when the device's turn comes
        attempt = await self.poller.attempt(dev.track, lambda: self._poll(dev, now),
                                            self.config.timeout_seconds * 0.9, self._slots)
        if not attempt.ok or attempt.value is None:
            return self._failed(dev, attempt.kind, attempt.message, attempt.duration_seconds,
                                attempt.changed)
        if attempt.changed:
            log.info("SNMP %s: answering (%s)", dev.target.address,
                     ", ".join(p.name for p in dev.profiles))
        return attempt.value

    async def _poll(self, dev: _Device, now: float) -> PollResult:
        started = time.monotonic()
        target = dev.target
        asset_id = target.asset.asset_id
        system = await dev.session.get(list(SYS.values()))
        ident = {k: system.get(oid) for k, oid in SYS.items()}
        uptime = ident.get("uptime")
        if ident.get("descr") is None and ident.get("object_id") is None:
            # answering sysDescr or sysObjectID makes an SNMP agent; other objects may be missing
            raise SnmpError("bad", "answers SNMP but serves neither sysDescr nor sysObjectID: "
                            "not an SNMP agent we understand")
        if not isinstance(uptime, int):
            uptime = None  # a missing reading (some UPS cards serve no sysUpTime), not a dark device
        now_ms = self.context.wall_clock_ms()
        events: list[model.Event] = []
        restarted = uptime is not None and dev.last_uptime_ticks is not None \
            and uptime < dev.last_uptime_ticks
        if restarted:
            dev.counters.clear()
            events.append(model.Event(
                asset_id, f"restart:{now_ms}", now_ms, "restarted", S.WARNING, "sysUpTime",
                "", f"{target.address} restarted: sysUpTime went back from "
                    f"{(dev.last_uptime_ticks or 0) / 100:.0f}s to {(uptime or 0) / 100:.0f}s"))
        if uptime is not None:
            dev.last_uptime_ticks = uptime
        discovery = now - dev.last_discovery >= self.config.discovery_interval_seconds \
            or not dev.profiles
        if discovery:
            answered = set()
            for p in self.profiles.values():
                if p.probe and not target.profiles:
                    found = await dev.session.walk(p.probe, max_rows=1)
                    if found:
                        answered.add(p.probe)
            dev.profiles = [tailored(p, target) for p in choose(
                self.profiles, str(ident.get("object_id") or ""), answered, target.profiles)]
            dev.last_discovery = now
            dev.identity = ident
        roots = [oid for p in dev.profiles for oid in p.oids(discovery)]
        walked = await dev.session.walk_columns(roots) if roots else {}
        readings: list[model.Reading] = []
        components: list[model.Component] = []
        problems: list[str] = []
        trace: dict[str, dict[str, Any]] = {}
        interval = self.config.interval_seconds
        for profile in dev.profiles:
            for table in profile.tables:
                if table.discovery_only and not discovery:
                    continue
                got, bad = interpret.readings_for(asset_id, table, walked, now_ms, dev.counters,
                                                  restarted, interval, trace)
                readings += got
                problems += bad
                if discovery:
                    components += interpret.components_for(asset_id, table, walked)
        dev.sensors = {r.sensor_id: r.kind for r in readings}
        readings.append(model.Reading(
            asset_id, "snmp:reachability", K.REACHABILITY, 1.0, "", S.OK, "", now_ms,
            "SNMP reachability", {"snmp": target.address, "profiles": ",".join(
                p.name for p in dev.profiles), "interval_seconds": f"{interval:g}"}))
        readings.append(self._health(dev, now_ms, "; ".join(problems[:3]),
                                     round(time.monotonic() - started, 4)))
        assets: tuple[model.Asset, ...] = ()
        if discovery:
            assets = (self._asset(dev),)
        return PollResult(model.Batch(readings=tuple(readings), events=tuple(events),
                                      assets=assets, components=tuple(components)),
                          [p.name for p in dev.profiles], ident, problems, trace)

    def _asset(self, dev: _Device) -> model.Asset:
        asset = dev.target.asset
        kinds = [p.asset_kind for p in dev.profiles if p.asset_kind]
        vendors = [p.vendor for p in dev.profiles if p.vendor]
        labels = dict(asset.labels)
        labels["sys_object_id"] = str(dev.identity.get("object_id") or "")
        labels["sys_name"] = str(dev.identity.get("name") or "")
        return dataclasses.replace(
            asset, kind=model.AssetKind(kinds[0]) if kinds and asset.kind is
            model.AssetKind.NETWORK else asset.kind,
            vendor=asset.vendor or (vendors[0] if vendors else ""),
            model=asset.model or str(dev.identity.get("descr") or "")[:120], labels=labels)

    def _health(self, dev: _Device, now_ms: int, error: str = "", seconds: float = 0.0,
                status: model.Status | None = None) -> model.Reading:
        """Per-device poll health; a poll with bad OIDs is a warning, a failed poll critical."""
        return device_health(dev.target.asset.asset_id, "snmp:poll", "SNMP poll", dev.track,
                             now_ms, self.config.interval_seconds, seconds, error,
                             status or (S.WARNING if error else S.OK))

    def _failed(self, dev: _Device, kind: str, message: str, seconds: float,
                changed: bool) -> PollResult:
        target = dev.target
        if target.creds.version == "2c" and kind == "unreachable":
            message += " (v2c devices also stay silent when the community is wrong)"
        if changed:
            log.warning("SNMP %s: %s: %s", target.address, kind, message)
        now_ms = self.context.wall_clock_ms()
        asset_id = target.asset.asset_id
        readings = [
            model.Reading(asset_id, "snmp:reachability", K.REACHABILITY, 0.0, "", S.CRITICAL,
                          f"{kind}: {message}", now_ms, "SNMP reachability",
                          {"snmp": target.address, "state": kind,
                           "interval_seconds": f"{self.config.interval_seconds:g}"}),
            self._health(dev, now_ms, f"{kind}: {message}", seconds, S.CRITICAL),
        ]
        readings += [model.Reading(asset_id, sensor, kind_, None, "", S.UNKNOWN,
                                   f"no data: device {kind}", now_ms, sensor)
                     for sensor, kind_ in dev.sensors.items()]
        assets = (dev.target.asset,) if not dev.profiles else ()
        return PollResult(model.Batch(readings=tuple(readings), assets=assets), [], {},
                          [f"{kind}: {message}"], ok=False)


def build(config: SnmpConfig, context: CollectorContext) -> SnmpCollector:
    return SnmpCollector(config, context)
