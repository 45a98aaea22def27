"""Spare-parts records shared by controller, CLI and TUI: stock, changes, reservations, report."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class StockItem:
    """One spare part number at one site: what is on the shelf, on order, and its settings."""

    part_number: str
    site: str
    on_hand: int = 0
    on_order: int = 0
    expected_unix_ms: int = 0  # when the open order is due (0: unknown / none)
    lead_time_days: float = 0.0  # 0: class default
    part_class: str = ""
    description: str = ""
    replaces: tuple[str, ...] = ()  # installed part numbers / models this spare can replace
    serials: tuple[str, ...] = ()  # serialised units on the shelf, when known
    reserved: int = 0
    prior_afr_per_year: float = 0.0  # 0: class default (datasheet or configured AFR otherwise)
    service_level: float = 0.0  # 0: class default (95 %)
    reserve_at_risk: bool = False  # at-risk parts reserve a spare too (default: failing only)
    updated_unix_ms: int = 0


@dataclass(frozen=True, slots=True)
class StockChange:
    """One recorded change of stock: who, when, why, by how much."""

    part_number: str
    site: str
    delta_on_hand: int
    delta_on_order: int
    on_hand_after: int
    who: str
    why: str
    time_unix_ms: int
    serial: str = ""


@dataclass(frozen=True, slots=True)
class Reservation:
    """A spare held for a failing component; released on recovery, consumed by the replacement."""

    reservation_id: int
    part_number: str
    site: str
    asset_id: str
    component_id: str
    serial: str
    model: str
    state: str  # reserved, unfilled (no spare on hand), released, consumed
    created_unix_ms: int
    closed_unix_ms: int = 0
    reason: str = ""
    replaced_by_serial: str = ""


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One validated row of a stock CSV, remembering its line for errors found later."""

    line: int
    part_number: str
    site: str
    quantity: int
    on_order: int = 0
    expected_unix_ms: int = 0
    lead_time_days: float = 0.0
    part_class: str = ""
    description: str = ""
    replaces: tuple[str, ...] = ()
    serial: str = ""
    prior_afr_per_year: float = 0.0
    service_level: float = 0.0
    reserve_at_risk: bool = False


@dataclass(frozen=True, slots=True)
class PartRef:
    """A part behind a number: which asset, which slot, which serial, and why it is listed."""

    asset_id: str
    component_id: str
    serial: str
    model: str
    verdict: str = ""
    probability: float = 0.0  # chance to fail within the lead time (at-risk parts)


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One kind of installed part as the fleet reports it, and the spare that replaces it."""

    part_key: str  # part number, else model
    vendor: str
    model: str
    part_class: str
    spare_part_number: str
    capacity_bytes: int = 0
    firmware: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # how the fleet reported it: smart, ipmi-fru, entity-mib...
    installed_by_site: dict[str, int] = field(default_factory=dict)
    failures: int = 0


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One part number at one site: forecast, reorder point, order, and every input behind them."""

    part_number: str
    site: str
    part_class: str
    description: str
    installed: int
    afr_per_year: float
    afr_source: str
    failures: int
    device_years: float
    prior_afr_per_year: float
    lead_time_days: float
    lead_time_source: str
    service_level: float
    demand_over_lead_time: float
    reorder_point: int
    on_hand: int
    reserved: int
    on_order: int
    order_quantity: int
    order_by_unix_ms: int  # 0: nothing to order
    arrives_by_unix_ms: int
    why: str
    at_risk: tuple[PartRef, ...] = ()
    failing: tuple[PartRef, ...] = ()
    installed_parts: tuple[PartRef, ...] = ()

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved + self.on_order

    @property
    def below_reorder_point(self) -> bool:
        return self.available < self.reorder_point


@dataclass(frozen=True, slots=True)
class SparesReport:
    """The procurement report: lines by urgency (below reorder point first)."""

    generated_unix_ms: int
    site: str = ""
    lines: tuple[ReportLine, ...] = field(default_factory=tuple)
