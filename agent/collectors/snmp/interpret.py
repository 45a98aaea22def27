"""Pure: walked SNMP columns + a profile -> readings and components (counters made into rates)."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agent.collectors.snmp.profiles import ComponentSpec, ReadingSpec, TableSpec
from agent.collectors.snmp.session import Value
from hotspare import model

S = model.Status
_STATUS = {"ok": S.OK, "warning": S.WARNING, "critical": S.CRITICAL, "unknown": S.UNKNOWN}
_TEMPLATE = re.compile(r"\{([a-z_0-9|@]+)\}")
COUNTER64_MAX = 2**64
COUNTER32_MAX = 2**32


@dataclass
class CounterState:
    """Previous counter samples per (reading id, counter): for rates across polls."""

    samples: dict[str, tuple[float, int]] = field(default_factory=dict)
    states: dict[str, bool] = field(default_factory=dict)  # alarm_on_change: last seen ok?

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


def _column(walked: Mapping[str, Value], column: str) -> dict[str, Value]:
    prefix = column + "."
    return {oid[len(prefix):]: value for oid, value in walked.items() if oid.startswith(prefix)}


def rows(table: TableSpec, walked: Mapping[str, Value]) -> dict[str, dict[str, Value]]:
    """Group walked OIDs into rows by index (the OID suffix after each column).

    A join adds another table's columns to the rows its key column points at.
    """
    out: dict[str, dict[str, Value]] = {}
    for name, column in table.columns.items():
        for index, value in _column(walked, column).items():
            out.setdefault(index, {})[name] = value
    if table.join is not None:
        ours = {other: _text(index) for other, index in _column(walked, table.join.key).items()}
        for name, column in table.join.columns.items():
            for other, value in _column(walked, column).items():
                row = out.get(ours.get(other, ""))
                if row is not None:
                    row[name] = value
    return out


def _text(value: Value) -> str:
    if isinstance(value, bytes):
        return value.hex()
    return "" if value is None else str(value).strip()


def fill(template: str, row: Mapping[str, Value], index: str,
         table_rows: Mapping[str, Mapping[str, Value]] | None = None,
         parent_column: str = "") -> str:
    """Fill {column}, {index}, {a|b|index} (first non-empty) and {column@parent}."""
    def one(key: str) -> str:
        if key == "index":
            return index
        col, _, where = key.partition("@")
        if where == "parent":
            if not table_rows or not parent_column:
                return ""
            seen = {index}
            parent = _text(row.get(parent_column))
            for _ in range(16):  # bounded walk up the containment tree
                if not parent or parent in seen or parent == "0":
                    return ""
                seen.add(parent)
                prow = table_rows.get(parent)
                if prow is None:
                    return ""
                found = _text(prow.get(col))
                if found:
                    return found
                parent = _text(prow.get(parent_column))
            return ""
        return _text(row.get(col))

    def repl(match: re.Match[str]) -> str:
        for alt in match.group(1).split("|"):
            got = one(alt)
            if got:
                return got
        return ""

    return _TEMPLATE.sub(repl, template)


def _num(value: Value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(float(value)) else None
    return None


def _sig(value: float) -> float:
    """Round to 10 significant digits: float noise goes, tiny values (optical watts) stay."""
    return float(f"{value:.10g}")


class BadValue(ValueError):
    """A column held a value of the wrong type."""


class NotAvailable(LookupError):
    """The device says the value is not available (a sentinel such as -1, or NULL)."""


@dataclass
class _Trace:
    oids: list[str] = field(default_factory=list)
    raw: list[Value] = field(default_factory=list)
    scale: float | None = None

    def use(self, oid: str, raw: Value) -> None:
        self.oids.append(oid)
        self.raw.append(raw)


def _entity_scale(scale_code: float, precision: float) -> Decimal:
    """ENTITY-SENSOR-MIB: units x 10^(3*(scale-9)) / 10^precision, exactly."""
    return Decimal(1).scaleb(int(3 * (scale_code - 9) - precision))


def _exact(raw: float, factor: Decimal) -> float:
    if raw.is_integer():
        return float(Decimal(int(raw)) * factor)
    return raw * float(factor)


def _value(spec: ReadingSpec, table: TableSpec, row: Mapping[str, Value], index: str,
           key: str, now_s: float, counters: CounterState, restarted: bool, trace: _Trace
           ) -> float | None:
    def need(col: str) -> float:
        if "+" in col:  # a sum of columns (free = available + buffers + cached)
            return sum(need(part) for part in col.split("+"))
        raw = row.get(col)
        oid = f"{table.columns[col]}.{index}"
        trace.use(oid, raw)
        if raw is not None and str(raw) in spec.missing_values:
            raise NotAvailable(f"{col} = {raw!s} ({oid}): the device reports it as not "
                               "available")
        number = _num(raw)
        if number is None:
            if raw is None:
                raise KeyError(col)
            raise BadValue(f"column {col} is {type(raw).__name__} {raw!r:.40}, not a number")
        return number

    if spec.expr == "state":
        return need(spec.value) if spec.value else None
    if spec.expr == "column":
        try:
            value = need(spec.value)
            trace.scale = spec.scale
            return _exact(value, Decimal(repr(spec.scale)))
        except (KeyError, NotAvailable):
            if not spec.fallback:
                raise
            trace.oids.clear()
            trace.raw.clear()
            trace.scale = spec.fallback_scale
            return _exact(need(spec.fallback), Decimal(repr(spec.fallback_scale)))
    if spec.expr == "percent":
        total = need(spec.total)
        return None if total <= 0 else 100.0 * need(spec.value) / total
    if spec.expr == "percent_free":  # value is what is free: used % = 100 - free/total
        total = need(spec.total)
        try:
            free = need(spec.value)
        except (KeyError, NotAvailable):
            if not spec.fallback:
                raise
            free = need(spec.fallback)
        return None if total <= 0 else 100.0 * (total - free) / total
    if spec.expr == "entity_sensor":
        value = need(spec.value)
        factor = _entity_scale(need(spec.total) if spec.total else 9.0,
                               need(spec.speed) if spec.speed else 0.0)
        trace.scale = float(factor * Decimal(repr(spec.scale)))
        return _exact(value, factor * Decimal(repr(spec.scale)))
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


def _dbm(watts_scaled: float, spec: ReadingSpec) -> float:
    milliwatts = watts_scaled / spec.scale * 1000 if spec.scale else 0.0
    if milliwatts <= 0:
        raise NotAvailable("no optical power (0 W has no dBm value)")
    return 10 * math.log10(milliwatts)


def _device_limits(spec: ReadingSpec, table: TableSpec, row: Mapping[str, Value], index: str,
                   factor: float | None, thr_rows: Mapping[str, list[dict[str, Value]]]
                   ) -> tuple[dict[str, float], str, bool]:
    """Limits the device publishes for this row (scaled like the value), whether one is
    currently crossed by the device's own evaluation ("" or the severity), and whether the
    device publishes thresholds of its own at all (then generic limits do not apply)."""
    limits: dict[str, float] = {}
    crossed = ""
    published = False
    scale = 1.0 if factor is None else factor
    for limit, col in spec.limit_columns.items():
        raw = _num(row.get(col))
        if raw is None or str(row.get(col)) in spec.missing_values:
            continue
        limits[limit] = _sig(raw * scale)
    thr = table.thresholds
    if thr is not None:
        for trow in thr_rows.get(index, []):
            published = True
            severity = thr.severity_map.get(str(trow.get("severity")), "ignore")
            relation = str(trow.get("relation"))
            raw = _num(trow.get("value"))
            if severity == "ignore" or raw is None:
                continue
            if thr.evaluation and str(trow.get("evaluation")) not in ("1", "2"):
                continue  # no valid evaluation (NX-OS: 0 with lessThan on every row): unusable
            side = {"1": "below", "2": "below", "3": "above", "4": "above"}.get(relation)
            if side is None:
                continue
            name = f"{'warn' if severity == 'warning' else 'crit'}_{side}"
            value = _sig(raw * scale)
            # several rows of one severity: the tightest one wins
            if name not in limits or (side == "above") == (value < limits[name]):
                limits[name] = value
            if str(trow.get("evaluation")) == "1" and crossed != "critical":
                crossed = severity
    if spec.transform == "dbm":
        converted = {}
        for name, v in limits.items():
            try:
                converted[name] = _sig(_dbm(v, spec))
            except NotAvailable:
                continue
        limits = converted
    return limits, crossed, published


def _judge(value: float, limits: Mapping[str, float], source: str) -> tuple[model.Status, str]:
    for name, status, op in (("crit_above", S.CRITICAL, ">="), ("crit_below", S.CRITICAL, "<="),
                             ("warn_above", S.WARNING, ">="), ("warn_below", S.WARNING, "<=")):
        limit = limits.get(name)
        if limit is None:
            continue
        if (op == ">=" and value >= limit) or (op == "<=" and value <= limit):
            return status, f"{value:g} {op} {limit:g} ({source})"
    return S.OK, ""


def _profile_limits(spec: ReadingSpec) -> dict[str, float]:
    return {name: v for name, v in (("warn_above", spec.warn_above),
                                    ("crit_above", spec.crit_above),
                                    ("warn_below", spec.warn_below),
                                    ("crit_below", spec.crit_below)) if v is not None}


def _threshold_rows(table: TableSpec, walked: Mapping[str, Value]
                    ) -> dict[str, list[dict[str, Value]]]:
    """Vendor threshold rows grouped by the sensor's index (all but the last sub-identifier)."""
    thr = table.thresholds
    if thr is None:
        return {}
    spec = TableSpec("thresholds", {k: v for k, v in (("severity", thr.severity),
                                                       ("relation", thr.relation),
                                                       ("value", thr.value),
                                                       ("evaluation", thr.evaluation)) if v})
    out: dict[str, list[dict[str, Value]]] = {}
    for index, row in sorted(rows(spec, walked).items()):
        sensor, _, _ = index.rpartition(".")
        if sensor:
            out.setdefault(sensor, []).append(row)
    return out


