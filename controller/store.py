"""The only module with SQL: SQLite through sqlite-utils, schema with numbered migrations."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from agent import model

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE agents (
            agent_id TEXT PRIMARY KEY,
            hostname TEXT NOT NULL DEFAULT '',
            version TEXT NOT NULL DEFAULT '',
            collectors TEXT NOT NULL DEFAULT '',
            interval_seconds REAL NOT NULL DEFAULT 10,
            first_seen_ms INTEGER NOT NULL,
            last_seen_ms INTEGER NOT NULL,
            dropped_batches_total INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE streams (
            agent_id TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            highest_seq INTEGER NOT NULL,
            stored_batches INTEGER NOT NULL DEFAULT 0,
            updated_ms INTEGER NOT NULL,
            PRIMARY KEY (agent_id, epoch)
        ) WITHOUT ROWID;
        CREATE TABLE assets (
            asset_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            vendor TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            serial TEXT NOT NULL DEFAULT '',
            site TEXT NOT NULL DEFAULT '',
            room TEXT NOT NULL DEFAULT '',
            rack TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            parent_id TEXT NOT NULL DEFAULT '',
            agent_id TEXT NOT NULL DEFAULT '',
            labels TEXT NOT NULL DEFAULT '{}',
            flags TEXT NOT NULL DEFAULT '[]',
            first_seen_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL
        );
        CREATE TABLE components (
            asset_id TEXT NOT NULL,
            component_id TEXT NOT NULL,
            type TEXT NOT NULL DEFAULT '',
            vendor TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            part_number TEXT NOT NULL DEFAULT '',
            serial TEXT NOT NULL DEFAULT '',
            firmware TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            capacity_bytes INTEGER NOT NULL DEFAULT 0,
            fru INTEGER NOT NULL DEFAULT 0,
            parent_component_id TEXT NOT NULL DEFAULT '',
            labels TEXT NOT NULL DEFAULT '{}',
            first_seen_ms INTEGER NOT NULL,
            last_seen_ms INTEGER NOT NULL,
            PRIMARY KEY (asset_id, component_id)
        ) WITHOUT ROWID;
        CREATE INDEX components_part ON components (part_number);
        CREATE TABLE sensors (
            sensor_key INTEGER PRIMARY KEY,
            asset_id TEXT NOT NULL,
            sensor_id TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL,
            unit TEXT NOT NULL DEFAULT '',
            UNIQUE (asset_id, sensor_id)
        );
        CREATE TABLE readings (
            sensor_key INTEGER NOT NULL,
            time_ms INTEGER NOT NULL,
            value REAL,
            status INTEGER NOT NULL,
            PRIMARY KEY (sensor_key, time_ms)
        ) WITHOUT ROWID;
        CREATE TABLE readings_hourly (
            sensor_key INTEGER NOT NULL,
            hour_ms INTEGER NOT NULL,
            samples INTEGER NOT NULL,
            min_value REAL,
            max_value REAL,
            sum_value REAL,
            worst_status INTEGER NOT NULL,
            PRIMARY KEY (sensor_key, hour_ms)
        ) WITHOUT ROWID;
        CREATE TABLE latest (
            sensor_key INTEGER PRIMARY KEY,
            time_ms INTEGER NOT NULL,
            value REAL,
            status INTEGER NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            labels TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE events (
            event_key INTEGER PRIMARY KEY,
            asset_id TEXT NOT NULL,
            source_id TEXT NOT NULL,
            time_ms INTEGER NOT NULL,
            type TEXT NOT NULL,
            severity INTEGER NOT NULL,
            sensor TEXT NOT NULL DEFAULT '',
            direction TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            attributes TEXT NOT NULL DEFAULT '{}',
            received_ms INTEGER NOT NULL,
            UNIQUE (asset_id, source_id)
        );
        CREATE INDEX events_asset_time ON events (asset_id, time_ms);
        """,
    ),
]


class StoreError(Exception):
    """The database cannot be opened or migrated."""


@dataclass(frozen=True, slots=True)
class IngestItem:
    """One wire batch, already validated and converted."""

    agent_id: str
    epoch: int
    seq: int
    batch: model.Batch
    dropped_batches_total: int = 0


