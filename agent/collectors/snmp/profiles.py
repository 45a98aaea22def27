"""Device profiles: TOML data files mapping MIB tables to readings and inventory, loaded and checked."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from hotspare import model
from hotspare.tomlconf import ConfigError, Located, Section

EXPRS = {"column", "percent", "percent_free", "rate", "bandwidth", "entity_sensor", "state"}
TRANSFORMS = {"", "dbm"}
LIMITS = ("warn_above", "crit_above", "warn_below", "crit_below")
_FIELD = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class ReadingSpec:
    """How one row of a table becomes one reading."""

    id: str
    name: str
    kind: model.ReadingKind
    expr: str = "column"
    value: str = ""
    total: str = ""
    rx: str = ""
    tx: str = ""
    speed: str = ""
    scale: float = 1.0
    unit: str = ""
    status_column: str = ""
    status_map: dict[str, str] = field(default_factory=dict)
    warn_above: float | None = None
    crit_above: float | None = None
    warn_below: float | None = None
    crit_below: float | None = None
    labels: dict[str, str] = field(default_factory=dict)  # label -> template
    when_column: str = ""  # only rows whose column holds one of when_values
    when_values: tuple[str, ...] = ()
    when_pattern: str = ""  # only rows whose when_pattern_column matches this regex
    unless_pattern: str = ""  # ... and does not match this one
    pattern_column: str = ""
    fallback: str = ""  # column read when `value` is missing or not available
    fallback_scale: float = 1.0
    missing_values: tuple[str, ...] = ()  # raw values meaning "not available" (e.g. -1)
    limit_columns: dict[str, str] = field(default_factory=dict)  # warn_above -> column
    device_state: bool = False  # status_column is the device's own verdict on the value
    transform: str = ""  # "dbm": watts -> dBm
    alarm_on_change: bool = False  # not-ok alarms only after the sensor was seen ok (ports)


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """How one row becomes an inventory component."""

    id: str
    type: str
    type_column: str = ""
    type_map: dict[str, str] = field(default_factory=dict)
    model: str = ""
    serial: str = ""
    part_number: str = ""
    firmware: str = ""
    vendor: str = ""
    description: str = ""
    fru_column: str = ""


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A MIB table (or scalar group): named columns (full OIDs) and what each row yields."""

    name: str
    columns: dict[str, str]
    readings: tuple[ReadingSpec, ...] = ()
    components: tuple[ComponentSpec, ...] = ()
    skip_column: str = ""
    skip_values: tuple[str, ...] = ()
    discovery_only: bool = False
    exclude_column: str = ""  # rows whose column matches one of exclude_patterns are skipped
    exclude_patterns: tuple[str, ...] = ()
    absent_if_zero: tuple[str, ...] = ()  # a row reading 0 in all of these (while another
    # row does not) is an absent line/phase, not a reading
    all_zero_absent: bool = False  # ... and every row at 0 is an absent group (no bypass)
    parent_column: str = ""  # index of the containing row: {column@parent} in templates
    thresholds: ThresholdRows | None = None
    join: JoinSpec | None = None
    include_patterns: tuple[str, ...] = ()  # rows whose exclude_column matches one are kept
    # although an exclude pattern or skip value would drop them (set per target)
    target_filter: str = ""  # per-target `<target_filter>_exclude`/`_include` patterns apply


@dataclass(frozen=True, slots=True)
class JoinSpec:
    """Columns of another table whose `key` column holds this table's index (hrFSTable ->
    hrStorage by hrFSStorageIndex): they join the row under their names."""

    key: str
    columns: dict[str, str]


@dataclass(frozen=True, slots=True)
class ThresholdRows:
    """A vendor threshold table indexed <sensor index>.<threshold index> (CISCO-ENTITY-SENSOR)."""

    severity: str
    relation: str
    value: str
    evaluation: str = ""
    severity_map: dict[str, str] = field(default_factory=dict)  # raw -> warning/critical


@dataclass(frozen=True, slots=True)
class Profile:
    """One device profile."""

    name: str
    description: str
    sysobjectid_prefixes: tuple[str, ...]
    probe: str
    tables: tuple[TableSpec, ...]
    asset_kind: str = ""
    vendor: str = ""

    def oids(self, discovery: bool) -> list[str]:
        out: list[str] = []
        for t in self.tables:
            if discovery or not t.discovery_only:
                out += t.columns.values()
                if t.join:
                    out += [t.join.key, *t.join.columns.values()]
                if t.thresholds:
                    thr = t.thresholds
                    out += [c for c in (thr.severity, thr.relation, thr.value, thr.evaluation)
                            if c]
        return out


