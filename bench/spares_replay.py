"""Spares forecast replay: HotSpare's reorder points vs a fixed minimum on one synthetic history."""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from controller.spares import forecast
from controller.spares.defaults import defaults_for

SITES = ("lon", "fra", "nyc", "sgp")
# (model, class, true AFR per year, lead time days, installed per site); prior = class default.
MODELS = (
    ("HDD-14T-A", "disk", 0.014, 10, (900, 700, 500, 300)),
    ("HDD-8T-B", "disk", 0.021, 14, (600, 400, 400, 200)),
    ("HDD-4T-C", "disk", 0.045, 7, (400, 300, 200, 100)),   # worse than its 1.5 % prior
    ("SSD-1T-D", "disk", 0.006, 5, (500, 500, 300, 300)),   # better than its prior
    ("PSU-800-E", "psu", 0.010, 28, (400, 300, 300, 200)),
    ("PSU-1100-F", "psu", 0.030, 35, (200, 200, 100, 100)),  # worse than its 1 % prior
    ("FAN-60-G", "fan", 0.012, 21, (800, 600, 600, 400)),
)


@dataclass
class Item:
    """One model at one site: installed base, lead time and the day-by-day failures to replay."""

    model: str
    part_class: str
    site: str
    installed: int
    lead_time_days: int
    failures_by_day: list[int]


def poisson_draw(rng: random.Random, mean: float) -> int:
    """Knuth's method; means here are well below 1 per day."""
    limit, k, p = math.exp(-mean), 0, 1.0
    for _ in range(10_000):
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
    return k


def build_fleet(seed: int, days: int, scale: float = 1.0) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for model, part_class, afr, lead, per_site in MODELS:
        for site, base in zip(SITES, per_site, strict=True):
            n = max(1, round(base * scale))
            daily = n * afr / forecast.DAYS_PER_YEAR
            items.append(Item(model, part_class, site, n, lead,
                              [poisson_draw(rng, daily) for _ in range(days)]))
    return items


@dataclass
class Outcome:
    """What one policy achieved over the whole replay."""

    windows: int = 0
    windows_with_stockout: int = 0
    stockouts: int = 0
    failures: int = 0
    stock_unit_days: float = 0.0
    days: int = 0
    item_levels: list[tuple[str, float]] = field(default_factory=list)

    def items_meeting(self, level: float) -> int:
        return sum(1 for _, lv in self.item_levels if lv >= level)

    @property
    def worst_item(self) -> tuple[str, float]:
        return min(self.item_levels, key=lambda x: x[1]) if self.item_levels else ("-", 1.0)

    @property
    def service_level(self) -> float:
        return 1 - self.windows_with_stockout / self.windows if self.windows else 1.0

    @property
    def average_stock_units(self) -> float:
        return self.stock_unit_days / self.days if self.days else 0.0


Target = Callable[[Item, int, dict[str, tuple[int, float]]], int]


@dataclass
class Shelf:
    """One item's stock during the replay."""

    on_hand: int
    pipeline: list[tuple[int, int]] = field(default_factory=list)  # (arrival day, units)
    backorders: int = 0
    bad_windows: set[int] = field(default_factory=set)