def _absent_rows(table: TableSpec, table_rows: Mapping[str, Mapping[str, Value]]) -> set[str]:
    """Rows (lines, phases) reading 0 on every listed column while another row does not."""
    if not table.absent_if_zero:
        return set()
    zero = {index for index, row in table_rows.items()
            if all(not _num(row.get(c)) for c in table.absent_if_zero)}
    return zero if len(zero) < len(table_rows) or table.all_zero_absent else set()


def readings_for(asset_id: str, table: TableSpec, walked: Mapping[str, Value], now_ms: int,
                 counters: CounterState, restarted: bool, interval_seconds: float,
                 trace: dict[str, dict[str, Any]] | None = None,
                 ) -> tuple[list[model.Reading], list[str]]:
    """Readings of one table; a bad value spoils only its own reading (reported as such).

    With `trace`, each reading's provenance (source OIDs, raw values, scale, unit, thresholds
    and where they came from) is recorded there by sensor id, for `hotspare snmp probe`.
    """
    out: list[model.Reading] = []
    problems: list[str] = []
    traces: list[dict[str, Any]] = []
    indexes: list[str] = []
    table_rows = rows(table, walked)
    thr_rows = _threshold_rows(table, walked)
    absent = _absent_rows(table, table_rows)
    excluded = [re.compile(p) for p in table.exclude_patterns]
    included = [re.compile(p) for p in table.include_patterns]
    for index, row in sorted(table_rows.items()):
        subject = _text(row.get(table.exclude_column)) if table.exclude_column else ""
        kept = any(p.search(subject) for p in included)
        if table.skip_column and str(row.get(table.skip_column)) in table.skip_values \
                and not kept:
            continue
        if index in absent:
            continue
        if excluded and not kept and any(p.search(subject) for p in excluded):
            continue
        for spec in table.readings:
            if spec.when_column and str(row.get(spec.when_column)) not in spec.when_values:
                continue
            if spec.pattern_column:
                subject = _text(row.get(spec.pattern_column))
                if spec.when_pattern and not re.search(spec.when_pattern, subject):
                    continue
                if spec.unless_pattern and re.search(spec.unless_pattern, subject):
                    continue
            reading, problem, info = _one(asset_id, table, spec, row, index, table_rows,
                                          thr_rows, now_ms, counters, restarted,
                                          interval_seconds)
            if problem:
                problems.append(problem)
            if reading is not None:
                out.append(reading)
                traces.append(info)
                indexes.append(index)
    _unique(out, indexes)
    if trace is not None:
        for reading, info in zip(out, traces, strict=True):
            trace[reading.sensor_id] = info
    return out, problems


