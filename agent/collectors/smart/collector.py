"""The `smart` collector: discovers disks, reads each with a timeout, emits readings and verdicts."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from agent.collectors import CollectorConfig, CollectorContext, parse_common
from agent.collectors.smart.parse import (
    WATCHED_ATA,
    DiskReport,
    ParseError,
    ScannedDevice,
    parse_disk,
    parse_scan,
)
from agent.collectors.smart.runner import Runner, SmartctlUnavailable, run_smartctl
from agent.collectors.smart.verdict import Assessment, Verdict, assess, defect_counters
from hotspare import model
from hotspare.tomlconf import Section

log = logging.getLogger("hotspare.agent.smart")

K = model.ReadingKind
S = model.Status
VERDICT_STATUS = {
    Verdict.HEALTHY: S.OK,
    Verdict.AT_RISK: S.WARNING,
    Verdict.FAILING: S.CRITICAL,
    Verdict.UNKNOWN: S.UNKNOWN,
}
VERDICT_VALUE = {Verdict.HEALTHY: 0.0, Verdict.AT_RISK: 1.0, Verdict.FAILING: 2.0}
MAX_CONCURRENT_READS = 4


@dataclass(frozen=True, slots=True)
class SmartConfig(CollectorConfig):
    """Settings of the smart collector."""

    smartctl: str = "smartctl"
    scan: bool = True
    devices: tuple[ScannedDevice, ...] = ()
    per_disk_timeout_seconds: float = 20.0
    rescan_interval_seconds: float = 3600.0


def parse_config(section: Section) -> SmartConfig:
    common = parse_common(section, interval=300.0, timeout=120.0)
    devices = []
    for dev in section.tables("devices"):
        name = dev.str("name", required=True)
        if not name.startswith("/dev/"):
            raise dev.error("name", f"{name!r} is not a device path (/dev/...)")
        devices.append(ScannedDevice(name, dev.str("type", "")))
        dev.finish()
    cfg = SmartConfig(
        smartctl=section.str("smartctl", "smartctl"),
        scan=section.bool("scan", True),
        devices=tuple(devices),
        per_disk_timeout_seconds=section.float("per_disk_timeout_seconds", 20.0, minimum=0.1),
        rescan_interval_seconds=section.float("rescan_interval_seconds", 3600.0, minimum=1.0),
        **common,
    )
    section.finish()
    return cfg


@dataclass(slots=True)
class DiskResult:
    """One disk after one read: the report (if any), the assessment and what went wrong."""

    device: ScannedDevice
    report: DiskReport | None
    assessment: Assessment


@dataclass
class SmartCollector:
    """Reads every disk once per cycle; remembers counters to see growth and verdict changes."""

    config: SmartConfig
    context: CollectorContext
    runner: Runner = run_smartctl
    name: str = "smart"
    _devices: list[ScannedDevice] = field(default_factory=list)
    _last_scan: float = float("-inf")
    _counters: dict[str, dict[str, float]] = field(default_factory=dict)
    _verdicts: dict[str, Verdict] = field(default_factory=dict)

    async def close(self) -> None:
        return None

    async def discover(self) -> list[ScannedDevice]:
        """Scanned devices plus configured ones (configured first; duplicates dropped)."""
        found = list(self.config.devices)
        if self.config.scan:
            result = await self.runner([self.config.smartctl, "--scan-open", "--json"],
                                       self.config.per_disk_timeout_seconds)
            try:
                found += parse_scan(result.stdout)
            except ParseError as exc:
                log.warning("smartctl --scan-open: %s", exc)
        seen: set[str] = set()
        out = []
        for dev in found:
            if dev.key not in seen:
                seen.add(dev.key)
                out.append(dev)
        return out

    async def read(self, dev: ScannedDevice) -> DiskResult:
        """Read one disk; every failure becomes an unknown verdict with its reason."""
        argv = [self.config.smartctl, "--json", "-x", "-n", "standby"]
        if dev.type:
            argv += ["-d", dev.type]
        argv.append(dev.name)
        try:
            result = await self.runner(argv, self.config.per_disk_timeout_seconds)
        except TimeoutError:
            why = f"smartctl timed out after {self.config.per_disk_timeout_seconds:g}s"
            return DiskResult(dev, None, Assessment(Verdict.UNKNOWN, (why,)))
        try:
            report = parse_disk(result.stdout, dev.name, dev.type, result.exit_status)
        except ParseError as exc:
            return DiskResult(dev, None, Assessment(Verdict.UNKNOWN, (f"parse error: {exc}",)))
        previous = self._counters.get(dev.key)
        assessment = assess(report, previous)
        if report.has_data:
            self._counters[dev.key] = defect_counters(report)
        return DiskResult(dev, report, assessment)

    async def collect(self) -> model.Batch:
        now = self.context.monotonic()
        try:
            if now - self._last_scan >= self.config.rescan_interval_seconds or not self._devices:
                self._devices = await self.discover()
                self._last_scan = now
            limit = asyncio.Semaphore(MAX_CONCURRENT_READS)

            async def bounded(dev: ScannedDevice) -> DiskResult:
                async with limit:
                    return await self.read(dev)

            results = await asyncio.gather(*(bounded(d) for d in self._devices))
        except SmartctlUnavailable as exc:
            return model.Batch(readings=(self._unavailable(str(exc)),))
        return self.to_batch(results)

    def _unavailable(self, why: str) -> model.Reading:
        return model.Reading(
            asset_id=self.context.host_asset_id, sensor_id="smart", kind=K.DISK_HEALTH,
            value=None, status=S.UNKNOWN, reason=f"unavailable: {why}",
            time_unix_ms=self.context.wall_clock_ms(), name="SMART",
            labels={"interval_seconds": f"{self.config.interval_seconds:g}"},
        )

    def to_batch(self, results: list[DiskResult]) -> model.Batch:
        """Readings, components and verdict-change events for one cycle."""
        readings: list[model.Reading] = []
        components: list[model.Component] = []
        events: list[model.Event] = []
        now_ms = self.context.wall_clock_ms()
        if not results:
            readings.append(model.Reading(
                asset_id=self.context.host_asset_id, sensor_id="smart", kind=K.DISK_HEALTH,
                value=0.0, unit="disks", status=S.OK, reason="no SMART-capable disks found",
                time_unix_ms=now_ms, name="SMART disks",
                labels={"interval_seconds": f"{self.config.interval_seconds:g}"}))
        for res in results:
            readings.extend(disk_readings(self.context.host_asset_id, res, now_ms,
                                          self.config.interval_seconds))
            if res.report is not None and res.report.identity.model:
                components.append(disk_component(self.context.host_asset_id, res))
            event = self._verdict_event(res, now_ms)
            if event is not None:
                events.append(event)
        return model.Batch(readings=tuple(readings), components=tuple(components),
                           events=tuple(events))

    def _verdict_event(self, res: DiskResult, now_ms: int) -> model.Event | None:
        key = res.device.key
        new = res.assessment.verdict
        old = self._verdicts.get(key)
        self._verdicts[key] = new
        if old == new or (old is None and new is Verdict.HEALTHY):
            return None
        was = old.value if old else "first reading"
        return model.Event(
            asset_id=self.context.host_asset_id,
            source_id=f"verdict:{key}:{now_ms}",
            time_unix_ms=now_ms,
            type="verdict_changed",
            severity=VERDICT_STATUS[new],
            sensor=f"disk:{key}",
            direction=f"{was} -> {new.value}",
            description=f"{key}: {was} -> {new.value}: {res.assessment.text or 'no findings'}",
            attributes={"from": was, "to": new.value, "device": key},
        )


def disk_component(asset_id: str, res: DiskResult) -> model.Component:
    """The disk as an inventory component (model, serial, firmware, capacity)."""
    assert res.report is not None
    ident = res.report.identity
    labels = {"device": res.device.key, "protocol": ident.protocol}
    if ident.rotation_rate_rpm is not None:
        labels["rotation_rate_rpm"] = str(ident.rotation_rate_rpm)
        labels["media"] = "ssd" if ident.rotation_rate_rpm == 0 else "hdd"
    if ident.protocol == "NVMe":
        labels["media"] = "ssd"
    if ident.form_factor:
        labels["form_factor"] = ident.form_factor
    return model.Component(
        component_id=f"disk:{res.device.key}", asset_id=asset_id, type="disk",
        vendor=ident.vendor, model=ident.model, part_number=ident.model, serial=ident.serial,
        firmware=ident.firmware, capacity_bytes=ident.capacity_bytes, fru=True,
        description=f"{ident.protocol} disk {ident.model}".strip(), labels=labels,
    )


def disk_readings(asset_id: str, res: DiskResult, now_ms: int, interval_seconds: float
                  ) -> list[model.Reading]:
    """The verdict reading plus temperature, hours, cycles and the watched counters."""
    key = res.device.key
    base = f"disk:{key}"
    labels = {"device": key, "interval_seconds": f"{interval_seconds:g}"}
    report = res.report
    if report is not None:
        labels.update({"model": report.identity.model, "serial": report.identity.serial,
                       "verdict": res.assessment.verdict.value})
    else:
        labels["verdict"] = res.assessment.verdict.value
    verdict = res.assessment.verdict

    def reading(suffix: str, kind: model.ReadingKind, value: float | None, unit: str,
                name: str, status: model.Status = S.OK, reason: str = "") -> model.Reading:
        return model.Reading(asset_id=asset_id, sensor_id=f"{base}:{suffix}", kind=kind,
                             value=value, unit=unit, status=status, reason=reason,
                             time_unix_ms=now_ms, name=f"{key} {name}", labels=labels)

    out = [reading("health", K.DISK_HEALTH, VERDICT_VALUE.get(verdict), "", "health",
                   VERDICT_STATUS[verdict], res.assessment.text or verdict.value)]
    if report is None or not report.has_data or report.in_standby:
        return out
    if report.temperature_celsius is not None:
        out.append(reading("temperature", K.TEMPERATURE, report.temperature_celsius, "C",
                           "temperature"))
    if report.power_on_hours is not None:
        out.append(reading("power_on_hours", K.DISK_ATTRIBUTE, report.power_on_hours, "h",
                           "power-on hours"))
    if report.power_cycles is not None:
        out.append(reading("power_cycles", K.DISK_ATTRIBUTE, report.power_cycles, "",
                           "power cycles"))
    for attr_id, count in sorted(report.ata_watch.items()):
        status = S.WARNING if count > 0 else S.OK
        out.append(reading(f"ata_{attr_id}", K.DISK_ATTRIBUTE, float(count), "",
                           f"{attr_id} {WATCHED_ATA[attr_id]}", status,
                           f"raw {count} > 0" if count else ""))
    nvme = report.nvme
    for field_name, unit in (("percentage_used", "%"), ("available_spare", "%"),
                             ("media_errors", ""), ("critical_warning", ""),
                             ("unsafe_shutdowns", "")):
        if field_name in nvme:
            out.append(reading(f"nvme_{field_name}", K.DISK_ATTRIBUTE, nvme[field_name], unit,
                               field_name.replace("_", " ")))
    if report.scsi_grown_defects is not None:
        out.append(reading("scsi_grown_defects", K.DISK_ATTRIBUTE, report.scsi_grown_defects, "",
                           "grown defects",
                           S.WARNING if report.scsi_grown_defects else S.OK))
    if report.scsi_uncorrected_errors is not None:
        out.append(reading("scsi_uncorrected_errors", K.DISK_ATTRIBUTE,
                           report.scsi_uncorrected_errors, "", "uncorrected errors",
                           S.WARNING if report.scsi_uncorrected_errors else S.OK))
    return out


def build(config: SmartConfig, context: CollectorContext) -> SmartCollector:
    return SmartCollector(config, context)