@dataclass(slots=True)
class IngestResult:
    """What one ingest transaction did."""

    highest_seq: dict[tuple[str, int], int] = field(default_factory=dict)
    stored_items: int = 0
    duplicate_items: int = 0
    readings_stored: int = 0
    changed_assets: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class AgentRow:
    """An agent as stored."""

    agent_id: str
    hostname: str
    version: str
    collectors: str
    interval_seconds: float
    first_seen_ms: int
    last_seen_ms: int
    dropped_batches_total: int


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _now_ms() -> int:
    return int(time.time() * 1000)


class Store:
    """A connection to the HotSpare database; use it from one thread only (see SerialWorker)."""

    def __init__(self, path: Path, *, synchronous: str = "NORMAL") -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open database: {exc}") from exc
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA foreign_keys=ON")
        self._sensor_keys: dict[tuple[str, str], int] = {}

    # ---- schema --------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply pending numbered migrations; returns the schema version."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "applied_ms INTEGER NOT NULL)"
        )
        done = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        for version, sql in MIGRATIONS:
            if version in done:
                continue
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                for statement in sql.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?)", (version, _now_ms())
                )
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {version} failed: {exc}") from exc
        return self.schema_version()

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        self.conn.close()

    # ---- agents --------------------------------------------------------------------
    def register_agent(
        self,
        agent_id: str,
        hostname: str,
        version: str,
        collectors: Sequence[str],
        interval_seconds: float,
        epoch: int,
        assets: Sequence[model.Asset],
    ) -> int:
        """Record a Hello; returns the highest stored sequence number for this epoch."""
        now = _now_ms()
        with self._transaction():
            self.conn.execute(
                "INSERT INTO agents (agent_id, hostname, version, collectors, interval_seconds,"
                " first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(agent_id) DO UPDATE SET hostname=excluded.hostname,"
                " version=excluded.version, collectors=excluded.collectors,"
                " interval_seconds=excluded.interval_seconds, last_seen_ms=excluded.last_seen_ms",
                (agent_id, hostname, version, ",".join(collectors), interval_seconds, now, now),
            )
            self._upsert_assets(agent_id, assets, now)
            row = self.conn.execute(
                "SELECT highest_seq FROM streams WHERE agent_id=? AND epoch=?", (agent_id, epoch)
            ).fetchone()
        return int(row[0]) if row else 0

    def agents(self) -> list[AgentRow]:
        rows = self.conn.execute(
            "SELECT agent_id, hostname, version, collectors, interval_seconds, first_seen_ms,"
            " last_seen_ms, dropped_batches_total FROM agents ORDER BY agent_id"
        ).fetchall()
        return [AgentRow(*row) for row in rows]

    def stored_seqs(self, agent_id: str) -> dict[int, tuple[int, int]]:
        """Per epoch of one agent: (highest stored sequence number, batches stored)."""
        rows = self.conn.execute(
            "SELECT epoch, highest_seq, stored_batches FROM streams WHERE agent_id=?", (agent_id,)
        ).fetchall()
        return {int(e): (int(h), int(n)) for e, h, n in rows}

    # ---- ingest --------------------------------------------------------------------
    def ingest(self, items: Iterable[IngestItem]) -> IngestResult:
        """Store batches in one transaction; a batch at or below the stored seq is skipped."""
        result = IngestResult()
        now = _now_ms()
        try:
            self._ingest(items, now, result)
        except BaseException:
            self._sensor_keys.clear()  # keys created in the rolled-back transaction are gone
            raise
        return result

    def _ingest(self, items: Iterable[IngestItem], now: int, result: IngestResult) -> None:
        conn = self.conn
        with self._transaction():
            highest: dict[tuple[str, int], int] = {}
            stored: dict[tuple[str, int], int] = {}
            for item in items:
                key = (item.agent_id, item.epoch)
                if key not in highest:
                    row = conn.execute(
                        "SELECT highest_seq FROM streams WHERE agent_id=? AND epoch=?", key
                    ).fetchone()
                    highest[key] = int(row[0]) if row else 0
                if item.seq <= highest[key]:
                    result.duplicate_items += 1
                    continue
                highest[key] = item.seq
                stored[key] = stored.get(key, 0) + 1
                self._store_batch(item, now, result)
                result.stored_items += 1
            for (agent_id, epoch), seq in highest.items():
                conn.execute(
                    "INSERT INTO streams (agent_id, epoch, highest_seq, stored_batches, updated_ms)"
                    " VALUES (?,?,?,?,?) ON CONFLICT(agent_id, epoch) DO UPDATE SET"
                    " highest_seq=excluded.highest_seq,"
                    " stored_batches=streams.stored_batches + excluded.stored_batches,"
                    " updated_ms=excluded.updated_ms",
                    (agent_id, epoch, seq, stored.get((agent_id, epoch), 0), now),
                )
                conn.execute(
                    "UPDATE agents SET last_seen_ms=? WHERE agent_id=?", (now, agent_id)
                )
            result.highest_seq = highest

    def _store_batch(self, item: IngestItem, now: int, result: IngestResult) -> None:
        conn = self.conn
        batch = item.batch
        if batch.assets:
            self._upsert_assets(item.agent_id, batch.assets, now)
            result.changed_assets.update(a.asset_id for a in batch.assets)
        if batch.components:
            self._upsert_components(batch.components, now)
        if item.dropped_batches_total:
            conn.execute(
                "UPDATE agents SET dropped_batches_total=max(dropped_batches_total, ?)"
                " WHERE agent_id=?",
                (item.dropped_batches_total, item.agent_id),
            )
        if batch.readings:
            rows = []
            latest: dict[int, model.Reading] = {}
            for r in batch.readings:
                key = self._sensor_key(r, item.agent_id, now)
                rows.append((key, r.time_unix_ms, r.value, int(r.status)))
                prev = latest.get(key)
                if prev is None or prev.time_unix_ms <= r.time_unix_ms:
                    latest[key] = r
            conn.executemany(
                "INSERT OR REPLACE INTO readings (sensor_key, time_ms, value, status)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )
            conn.executemany(
                "INSERT INTO latest (sensor_key, time_ms, value, status, reason, labels)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(sensor_key) DO UPDATE SET"
                " time_ms=excluded.time_ms, value=excluded.value, status=excluded.status,"
                " reason=excluded.reason, labels=excluded.labels"
                " WHERE excluded.time_ms >= latest.time_ms",
                [
                    (k, r.time_unix_ms, r.value, int(r.status), r.reason,
                     _json(r.labels) if r.labels else "")
                    for k, r in latest.items()
                ],
            )
            result.readings_stored += len(rows)
            result.changed_assets.update(r.asset_id for r in latest.values())
        if batch.events:
            conn.executemany(
                "INSERT OR IGNORE INTO events (asset_id, source_id, time_ms, type, severity,"
                " sensor, direction, description, attributes, received_ms)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (e.asset_id, e.source_id, e.time_unix_ms, e.type, int(e.severity), e.sensor,
                     e.direction, e.description, _json(e.attributes), now)
                    for e in batch.events
                ],
            )

    def _sensor_key(self, r: model.Reading, agent_id: str, now: int) -> int:
        cache_key = (r.asset_id, r.sensor_id)
        key = self._sensor_keys.get(cache_key)
        if key is not None:
            return key
        row = self.conn.execute(
            "SELECT sensor_key FROM sensors WHERE asset_id=? AND sensor_id=?", cache_key
        ).fetchone()
        if row is None:
            if not self.conn.execute(
                "SELECT 1 FROM assets WHERE asset_id=?", (r.asset_id,)
            ).fetchone():
                self.conn.execute(
                    "INSERT INTO assets (asset_id, kind, name, agent_id, first_seen_ms,"
                    " updated_ms) VALUES (?, 'other', ?, ?, ?, ?)",
                    (r.asset_id, r.asset_id, agent_id, now, now),
                )
            cur = self.conn.execute(
                "INSERT INTO sensors (asset_id, sensor_id, name, kind, unit) VALUES (?,?,?,?,?)",
                (r.asset_id, r.sensor_id, r.name or r.sensor_id, r.kind.value, r.unit),
            )
            key = int(cur.lastrowid or 0)
        else:
            key = int(row[0])
        self._sensor_keys[cache_key] = key
        return key

    def _upsert_assets(self, agent_id: str, assets: Iterable[model.Asset], now: int) -> None:
        self.conn.executemany(
            "INSERT INTO assets (asset_id, kind, name, vendor, model, serial, site, room, rack,"
            " unit, parent_id, agent_id, labels, flags, first_seen_ms, updated_ms)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(asset_id) DO UPDATE SET"
            " kind=excluded.kind, name=excluded.name,"
            " vendor=coalesce(nullif(excluded.vendor,''), assets.vendor),"
            " model=coalesce(nullif(excluded.model,''), assets.model),"
            " serial=coalesce(nullif(excluded.serial,''), assets.serial),"
            " site=excluded.site, room=excluded.room, rack=excluded.rack, unit=excluded.unit,"
            " parent_id=excluded.parent_id, agent_id=excluded.agent_id, labels=excluded.labels,"
            " flags=excluded.flags, updated_ms=excluded.updated_ms",
            [
                (a.asset_id, a.kind.value, a.name or a.asset_id, a.vendor, a.model, a.serial,
                 a.location.site, a.location.room, a.location.rack, a.location.unit, a.parent_id,
                 agent_id, _json(a.labels), _json(list(a.flags)), now, now)
                for a in assets
            ],
        )

    def _upsert_components(self, components: Iterable[model.Component], now: int) -> None:
        self.conn.executemany(
            "INSERT INTO components (asset_id, component_id, type, vendor, model, part_number,"
            " serial, firmware, description, capacity_bytes, fru, parent_component_id, labels,"
            " first_seen_ms, last_seen_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(asset_id, component_id) DO UPDATE SET type=excluded.type,"
            " vendor=excluded.vendor, model=excluded.model, part_number=excluded.part_number,"
            " serial=excluded.serial, firmware=excluded.firmware,"
            " description=excluded.description, capacity_bytes=excluded.capacity_bytes,"
            " fru=excluded.fru, parent_component_id=excluded.parent_component_id,"
            " labels=excluded.labels, last_seen_ms=excluded.last_seen_ms",
            [
                (c.asset_id, c.component_id, c.type, c.vendor, c.model, c.part_number, c.serial,
                 c.firmware, c.description, c.capacity_bytes, int(c.fru), c.parent_component_id,
                 _json(c.labels), now, now)
                for c in components
            ],
        )

    # ---- queries -------------------------------------------------------------------
    def assets(self) -> list[tuple[model.Asset, str]]:
        """Every asset with the id of the agent that reports it."""
        rows = self.conn.execute(
            "SELECT asset_id, kind, name, vendor, model, serial, site, room, rack, unit,"
            " parent_id, labels, flags, agent_id FROM assets ORDER BY asset_id"
        ).fetchall()
        return [(_asset_from_row(row), row[13]) for row in rows]

    def asset(self, asset_id: str) -> tuple[model.Asset, str] | None:
        row = self.conn.execute(
            "SELECT asset_id, kind, name, vendor, model, serial, site, room, rack, unit,"
            " parent_id, labels, flags, agent_id FROM assets WHERE asset_id=?",
            (asset_id,),
        ).fetchone()
        return (_asset_from_row(row), row[13]) if row else None

    def latest_readings(self, asset_ids: Sequence[str] | None = None) -> list[model.Reading]:
        """Latest reading of every sensor (of the given assets, or all)."""
        sql = (
            "SELECT s.asset_id, s.sensor_id, s.kind, l.value, s.unit, l.status, l.reason,"
            " l.time_ms, s.name, l.labels FROM latest l JOIN sensors s USING (sensor_key)"
        )
        params: list[str] = []
        if asset_ids is not None:
            sql += f" WHERE s.asset_id IN ({','.join('?' * len(asset_ids))})"
            params = list(asset_ids)
        sql += " ORDER BY s.asset_id, s.sensor_id"
        return [_reading_from_row(row) for row in self.conn.execute(sql, params)]

    def components(self, asset_id: str | None = None) -> list[model.Component]:
        sql = (
            "SELECT component_id, asset_id, type, vendor, model, part_number, serial, firmware,"
            " description, capacity_bytes, fru, parent_component_id, labels FROM components"
        )
        params: tuple[str, ...] = ()
        if asset_id is not None:
            sql += " WHERE asset_id=?"
            params = (asset_id,)
        sql += " ORDER BY asset_id, component_id"
        return [
            model.Component(
                component_id=row[0], asset_id=row[1], type=row[2], vendor=row[3], model=row[4],
                part_number=row[5], serial=row[6], firmware=row[7], description=row[8],
                capacity_bytes=row[9], fru=bool(row[10]), parent_component_id=row[11],
                labels=json.loads(row[12] or "{}"),
            )
            for row in self.conn.execute(sql, params)
        ]

    def events(self, asset_id: str, limit: int = 50) -> list[model.Event]:
        rows = self.conn.execute(
            "SELECT asset_id, source_id, time_ms, type, severity, sensor, direction, description,"
            " attributes FROM events WHERE asset_id=? ORDER BY time_ms DESC, event_key DESC"
            " LIMIT ?",
            (asset_id, limit),
        ).fetchall()
        return [
            model.Event(row[0], row[1], row[2], row[3], model.Status(row[4]), row[5], row[6],
                        row[7], json.loads(row[8] or "{}"))
            for row in rows
        ]

    def history(
        self, asset_id: str, sensor_id: str, from_ms: int, to_ms: int, max_points: int = 0
    ) -> list[model.HistoryPoint]:
        """Stored values of one sensor in [from_ms, to_ms], evenly thinned to max_points."""
        row = self.conn.execute(
            "SELECT sensor_key FROM sensors WHERE asset_id=? AND sensor_id=?", (asset_id, sensor_id)
        ).fetchone()
        if row is None:
            return []
        key = row[0]
        rows = self.conn.execute(
            "SELECT time_ms, value, status FROM readings WHERE sensor_key=? AND time_ms BETWEEN ? AND ?"
            " ORDER BY time_ms",
            (key, from_ms, to_ms),
        ).fetchall()
        # Older than retention: hourly averages (with the hour's worst status) from downsampling.
        raw_start = rows[0][0] if rows else to_ms + 1
        hourly = self.conn.execute(
            "SELECT hour_ms, sum_value / nullif(samples, 0), worst_status FROM readings_hourly"
            " WHERE sensor_key=? AND hour_ms BETWEEN ? AND ? AND hour_ms + 3600000 <= ?"
            " ORDER BY hour_ms",
            (key, from_ms - 3_600_000 + 1, to_ms, raw_start),
        ).fetchall()
        rows = hourly + rows
        if max_points and len(rows) > max_points:
            step = len(rows) / max_points
            rows = [rows[int(i * step)] for i in range(max_points)]
        return [model.HistoryPoint(t, v, model.Status(s)) for t, v, s in rows]

    def count_readings(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM readings").fetchone()[0])

    def prune_readings(self, older_than_ms: int) -> int:
        """Retention: fold history older than the cutoff into hourly rows, then delete it."""
        cutoff = older_than_ms - older_than_ms % 3_600_000  # whole hours only
        with self._transaction():
            self.conn.execute(
                "INSERT INTO readings_hourly (sensor_key, hour_ms, samples, min_value, max_value,"
                " sum_value, worst_status) SELECT sensor_key, time_ms - time_ms % 3600000,"
                " count(value), min(value), max(value), sum(value), max(status) FROM readings"
                " WHERE time_ms < ? GROUP BY 1, 2 ON CONFLICT(sensor_key, hour_ms) DO UPDATE SET"
                " samples = samples + excluded.samples,"
                " min_value = min(coalesce(min_value, excluded.min_value), excluded.min_value),"
                " max_value = max(coalesce(max_value, excluded.max_value), excluded.max_value),"
                " sum_value = coalesce(sum_value, 0) + coalesce(excluded.sum_value, 0),"
                " worst_status = max(worst_status, excluded.worst_status)",
                (cutoff,),
            )
            cur = self.conn.execute("DELETE FROM readings WHERE time_ms < ?", (cutoff,))
        return cur.rowcount

    # ---- plumbing ------------------------------------------------------------------
    def _transaction(self) -> _Tx:
        return _Tx(self.conn)


class _Tx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _asset_from_row(row: Sequence[Any]) -> model.Asset:
    try:
        kind = model.AssetKind(row[1])
    except ValueError:
        kind = model.AssetKind.OTHER
    return model.Asset(
        asset_id=row[0],
        kind=kind,
        name=row[2],
        vendor=row[3],
        model=row[4],
        serial=row[5],
        location=model.Location(site=row[6], room=row[7], rack=row[8], unit=row[9]),
        parent_id=row[10],
        labels=json.loads(row[11] or "{}"),
        flags=tuple(json.loads(row[12] or "[]")),
    )


def _reading_from_row(row: Sequence[Any]) -> model.Reading:
    try:
        kind = model.ReadingKind(row[2])
    except ValueError:
        kind = model.ReadingKind.OTHER
    return model.Reading(
        asset_id=row[0],
        sensor_id=row[1],
        kind=kind,
        value=row[3],
        unit=row[4],
        status=model.Status(row[5]),
        reason=row[6],
        time_unix_ms=row[7],
        name=row[8],
        labels=json.loads(row[9]) if row[9] else {},
    )