def _unique(out: list[model.Reading], indexes: list[str]) -> None:
    """Rows sharing a templated id (two interfaces named alike) get their index appended."""
    seen: dict[str, int] = {}
    for r in out:
        seen[r.sensor_id] = seen.get(r.sensor_id, 0) + 1
    for i, r in enumerate(out):
        if seen[r.sensor_id] > 1:
            out[i] = dataclasses.replace(r, sensor_id=f"{r.sensor_id}#{indexes[i]}")


def _one(asset_id: str, table: TableSpec, spec: ReadingSpec, row: Mapping[str, Value],
         index: str, table_rows: Mapping[str, Mapping[str, Value]],
         thr_rows: Mapping[str, list[dict[str, Value]]], now_ms: int,
         counters: CounterState, restarted: bool, interval_seconds: float
         ) -> tuple[model.Reading | None, str, dict[str, Any]]:
    def tmpl(text: str) -> str:
        return fill(text, row, index, table_rows, table.parent_column)

    sensor_id = tmpl(spec.id)
    name = tmpl(spec.name) or sensor_id
    labels = {k: tmpl(v) for k, v in spec.labels.items()}
    labels["interval_seconds"] = f"{interval_seconds:g}"
    labels["threshold_source"] = "mib"
    tr = _Trace()
    info: dict[str, Any] = {"oids": tr.oids, "raw": tr.raw, "unit": spec.unit}

    def unknown(reason: str) -> tuple[model.Reading, str, dict[str, Any]]:
        info["status_source"] = "not available"
        return (model.Reading(asset_id, sensor_id, spec.kind, None, spec.unit, S.UNKNOWN,
                              reason, now_ms, name, labels), "", info)

    try:
        value = _value(spec, table, row, index, f"{table.name}:{sensor_id}", now_ms / 1000,
                       counters, restarted, tr)
        if value is not None and spec.transform == "dbm":
            value = _dbm(value, spec)
    except KeyError as exc:
        return unknown(f"not available: no value for {exc.args[0]} (NULL, noSuchInstance or "
                       "missing)")
    except NotAvailable as exc:
        labels["not_available"] = "true"
        return unknown(f"not available: {exc}")
    except BadValue as exc:
        reading, _, info = unknown(f"bad value: {exc}")
        return reading, f"{sensor_id}: {exc}", info
    if value is None and spec.expr in ("rate", "bandwidth"):
        return None, "", info  # first sample, restart or wrap: no rate this time
    info["scale"] = tr.scale
    device, crossed, published = _device_limits(spec, table, row, index, tr.scale, thr_rows)
    profile = {} if published else _profile_limits(spec)
    status, reason = S.OK, ""
    source = "none"
    if spec.status_column:
        raw = row.get(spec.status_column)
        info["oids"].append(f"{table.columns[spec.status_column]}.{index}")
        info["raw"].append(raw)
        mapped = spec.status_map.get(str(raw))
        if mapped is None:
            status, reason = S.UNKNOWN, f"{spec.status_column}={raw!r} has no mapping"
        else:
            status_text, _, text = mapped.partition(":")
            status = _STATUS[status_text]
            reason = text or (f"{spec.status_column}={raw!r}" if status is not S.OK else "")
        if spec.expr == "state":
            labels["state"] = str(raw)
        if spec.device_state:
            source = "device state"
    if status is S.OK and crossed:
        status = S.CRITICAL if crossed == "critical" else S.WARNING
        reason = f"the device reports its {crossed} threshold crossed"
        source = "device state"
    limits = device or ({} if spec.device_state else profile)
    if device:
        source = "device" if source == "none" else source
        labels["threshold_source"] = "device"
        labels.update({k: f"{v:g}" for k, v in device.items()})
    elif limits and source == "none":
        source = "profile"
    evaluated = table.thresholds is not None and bool(table.thresholds.evaluation) and bool(
        device) and not crossed
    if published and not device:
        source = "device (its thresholds have no valid relation/evaluation: not judged)"
    if status is S.OK and value is not None and limits and not crossed and not evaluated:
        judged, why = _judge(value, limits, "device threshold" if device else "profile")
        if judged is not S.OK:
            status, reason = judged, why
    if spec.alarm_on_change:
        key = f"{table.name}:{sensor_id}"
        if status in (S.WARNING, S.CRITICAL):
            if not counters.states.get(key, False):
                status, reason = S.OK, f"{reason} (not alarmed: never seen ok since the agent " \
                    "started; alarms when it goes from ok to not ok)"
            else:
                reason = f"{reason} (was ok)"
        elif status is S.OK:
            counters.states[key] = True
    info["thresholds"] = limits
    info["threshold_source"] = source
    if value is not None:
        value = _sig(value)
    return (model.Reading(asset_id, sensor_id, spec.kind, value, spec.unit, status, reason,
                          now_ms, name, labels), "", info)


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
