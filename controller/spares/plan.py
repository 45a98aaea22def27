"""Pure: the procurement plan per part number and site from installed base, history and stock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from controller.spares import forecast
from controller.spares.defaults import ClassDefaults, class_of, defaults_for
from controller.spares.verdicts import AT_RISK, FAILING
from hotspare import model
from hotspare.spares import CatalogueEntry, PartRef, ReportLine, StockItem

MS_PER_DAY = 86_400_000
MS_PER_YEAR = forecast.DAYS_PER_YEAR * MS_PER_DAY
FAILED_VERDICTS = {FAILING, "critical"}


@dataclass(frozen=True, slots=True)
class PartLife:
    """One part's span in one slot, as the store's component history records it."""

    component: model.Component
    site: str
    first_seen_ms: int
    end_ms: int  # removed, or now for a part still installed
    removed: bool
    last_verdict: str = ""


def part_key(c: model.Component) -> str:
    """What identifies an installed part's kind: its part number, else its model."""
    return c.part_number or c.model


def spare_for(stock: Sequence[StockItem]) -> dict[str, str]:
    """Compatibility map: installed part key -> the spare part number that replaces it."""
    out: dict[str, str] = {}
    for item in sorted(stock, key=lambda s: (s.part_number, s.site)):
        out.setdefault(item.part_number, item.part_number)
        for installed in item.replaces:
            out.setdefault(installed, item.part_number)
    return out


def plan(stock: Sequence[StockItem], lives: Iterable[PartLife],
         verdicts: Mapping[tuple[str, str], str], now_ms: int, site: str = "",
         reserved: Mapping[tuple[str, str], int] | None = None,
         classes: Mapping[str, ClassDefaults] | None = None) -> list[ReportLine]:
    """One line per spare part number and site, most urgent first (below reorder point).

    `reserved` counts open reservations per (part number, site), also where no stock exists;
    without it each stock item's own count is used.
    """
    compat = spare_for(stock)
    lives = list(lives)
    failures: dict[str, int] = defaultdict(int)
    exposure_ms: dict[str, float] = defaultdict(float)
    kind: dict[str, tuple[str, str]] = {}
    installed: dict[tuple[str, str], list[PartRef]] = defaultdict(list)
    at_risk: dict[tuple[str, str], list[PartRef]] = defaultdict(list)
    failing: dict[tuple[str, str], list[PartRef]] = defaultdict(list)
    for life in lives:
        key = part_key(life.component)
        if not key:
            continue
        pn = compat.get(key, key)
        kind.setdefault(pn, (class_of(life.component.type), life.component.description))
        exposure_ms[pn] += max(0, life.end_ms - life.first_seen_ms)
        if life.removed:
            if life.last_verdict in FAILED_VERDICTS:
                failures[pn] += 1
            continue
        c = life.component
        verdict = verdicts.get((c.asset_id, c.component_id), "")
        ref = PartRef(c.asset_id, c.component_id, c.serial, c.model, verdict)
        installed[(pn, life.site)].append(ref)
        if verdict == AT_RISK:
            at_risk[(pn, life.site)].append(ref)
        elif verdict in FAILED_VERDICTS:
            failing[(pn, life.site)].append(ref)
    by_slot = {(s.part_number, s.site): s for s in stock}
    if reserved is None:
        reserved = {k: s.reserved for k, s in by_slot.items() if s.reserved}
    keys = set(by_slot) | set(installed) | {k for k, n in reserved.items() if n}
    lines = []
    for pn, where in sorted(keys):
        if site and where != site:
            continue
        item = by_slot.get((pn, where))
        part_class, description = kind.get(pn, ("", ""))
        if item is not None:
            part_class = item.part_class or part_class
            description = item.description or description
        lines.append(_line(pn, where, part_class or "other", description, item,
                           installed.get((pn, where), []), at_risk.get((pn, where), []),
                           failing.get((pn, where), []), reserved.get((pn, where), 0), failures[pn],
                           exposure_ms[pn] / MS_PER_YEAR, now_ms,
                           (classes or {}).get(part_class or "other")))
    lines.sort(key=lambda ln: (not ln.below_reorder_point, -ln.order_quantity, ln.part_number,
                               ln.site))
    return lines


