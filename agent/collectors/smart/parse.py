"""Pure parsing of `smartctl --json` documents into disk reports; never raises on bad input."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# smartctl exit status bits (smartctl(8), "RETURN VALUES").
EXIT_BITS = {
    0: "command line did not parse",
    1: "device open failed or did not identify",
    2: "a SMART or other device command failed",
    3: "SMART status: disk failing",
    4: "prefail attributes at or below threshold",
    5: "attributes were at or below threshold in the past",
    6: "device error log has entries",
    7: "self-test log has errors",
}

WATCHED_ATA = {5: "reallocated_sectors", 187: "reported_uncorrectable", 188: "command_timeouts",
               197: "pending_sectors", 198: "offline_uncorrectable"}

NVME_CRITICAL_WARNING_BITS = {
    0: "available spare below threshold",
    1: "temperature outside limits",
    2: "NVM subsystem reliability degraded",
    3: "media placed in read-only mode",
    4: "volatile memory backup failed",
    5: "persistent memory region read-only or unreliable",
}


class ParseError(ValueError):
    """The document is not usable smartctl JSON; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Identity:
    """What inventory and spares need to know about a disk."""

    model: str = ""
    serial: str = ""
    firmware: str = ""
    capacity_bytes: int = 0
    rotation_rate_rpm: int | None = None
    form_factor: str = ""
    protocol: str = ""
    vendor: str = ""


@dataclass(frozen=True, slots=True)
class DiskReport:
    """One disk as smartctl saw it: identity, counters and the flags the verdict needs."""

    device: str
    device_type: str
    exit_status: int
    identity: Identity
    smart_passed: bool | None = None
    in_standby: bool = False
    temperature_celsius: float | None = None
    power_on_hours: float | None = None
    power_cycles: float | None = None
    ata_watch: dict[int, int] = field(default_factory=dict)  # attribute id -> decoded count
    prefail_failing: tuple[str, ...] = ()  # attribute names at/below threshold now
    nvme: dict[str, float] = field(default_factory=dict)
    scsi_grown_defects: float | None = None
    scsi_uncorrected_errors: float | None = None
    messages: tuple[str, ...] = ()

    @property
    def exit_bits(self) -> list[int]:
        return [bit for bit in EXIT_BITS if self.exit_status & (1 << bit)]

    @property
    def has_data(self) -> bool:
        """Whether smartctl returned any health data (a temperature alone is not health)."""
        return (self.smart_passed is not None or bool(self.ata_watch) or bool(self.nvme)
                or self.scsi_grown_defects is not None or self.scsi_uncorrected_errors is not None)


def _get(doc: Any, *path: str | int) -> Any:
    for key in path:
        if isinstance(key, int):
            if not isinstance(doc, list) or not -len(doc) <= key < len(doc):
                return None
            doc = doc[key]
        else:
            if not isinstance(doc, dict):
                return None
            doc = doc.get(key)
    return doc