def replay(items: list[Item], days: int, target: Target, start_stock: Target) -> Outcome:
    """Daily: deliveries, failures (a spare on hand or a stock-out), then order up to target."""
    out = Outcome(days=days)
    seen: dict[str, tuple[int, float]] = {}  # model -> (failures, device-years) fleet-wide
    shelves = [Shelf(start_stock(it, 0, seen)) for it in items]
    for day in range(days):
        for it, sh in zip(items, shelves, strict=True):
            arriving = sum(q for d, q in sh.pipeline if d == day)
            if arriving:
                sh.pipeline = [(d, q) for d, q in sh.pipeline if d != day]
                served = min(arriving, sh.backorders)
                sh.backorders -= served
                sh.on_hand += arriving - served
            failed = it.failures_by_day[day]
            out.failures += failed
            from_shelf = min(failed, sh.on_hand)
            sh.on_hand -= from_shelf
            if failed > from_shelf:
                sh.backorders += failed - from_shelf
                out.stockouts += failed - from_shelf
                sh.bad_windows.add(day // it.lead_time_days)
            out.stock_unit_days += sh.on_hand
        for it in items:  # the fleet's own history, as the controller would have it
            f, years = seen.get(it.model, (0, 0.0))
            seen[it.model] = (f + it.failures_by_day[day],
                              years + it.installed / forecast.DAYS_PER_YEAR)
        for it, sh in zip(items, shelves, strict=True):
            position = sh.on_hand + sum(q for _, q in sh.pipeline) - sh.backorders
            want = target(it, day, seen)
            if position < want:
                sh.pipeline.append((day + it.lead_time_days, want - position))
    for it, sh in zip(items, shelves, strict=True):
        windows = days // it.lead_time_days
        bad = len({w for w in sh.bad_windows if w < windows})
        out.windows += windows
        out.windows_with_stockout += bad
        out.item_levels.append((f"{it.model}@{it.site}", 1 - bad / windows if windows else 1.0))
    return out


def hotspare_target(service_level: float, measure: str = forecast.WINDOW) -> Target:
    def target(it: Item, day: int, seen: dict[str, tuple[int, float]]) -> int:
        d = defaults_for(it.part_class)
        failures, years = seen.get(it.model, (0, 0.0))
        rate = forecast.afr_estimate(failures, years, d.prior_afr_per_year, d.prior_device_years)
        demand = forecast.lead_time_demand(it.installed, rate.afr_per_year, it.lead_time_days)
        return forecast.reorder_point(demand, service_level, measure)
    return target


def fixed_min_target(per_thousand: float, uniform: bool) -> Target:
    """The asset-manager way: one minimum per part, set once (the same for all, or a share of
    the part's installed base), blind to failure rates and lead times."""
    def target(it: Item, day: int, seen: dict[str, tuple[int, float]]) -> int:
        if uniform:
            return int(per_thousand)
        return max(1, math.ceil(per_thousand * it.installed / 1000))
    return target


def tune(items: list[Item], days: int, uniform: bool, goal: Callable[[Outcome], bool]
         ) -> tuple[float, Outcome]:
    """Smallest minimum (integer when uniform, else a share by bisection) meeting the goal."""
    if uniform:
        for m in range(1, 60):
            res = replay(items, days, fixed_min_target(m, True), fixed_min_target(m, True))
            if goal(res):
                break
        return m, res
    low, high = 0.0, 400.0
    best = replay(items, days, fixed_min_target(high, False), fixed_min_target(high, False))
    for _ in range(24):
        mid = (low + high) / 2
        res = replay(items, days, fixed_min_target(mid, False), fixed_min_target(mid, False))
        if goal(res):
            high, best = mid, res
        else:
            low = mid
    return high, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--service-level", type=float, default=0.95)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every installed base")
    args = parser.parse_args()
    days = int(args.years * forecast.DAYS_PER_YEAR)
    items = build_fleet(args.seed, days, args.scale)
    installed = sum(it.installed for it in items)
    level = args.service_level
    hs = replay(items, days, hotspare_target(level), hotspare_target(level))
    moment = replay(items, days, hotspare_target(level, forecast.MOMENT),
                    hotspare_target(level, forecast.MOMENT))
    print(f"fleet: {installed} parts, {len(MODELS)} models x {len(SITES)} sites, {args.years:g}"
          f" years, seed {args.seed}, {hs.failures} failures replayed; service = share of"
          " lead-time windows without a stock-out")
    print(f"{'policy':<58} {'service':>8} {'avg stock':>9} {'stock-outs':>10}"
          f" {'parts>=target':>13}  worst part")
    rows = [(f"HotSpare, window reorder point (target {level:.0%})", hs),
            (f"HotSpare, moment reorder point P(D<=S)>={level:.0%}", moment)]
    goals: list[tuple[str, Callable[[Outcome], bool]]] = [
        ("same avg stock", lambda o: o.average_stock_units >= hs.average_stock_units),
        (f"fleet >= {level:.0%}", lambda o: o.service_level >= level),
        (f"same service {hs.service_level:.1%}", lambda o: o.service_level >= hs.service_level),
        (f"every part >= {level:.0%}", lambda o: o.items_meeting(level) == len(items)),
    ]
    needed: dict[tuple[str, str], Outcome] = {}
    for uniform, label in ((True, "same min everywhere"), (False, "min per 1000 installed")):
        unit = "" if uniform else "/1000"
        for goal_name, goal in goals:
            c, res = tune(items, days, uniform, goal)
            shown = "~0 (floor 1)" if not uniform and c < 0.01 else f"{c:.3g}{unit}"
            rows.append((f"fixed {label} {shown} ({goal_name})", res))
            needed[(label, goal_name)] = res
    for name, res in rows:
        worst, worst_level = res.worst_item
        print(f"{name:<58} {res.service_level:>8.2%} {res.average_stock_units:>9.1f}"
              f" {res.stockouts:>10} {res.items_meeting(level):>6}/{len(items):<6}"
              f"  {worst} {worst_level:.1%}")
    for (label, goal_name), res in needed.items():
        if goal_name != "same avg stock":
            print(f"ratio: {label} ({goal_name}) holds"
                  f" {res.average_stock_units / hs.average_stock_units:.2f}x HotSpare's stock")

if __name__ == "__main__":
    main()
