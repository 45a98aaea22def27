"""Device profiles: TOML data files mapping MIB tables to readings and inventory, loaded and checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from hotspare import model
from hotspare.tomlconf import ConfigError, Located, Section

EXPRS = {"column", "percent", "percent_free", "rate", "bandwidth", "entity_sensor", "state"}


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
        return [oid for t in self.tables if discovery or not t.discovery_only
                for oid in t.columns.values()]


def _status_map(sec: Section, key: str) -> dict[str, str]:
    mapping = sec.str_map(key)
    for k, v in mapping.items():
        status = v.split(":", 1)[0]
        if status not in ("ok", "warning", "critical", "unknown"):
            raise sec.error(key, f"{k!r}: status must be ok, warning, critical or unknown")
    return mapping


def _opt(sec: Section, key: str) -> float | None:
    return sec.float(key, 0.0) if key in sec.data else None


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
    )
    for col in (spec.value, spec.total, spec.rx, spec.tx, spec.speed, spec.status_column,
                spec.when_column):
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
        readings = tuple(_reading(r, columns) for r in t.tables("readings"))
        components = tuple(_component(c) for c in t.tables("components"))
        skip = t.table_("skip")
        tables.append(TableSpec(
            name=t.str("name", required=True), columns=columns, readings=readings,
            components=components, skip_column=skip.str("column", ""),
            skip_values=tuple(skip.str_list("values")),
            discovery_only=t.bool("discovery_only", False)))
        skip.finish()
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
