"""Pure: a component's health from its sensors' latest readings (verdict label, else status)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hotspare import model

HEALTHY, AT_RISK, FAILING, UNKNOWN = "healthy", "at-risk", "failing", "unknown"
_STATUS_VERDICT = {model.Status.OK: HEALTHY, model.Status.WARNING: AT_RISK,
                   model.Status.CRITICAL: FAILING, model.Status.UNKNOWN: UNKNOWN}
_RANK = {UNKNOWN: 0, HEALTHY: 1, AT_RISK: 2, FAILING: 3}
_VERDICT_SENSOR_KINDS = {model.ReadingKind.DISK_HEALTH, model.ReadingKind.PSU,
                         model.ReadingKind.FAN}

SlotKey = tuple[str, str]  # (asset_id, component_id)


def reading_verdict(r: model.Reading) -> str:
    """A SMART verdict label wins; otherwise the reading's own status says it."""
    label = r.labels.get("verdict", "")
    if label in _RANK:
        return label
    return _STATUS_VERDICT[r.status]


def slot_of(r: model.Reading, slots: Mapping[str, set[str]]) -> SlotKey | None:
    """The component a reading belongs to: sensor `disk:sda:health` -> component `disk:sda`."""
    ids = slots.get(r.asset_id)
    if not ids:
        return None
    if r.sensor_id in ids:
        return (r.asset_id, r.sensor_id)
    head = r.sensor_id
    for _ in range(8):  # bounded: component ids have few ':'-separated parts
        if ":" not in head:
            return None
        head = head.rsplit(":", 1)[0]
        if head in ids:
            return (r.asset_id, head)
    return None


def is_verdict_reading(r: model.Reading) -> bool:
    """Readings that speak for a part's health: SMART verdicts, PSU and fan status."""
    return "verdict" in r.labels or r.kind in _VERDICT_SENSOR_KINDS


def component_verdicts(readings: Iterable[model.Reading], slots: Mapping[str, set[str]]
                       ) -> dict[SlotKey, str]:
    """Worst known verdict per component among its verdict readings; unknown never hides one."""
    out: dict[SlotKey, str] = {}
    for r in readings:
        if not is_verdict_reading(r):
            continue
        slot = slot_of(r, slots)
        if slot is None:
            continue
        verdict = reading_verdict(r)
        if _RANK[verdict] > _RANK.get(out.get(slot, UNKNOWN), 0) or slot not in out:
            out[slot] = verdict
    return out