def _status_map(sec: Section, key: str) -> dict[str, str]:
    mapping = sec.str_map(key)
    for k, v in mapping.items():
        status = v.split(":", 1)[0]
        if status not in ("ok", "warning", "critical", "unknown"):
            raise sec.error(key, f"{k!r}: status must be ok, warning, critical or unknown")
    return mapping


def _opt(sec: Section, key: str) -> float | None:
    return sec.float(key, 0.0) if key in sec.data else None


def _regex(sec: Section, key: str, text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise sec.error(key, f"bad regular expression {text!r}: {exc}") from None
    return text


def _template_columns(template: str) -> list[str]:
    out = []
    for field_ in _FIELD.findall(template):
        for alt in field_.split("|"):
            col = alt.split("@", 1)[0]
            if col and col != "index":
                out.append(col)
    return out


def _reading(sec: Section, columns: dict[str, str]) -> ReadingSpec:
    kind_text = sec.str("kind", required=True)
    try:
        kind = model.ReadingKind(kind_text)
    except ValueError:
        raise sec.error("kind", f"unknown reading kind {kind_text!r}") from None
    expr = sec.str("expr", "column")
    if expr not in EXPRS:
        raise sec.error("expr", f"must be one of {', '.join(sorted(EXPRS))}")
    spec = ReadingSpec(
        id=sec.str("id", required=True), name=sec.str("name", ""), kind=kind, expr=expr,
        value=sec.str("value", ""), total=sec.str("total", ""), rx=sec.str("rx", ""),
        tx=sec.str("tx", ""), speed=sec.str("speed", ""), scale=sec.float("scale", 1.0),
        unit=sec.str("unit", ""), status_column=sec.str("status_column", ""),
        status_map=_status_map(sec, "status_map"), warn_above=_opt(sec, "warn_above"),
        crit_above=_opt(sec, "crit_above"), warn_below=_opt(sec, "warn_below"),
        crit_below=_opt(sec, "crit_below"), labels=sec.str_map("labels"),
        when_column=sec.str("when_column", ""), when_values=tuple(sec.str_list("when_values")),
        when_pattern=_regex(sec, "when_pattern", sec.str("when_pattern", "")),
        unless_pattern=_regex(sec, "unless_pattern", sec.str("unless_pattern", "")),
        pattern_column=sec.str("pattern_column", ""),
        fallback=sec.str("fallback", ""), fallback_scale=sec.float("fallback_scale", 1.0),
        missing_values=tuple(sec.str_list("missing_values")),
        limit_columns=sec.str_map("limit_columns"), device_state=sec.bool("device_state", False),
        transform=sec.str("transform", ""), alarm_on_change=sec.bool("alarm_on_change", False),
    )
    if spec.transform not in TRANSFORMS:
        raise sec.error("transform", "must be \"dbm\" or absent")
    for limit in spec.limit_columns:
        if limit not in LIMITS:
            raise sec.error("limit_columns", f"{limit!r}: one of {', '.join(LIMITS)}")
    if (spec.when_pattern or spec.unless_pattern) and not spec.pattern_column:
        raise sec.error("pattern_column", "when_pattern/unless_pattern need pattern_column")
    used = [spec.value, spec.total, spec.rx, spec.tx, spec.speed, spec.status_column,
            spec.when_column, spec.pattern_column, spec.fallback, *spec.limit_columns.values(),
            *_template_columns(spec.id), *_template_columns(spec.name),
            *(c for v in spec.labels.values() for c in _template_columns(v))]
    for col in (c for text in used for c in text.split("+")):
        if col and col not in columns:
            raise sec.error(None, f"reading {spec.id!r} uses unknown column {col!r}")
    sec.finish()
    return spec


def _component(sec: Section) -> ComponentSpec:
    spec = ComponentSpec(
        id=sec.str("id", required=True), type=sec.str("type", "module"),
        type_column=sec.str("type_column", ""), type_map=sec.str_map("type_map"),
        model=sec.str("model", ""), serial=sec.str("serial", ""),
        part_number=sec.str("part_number", ""), firmware=sec.str("firmware", ""),
        vendor=sec.str("vendor", ""), description=sec.str("description", ""),
        fru_column=sec.str("fru_column", ""),
    )
    sec.finish()
    return spec


def parse_profile(path: Path, text: str) -> Profile:
    """Parse one profile file; ConfigError names the file, key and line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    root = Section(Located(path, text, data), (), data)
    tables = []
    for t in root.tables("tables"):
        columns = t.str_map("columns")
        if not columns:
            raise t.error("columns", "a table needs columns")
        join = None
        if "join" in t.data:
            jsec = t.table_("join")
            join = JoinSpec(key=jsec.str("key", required=True), columns=jsec.str_map("columns"))
            if not join.columns:
                raise jsec.error("columns", "a join needs columns")
            for name in join.columns:
                if name in columns:
                    raise jsec.error("columns", f"{name!r} is already a column of the table")
            jsec.finish()
        known = {**columns, **(join.columns if join else {})}
        readings = tuple(_reading(r, known) for r in t.tables("readings"))
        components = tuple(_component(c) for c in t.tables("components"))
        skip = t.table_("skip")
        exclude = t.table_("exclude")
        thresholds = None
        if "thresholds" in t.data:
            thr = t.table_("thresholds")
            thresholds = ThresholdRows(
                severity=thr.str("severity", required=True),
                relation=thr.str("relation", required=True), value=thr.str("value", required=True),
                evaluation=thr.str("evaluation", ""), severity_map=thr.str_map("severity_map"))
            for raw, status in thresholds.severity_map.items():
                if status not in ("warning", "critical", "ignore"):
                    raise thr.error("severity_map", f"{raw!r}: warning, critical or ignore")
            thr.finish()
        table = TableSpec(
            name=t.str("name", required=True), columns=columns, readings=readings,
            components=components, skip_column=skip.str("column", ""),
            skip_values=tuple(skip.str_list("values")),
            discovery_only=t.bool("discovery_only", False),
            exclude_column=exclude.str("column", ""),
            exclude_patterns=tuple(_regex(exclude, "patterns", p)
                                   for p in exclude.str_list("patterns")),
            absent_if_zero=tuple(t.str_list("absent_if_zero")),
            all_zero_absent=t.bool("all_zero_absent", False),
            parent_column=t.str("parent_column", ""), thresholds=thresholds, join=join,
            target_filter=t.str("target_filter", ""))
        if table.target_filter and not table.exclude_column:
            raise t.error("target_filter", "needs exclude.column (what the patterns match)")
        for col in (table.skip_column, table.exclude_column, table.parent_column,
                    *table.absent_if_zero):
            if col and col not in known:
                raise t.error(None, f"table {table.name!r} uses unknown column {col!r}")
        tables.append(table)
        skip.finish()
        exclude.finish()
        t.finish()
    profile = Profile(
        name=root.str("name", required=True), description=root.str("description", ""),
        sysobjectid_prefixes=tuple(root.str_list("sysobjectid_prefixes")),
        probe=root.str("probe", ""), tables=tuple(tables),
        asset_kind=root.str("asset_kind", ""), vendor=root.str("vendor", ""))
    root.finish()
    return profile


def builtin_profiles() -> dict[str, Profile]:
    """Every profile shipped in agent/collectors/snmp/profile_data/."""
    out = {}
    folder = resources.files("agent.collectors.snmp") / "profile_data"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            profile = parse_profile(Path(str(entry)), entry.read_text(encoding="utf-8"))
            out[profile.name] = profile
    return out


def choose(profiles: dict[str, Profile], sys_object_id: str, answered: set[str],
           pinned: tuple[str, ...] = ()) -> list[Profile]:
    """Pinned profiles, else those whose sysObjectID prefix matches or whose probe answered."""
    if pinned:
        return [profiles[name] for name in pinned]
    chosen = []
    for p in profiles.values():
        by_oid = any(sys_object_id.startswith(prefix) for prefix in p.sysobjectid_prefixes)
        by_probe = p.probe and p.probe in answered
        if by_oid or by_probe or (not p.sysobjectid_prefixes and not p.probe):
            chosen.append(p)
    return chosen


def as_dict(p: Profile) -> dict[str, Any]:
    return {"name": p.name, "description": p.description, "tables": [t.name for t in p.tables]}
