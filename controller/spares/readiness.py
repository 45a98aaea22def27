"""Pure readiness hook: a standby's critical parts that have no free spare at its site."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hotspare.spares import ReportLine

CRITICAL_CLASSES = frozenset({"disk", "psu", "fan"})


@dataclass(frozen=True, slots=True)
class SpareGap:
    """One reason for failover readiness (maps 1:1 onto the standby Reason: code, message...)."""

    code: str
    message: str
    member: str
    value: str = ""
    limit: str = ""


def spares_for(asset_id: str, lines: Iterable[ReportLine],
               critical_classes: frozenset[str] = CRITICAL_CLASSES) -> list[SpareGap]:
    """Reasons, one per part number, why `asset_id` has a critical part without a free spare.

    A spare is free when on hand minus reserved is at least one at the asset's site. An empty
    list means every critical part of the asset has one.
    """
    gaps = []
    for line in lines:
        if line.part_class not in critical_classes:
            continue
        mine = [p for p in line.installed_parts if p.asset_id == asset_id]
        if not mine:
            continue
        free = line.on_hand - line.reserved
        if free >= 1:
            continue
        slots = ", ".join(p.component_id for p in mine)
        gaps.append(SpareGap(
            "spare_missing",
            f"no free spare {line.part_number} at site {line.site or '-'} for {asset_id}"
            f" ({slots}): {line.on_hand} on hand, {line.reserved} reserved,"
            f" {line.on_order} on order",
            asset_id, value=str(free), limit=">= 1"))
    return gaps
