"""Pure disk verdict: healthy / at-risk / failing / unknown with every reason; it can recover."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from agent.collectors.smart.parse import (
    EXIT_BITS,
    NVME_CRITICAL_WARNING_BITS,
    WATCHED_ATA,
    DiskReport,
)

WEAR_LIMIT_PERCENT = 90.0


class Verdict(enum.Enum):
    """How a disk is doing."""

    HEALTHY = "healthy"
    AT_RISK = "at-risk"
    FAILING = "failing"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Assessment:
    """A verdict with every reason that led to it, plus notes that do not change it."""

    verdict: Verdict
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        parts = list(self.reasons) + [f"note: {n}" for n in self.notes]
        return "; ".join(parts)


def defect_counters(report: DiskReport) -> dict[str, float]:
    """Counters whose growth since the last reading makes a disk at-risk."""
    out: dict[str, float] = {f"ata_{i}": float(v) for i, v in report.ata_watch.items()}
    if report.scsi_grown_defects is not None:
        out["scsi_grown_defects"] = report.scsi_grown_defects
    if report.scsi_uncorrected_errors is not None:
        out["scsi_uncorrected_errors"] = report.scsi_uncorrected_errors
    if "media_errors" in report.nvme:
        out["nvme_media_errors"] = report.nvme["media_errors"]
    return out


def assess(report: DiskReport, previous: dict[str, float] | None = None) -> Assessment:
    """Judge one report; `previous` holds the defect counters of the last reading of this disk."""
    bits = set(report.exit_bits)
    notes = [f"exit bit {b}: {EXIT_BITS[b]}" for b in sorted(bits & {2, 5, 6})]
    if report.in_standby:
        return Assessment(Verdict.UNKNOWN, ("disk in standby: not woken (-n standby)",))
    if bits & {0, 1} or not report.has_data:
        why = [f"exit bit {b}: {EXIT_BITS[b]}" for b in sorted(bits & {0, 1})]
        why += [m for m in report.messages if m][:2]
        return Assessment(Verdict.UNKNOWN, tuple(why or ["no SMART data returned"]))
    failing: list[str] = []
    at_risk: list[str] = []
    if report.smart_passed is False:
        failing.append("SMART overall health: FAILED")
    if 3 in bits:
        failing.append(f"exit bit 3: {EXIT_BITS[3]}")
    warning = int(report.nvme.get("critical_warning", 0))
    for bit, text in NVME_CRITICAL_WARNING_BITS.items():
        if warning & (1 << bit):
            failing.append(f"NVMe critical warning: {text}")
    spare, spare_min = report.nvme.get("available_spare"), report.nvme.get("available_spare_threshold")
    if spare is not None and spare_min is not None and spare < spare_min:
        failing.append(f"available spare {spare:g}% below threshold {spare_min:g}%")
    for attr_id, count in sorted(report.ata_watch.items()):
        if count > 0:
            at_risk.append(f"attribute {attr_id} ({WATCHED_ATA[attr_id]}) raw {count} > 0")
    if 4 in bits:
        names = ", ".join(report.prefail_failing) or "see attributes"
        at_risk.append(f"exit bit 4: {EXIT_BITS[4]} ({names})")
    if 7 in bits:
        at_risk.append(f"exit bit 7: {EXIT_BITS[7]}")
    media = report.nvme.get("media_errors")
    if media:
        at_risk.append(f"NVMe media errors {media:g}")
    used = report.nvme.get("percentage_used")
    if used is not None and used >= WEAR_LIMIT_PERCENT:
        at_risk.append(f"wear {used:g}% used >= {WEAR_LIMIT_PERCENT:g}%")
    if report.scsi_grown_defects:
        at_risk.append(f"SCSI grown defect list {report.scsi_grown_defects:g}")
    if report.scsi_uncorrected_errors:
        at_risk.append(f"SCSI uncorrected errors {report.scsi_uncorrected_errors:g}")
    if previous:
        for name, value in defect_counters(report).items():
            before = previous.get(name)
            if before is not None and value > before:
                at_risk.append(f"{name} grew from {before:g} to {value:g} since the last reading")
    if failing:
        return Assessment(Verdict.FAILING, tuple(failing + at_risk), tuple(notes))
    if at_risk:
        return Assessment(Verdict.AT_RISK, tuple(at_risk), tuple(notes))
    return Assessment(Verdict.HEALTHY, (), tuple(notes))