def _num(doc: Any, *path: str | int) -> float | None:
    value = _get(doc, *path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        return None
    return float(value)


def _str(doc: Any, *path: str | int) -> str:
    value = _get(doc, *path)
    return value.strip() if isinstance(value, str) else ""


def is_seagate(identity: Identity, family: str) -> bool:
    return identity.model.upper().startswith("ST") or "seagate" in family.lower()


def decode_ata_raw(attr_id: int, raw: int, seagate: bool) -> int:
    """Seagate packs 188 (and 1, 7) into 48 bits; only the low 16 bits are the count."""
    if seagate and attr_id in (1, 7, 188):
        return raw & 0xFFFF
    return raw


def _identity(doc: dict[str, Any]) -> Identity:
    model = (_str(doc, "model_name") or _str(doc, "scsi_model_name")
             or " ".join(x for x in (_str(doc, "scsi_vendor"), _str(doc, "scsi_product")) if x)
             or " ".join(x for x in (_str(doc, "vendor"), _str(doc, "product")) if x))
    capacity = _num(doc, "user_capacity", "bytes") or _num(doc, "nvme_total_capacity") or 0
    rotation = _num(doc, "rotation_rate")
    return Identity(
        model=model,
        serial=_str(doc, "serial_number"),
        firmware=_str(doc, "firmware_version") or _str(doc, "scsi_revision") or _str(doc, "revision"),
        capacity_bytes=int(capacity),
        rotation_rate_rpm=int(rotation) if rotation is not None else None,
        form_factor=_str(doc, "form_factor", "name"),
        protocol=_str(doc, "device", "protocol"),
        vendor=_str(doc, "scsi_vendor") or _str(doc, "vendor") or _str(doc, "model_family"),
    )


def parse_disk(text: str, device: str, device_type: str = "", exit_status: int | None = None
               ) -> DiskReport:
    """Parse one `smartctl --json -x` document; raises ParseError only, never anything else."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"not JSON: {str(exc)[:120]}") from None
    if not isinstance(doc, dict):
        raise ParseError(f"expected a JSON object, got {type(doc).__name__}")
    try:
        return _parse(doc, device, device_type, exit_status)
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError) as exc:
        raise ParseError(f"unexpected structure: {type(exc).__name__}: {exc}"[:200]) from None


def _parse(doc: dict[str, Any], device: str, device_type: str, exit_status: int | None
           ) -> DiskReport:
    status = _num(doc, "smartctl", "exit_status")
    if exit_status is None:
        exit_status = int(status) if status is not None and 0 <= status < 256 else 0
    identity = _identity(doc)
    messages = tuple(
        m["string"] for m in (_get(doc, "smartctl", "messages") or [])
        if isinstance(m, dict) and isinstance(m.get("string"), str)
    )
    standby = any("STANDBY" in m.upper() or "SLEEP" in m.upper() for m in messages)
    passed = _get(doc, "smart_status", "passed")
    seagate = is_seagate(identity, _str(doc, "model_family"))
    watch: dict[int, int] = {}
    prefail_failing = []
    table = _get(doc, "ata_smart_attributes", "table")
    for attr in table if isinstance(table, list) else []:
        attr_id = _num(attr, "id")
        if attr_id is None:
            continue
        raw = _num(attr, "raw", "value")
        if int(attr_id) in WATCHED_ATA and raw is not None and raw >= 0:
            watch[int(attr_id)] = decode_ata_raw(int(attr_id), int(raw), seagate)
        value, thresh = _num(attr, "value"), _num(attr, "thresh")
        prefail = _get(attr, "flags", "prefailure") is True
        if prefail and value is not None and thresh is not None and thresh > 0 and value <= thresh:
            prefail_failing.append(_str(attr, "name") or f"attribute {int(attr_id)}")
    nvme: dict[str, float] = {}
    log = _get(doc, "nvme_smart_health_information_log")
    if isinstance(log, dict):
        for key in ("critical_warning", "media_errors", "percentage_used", "available_spare",
                    "available_spare_threshold", "unsafe_shutdowns", "num_err_log_entries"):
            value = _num(log, key)
            if value is not None:
                nvme[key] = value
    uncorrected = None
    counters = _get(doc, "scsi_error_counter_log")
    if isinstance(counters, dict):
        totals = [_num(counters, op, "total_uncorrected_errors") for op in ("read", "write", "verify")]
        present = [t for t in totals if t is not None]
        uncorrected = sum(present) if present else None
    return DiskReport(
        device=device or _str(doc, "device", "name"),
        device_type=device_type or _str(doc, "device", "type"),
        exit_status=exit_status,
        identity=identity,
        smart_passed=passed if isinstance(passed, bool) else None,
        in_standby=standby,
        temperature_celsius=_num(doc, "temperature", "current"),
        power_on_hours=_num(doc, "power_on_time", "hours"),
        power_cycles=_num(doc, "power_cycle_count") if log is None or _num(doc, "power_cycle_count")
        is not None else _num(log, "power_cycles"),
        ata_watch=watch,
        prefail_failing=tuple(prefail_failing),
        nvme=nvme,
        scsi_grown_defects=_num(doc, "scsi_grown_defect_list"),
        scsi_uncorrected_errors=uncorrected,
        messages=messages,
    )


@dataclass(frozen=True, slots=True)
class ScannedDevice:
    """A device smartctl --scan-open found (or the operator configured)."""

    name: str
    type: str = ""

    @property
    def key(self) -> str:
        """Stable id on this host: the name, plus the type when it selects a disk (RAID slots)."""
        plain = self.type in ("", "nvme", "sat", "scsi", "ata", "auto")
        return self.name if plain else f"{self.name}@{self.type}"


def parse_scan(text: str) -> list[ScannedDevice]:
    """Devices of `smartctl --scan-open --json`; no `devices` key means none (not an error)."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ParseError(f"scan output is not JSON: {str(exc)[:120]}") from None
    devices = _get(doc, "devices")
    out = []
    for d in devices if isinstance(devices, list) else []:
        name = _str(d, "name")
        if name:
            out.append(ScannedDevice(name, _str(d, "type")))
    return out