def _line(pn: str, site: str, part_class: str, description: str, item: StockItem | None,
          installed: list[PartRef], at_risk: list[PartRef], failing: list[PartRef],
          reserved: int, failures: int, device_years: float, now_ms: int,
          configured: ClassDefaults | None = None) -> ReportLine:
    d = configured or defaults_for(part_class)
    prior = item.prior_afr_per_year if item and item.prior_afr_per_year else d.prior_afr_per_year
    prior_source = "configured prior" if item and item.prior_afr_per_year else d.source
    rate = forecast.afr_estimate(failures, device_years, prior, d.prior_device_years)
    source = (f"{prior_source}; no fleet history yet" if rate.source == "prior" else
              f"{failures} failures / {device_years:.1f} device-years with {prior_source}")
    lead = item.lead_time_days if item and item.lead_time_days else d.lead_time_days
    lead_source = "part" if item and item.lead_time_days else f"class {part_class} default"
    level = item.service_level if item and item.service_level else d.service_level
    risk = tuple(PartRef(r.asset_id, r.component_id, r.serial, r.model, r.verdict,
                         forecast.at_risk_failure_probability(rate.afr_per_year, lead))
                 for r in at_risk)
    healthy = len(installed) - len(at_risk) - len(failing)
    base = forecast.lead_time_demand(healthy, rate.afr_per_year, lead)
    demand = base + sum(r.probability for r in risk)
    point = forecast.reorder_point(demand, level, d.service_measure)
    cover = (forecast.window_no_stockout_probability(point, demand)
             if d.service_measure == forecast.WINDOW else forecast.poisson_cdf(point, demand))
    on_hand = item.on_hand if item else 0
    on_order = item.on_order if item else 0
    qty = forecast.order_quantity(point, on_hand, reserved, on_order)
    why = (f"{healthy} healthy installed x AFR {rate.afr_per_year:.2%}/y ({source}) x {lead:g} d"
           f" = {base:.3f}; + {len(risk)} at-risk = {sum(r.probability for r in risk):.3f};"
           f" demand over lead time {demand:.3f}; reorder point {point} ({d.service_measure}"
           f" service {cover:.1%} >= {level:.0%});"
           f" available {on_hand} on hand - {reserved} reserved + {on_order} on order"
           f" = {on_hand - reserved + on_order}")
    return ReportLine(
        part_number=pn, site=site, part_class=part_class, description=description,
        installed=len(installed), afr_per_year=rate.afr_per_year, afr_source=source,
        failures=failures, device_years=device_years, prior_afr_per_year=prior,
        lead_time_days=lead, lead_time_source=lead_source, service_level=level,
        demand_over_lead_time=demand, reorder_point=point, on_hand=on_hand, reserved=reserved,
        on_order=on_order, order_quantity=qty, order_by_unix_ms=now_ms if qty else 0,
        arrives_by_unix_ms=int(now_ms + lead * MS_PER_DAY) if qty else 0, why=why,
        at_risk=risk, failing=tuple(failing), installed_parts=tuple(installed))


def _source(c: model.Component) -> str:
    """Which collector reported a part, from its id (smart `disk:`, IPMI `fru:`, ENTITY-MIB `ent:`)."""
    for prefix, source in (("disk:", "smartctl"), ("fru:", "ipmi-fru"), ("ent:", "entity-mib")):
        if c.component_id.startswith(prefix):
            return source
    return "snmp-profile"


def catalogue(stock: Sequence[StockItem], lives: Iterable[PartLife]) -> list[CatalogueEntry]:
    """Installed parts grouped by part key, with installed count per site and the mapped spare."""
    compat = spare_for(stock)
    groups: dict[str, list[PartLife]] = defaultdict(list)
    for life in lives:
        key = part_key(life.component)
        if key:
            groups[key].append(life)
    out = []
    for key, members in sorted(groups.items()):
        first = members[0].component
        by_site: dict[str, int] = defaultdict(int)
        for life in members:
            if not life.removed:
                by_site[life.site] += 1
        out.append(CatalogueEntry(
            part_key=key, vendor=first.vendor, model=first.model,
            part_class=class_of(first.type), spare_part_number=compat.get(key, key),
            capacity_bytes=first.capacity_bytes,
            firmware=tuple(sorted({m.component.firmware for m in members if m.component.firmware})),
            sources=tuple(sorted({_source(m.component) for m in members})),
            installed_by_site=dict(sorted(by_site.items())),
            failures=sum(1 for m in members if m.removed and m.last_verdict in FAILED_VERDICTS)))
    return out
