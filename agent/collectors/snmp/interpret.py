"""Pure: walked SNMP columns + a profile -> readings and components (counters made into rates)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from agent.collectors.snmp.profiles import ComponentSpec, ReadingSpec, TableSpec
from agent.collectors.snmp.session import Value
from hotspare import model

S = model.Status
_STATUS = {"ok": S.OK, "warning": S.WARNING, "critical": S.CRITICAL, "unknown": S.UNKNOWN}
_TEMPLATE = re.compile(r"\{([a-z_0-9]+)\}")
COUNTER64_MAX = 2**64
COUNTER32_MAX = 2**32


@dataclass
class CounterState:
    """Previous counter samples per (reading id, counter): for rates across polls."""

    samples: dict[str, tuple[float, int]] = field(default_factory=dict)

    def rate(self, key: str, now_s: float, value: int, restarted: bool) -> float | None:
        """Per-second rate; None on the first sample, after a restart or a backwards counter."""
        prev = self.samples.get(key)
        self.samples[key] = (now_s, value)
        if prev is None or restarted or now_s <= prev[0]:
            return None
        delta = value - prev[1]
        if delta < 0:  # a wrap or a reset: never turned into an absurd rate
            return None
        return delta / (now_s - prev[0])

    def clear(self) -> None:
        self.samples.clear()


def rows(table: TableSpec, walked: Mapping[str, Value]) -> dict[str, dict[str, Value]]:
    """Group walked OIDs into rows by index (the OID suffix after each column)."""
    out: dict[str, dict[str, Value]] = {}
    for name, column in table.columns.items():
        prefix = column + "."
        for oid, value in walked.items():
            if oid.startswith(prefix):
                out.setdefault(oid[len(prefix):], {})[name] = value
    return out


def fill(template: str, row: Mapping[str, Value], index: str) -> str:
    def repl(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "index":
            return index
        value = row.get(key)
        if isinstance(value, bytes):
            return value.hex()
        return "" if value is None else str(value).strip()

    return _TEMPLATE.sub(repl, template)


def _num(value: Value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(float(value)) else None
    return None


class BadValue(ValueError):
    """A column held a value of the wrong type."""


def _value(spec: ReadingSpec, row: Mapping[str, Value], key: str, now_s: float,
           counters: CounterState, restarted: bool) -> float | None:
    def need(col: str) -> float:
        raw = row.get(col)
        number = _num(raw)
        if number is None:
            if raw is None:
                raise KeyError(col)
            raise BadValue(f"column {col} is {type(raw).__name__} {raw!r:.40}, not a number")
        return number

    if spec.expr == "state":
        return need(spec.value) if spec.value else None
    if spec.expr == "column":
        return need(spec.value) * spec.scale
    if spec.expr == "percent":
        total = need(spec.total)
        return None if total <= 0 else 100.0 * need(spec.value) / total
    if spec.expr == "percent_free":  # value is what is free: used % = 100 - free/total
        total = need(spec.total)
        return None if total <= 0 else 100.0 * (total - need(spec.value)) / total
    if spec.expr == "entity_sensor":
        # ENTITY-SENSOR-MIB: value x 10^(3*(scale-9)) / 10^precision, scale 9 = units
        scale = need(spec.total) if spec.total else 9.0
        precision = need(spec.speed) if spec.speed else 0.0
        return need(spec.value) * 10 ** (3 * (scale - 9)) / 10 ** precision
    if spec.expr == "rate":
        return counters.rate(f"{key}:{spec.value}", now_s, int(need(spec.value)), restarted)
    if spec.expr == "bandwidth":
        speed_mbps = need(spec.speed)
        rx = counters.rate(f"{key}:rx", now_s, int(need(spec.rx)), restarted)
        tx = counters.rate(f"{key}:tx", now_s, int(need(spec.tx)), restarted)
        if rx is None or tx is None or speed_mbps <= 0:
            return None
        return min(100.0, max(rx, tx) * 8 / (speed_mbps * 1_000_000) * 100)
    return None


def _status(spec: ReadingSpec, row: Mapping[str, Value], value: float | None
            ) -> tuple[model.Status, str]:
    if spec.status_column:
        raw = row.get(spec.status_column)
        mapped = spec.status_map.get(str(raw))
        if mapped is None:
            return S.UNKNOWN, f"{spec.status_column}={raw!r} has no mapping"
        status_text, _, reason = mapped.partition(":")
        status = _STATUS[status_text]
        if status is not S.OK or reason:
            return status, reason or f"{spec.status_column}={raw!r}"
    if value is not None:
        for limit, status, op in ((spec.crit_above, S.CRITICAL, ">="),
                                  (spec.crit_below, S.CRITICAL, "<="),
                                  (spec.warn_above, S.WARNING, ">="),
                                  (spec.warn_below, S.WARNING, "<=")):
            if limit is None:
                continue
            if (op == ">=" and value >= limit) or (op == "<=" and value <= limit):
                return status, f"{value:g} {op} {limit:g} (profile)"
    return S.OK, ""


def readings_for(asset_id: str, table: TableSpec, walked: Mapping[str, Value], now_ms: int,
                 counters: CounterState, restarted: bool, interval_seconds: float
                 ) -> tuple[list[model.Reading], list[str]]:
    """Readings of one table; a bad value spoils only its own reading (reported as such)."""
    out: list[model.Reading] = []
    problems: list[str] = []
    for index, row in sorted(rows(table, walked).items()):
        if table.skip_column and str(row.get(table.skip_column)) in table.skip_values:
            continue
        for spec in table.readings:
            if spec.when_column and str(row.get(spec.when_column)) not in spec.when_values:
                continue
            sensor_id = fill(spec.id, row, index)
            labels = {k: fill(v, row, index) for k, v in spec.labels.items()}
            labels["interval_seconds"] = f"{interval_seconds:g}"
            labels["threshold_source"] = "mib"
            try:
                value = _value(spec, row, f"{table.name}:{sensor_id}", now_ms / 1000, counters,
                               restarted)
            except KeyError as exc:
                out.append(model.Reading(asset_id, sensor_id, spec.kind, None, spec.unit,
                                         S.UNKNOWN, f"no value for {exc.args[0]} (noSuchInstance"
                                         " or missing)", now_ms, fill(spec.name, row, index),
                                         labels))
                continue
            except BadValue as exc:
                problems.append(f"{sensor_id}: {exc}")
                out.append(model.Reading(asset_id, sensor_id, spec.kind, None, spec.unit,
                                         S.UNKNOWN, f"bad value: {exc}", now_ms,
                                         fill(spec.name, row, index), labels))
                continue
            if value is None and spec.expr in ("rate", "bandwidth"):
                continue  # first sample, restart or wrap: no rate this time, nothing absurd
            status, reason = _status(spec, row, value)
            if spec.expr == "state" and spec.status_column:
                labels["state"] = str(row.get(spec.status_column))
            out.append(model.Reading(asset_id, sensor_id, spec.kind,
                                     None if value is None else round(value, 6), spec.unit,
                                     status, reason, now_ms, fill(spec.name, row, index) or
                                     sensor_id, labels))
    return out, problems


def components_for(asset_id: str, table: TableSpec, walked: Mapping[str, Value]
                   ) -> list[model.Component]:
    out = []
    for index, row in sorted(rows(table, walked).items()):
        for spec in table.components:
            out.append(_component(asset_id, spec, row, index))
    return [c for c in out if c.model or c.serial or c.description]


def _component(asset_id: str, spec: ComponentSpec, row: Mapping[str, Value], index: str
               ) -> model.Component:
    kind = spec.type
    if spec.type_column:
        kind = spec.type_map.get(str(row.get(spec.type_column)), spec.type)
    return model.Component(
        component_id=fill(spec.id, row, index), asset_id=asset_id, type=kind,
        vendor=fill(spec.vendor, row, index), model=fill(spec.model, row, index),
        part_number=fill(spec.part_number, row, index), serial=fill(spec.serial, row, index),
        firmware=fill(spec.firmware, row, index),
        description=fill(spec.description, row, index),
        fru=str(row.get(spec.fru_column)) == "1" if spec.fru_column else False,
    )
