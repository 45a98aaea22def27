"""The only module with SQL: SQLite through sqlite-utils, schema with numbered migrations."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from controller.alerts import Alert, Changes
from hotspare import model
from hotspare.maintenance import Matcher, Silence, Window

Evaluate = Callable[[list[model.Reading], int], Changes]

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
            host_asset_id TEXT NOT NULL DEFAULT '',
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


MIGRATIONS.append((
    2,
    """
    CREATE TABLE power_actions (
        command_id TEXT PRIMARY KEY,
        asset_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        action TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        requested_ms INTEGER NOT NULL,
        outcome TEXT NOT NULL DEFAULT 'pending',
        message TEXT NOT NULL DEFAULT '',
        power_state TEXT NOT NULL DEFAULT '',
        elapsed_seconds REAL NOT NULL DEFAULT 0,
        finished_ms INTEGER
    );
    CREATE INDEX power_actions_asset ON power_actions (asset_id, requested_ms);
    """,
))


MIGRATIONS.append((
    3,
    """
    CREATE TABLE alerts (
        alert_id TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        level INTEGER NOT NULL,
        asset_id TEXT NOT NULL,
        sensor_id TEXT NOT NULL,
        state TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX alerts_state ON alerts (state, level);
    CREATE INDEX alerts_asset ON alerts (asset_id, state);
    CREATE TABLE alert_history (
        alert_id TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        state TEXT NOT NULL,
        value REAL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX alert_history_alert ON alert_history (alert_id, time_ms);
    CREATE TABLE silences (
        silence_id TEXT PRIMARY KEY,
        asset TEXT NOT NULL,
        rule TEXT NOT NULL,
        level INTEGER NOT NULL,
        author TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL
    );
    CREATE TABLE maintenance_windows (
        window_id TEXT PRIMARY KEY,
        body TEXT NOT NULL
    );
    CREATE TABLE outbox (
        notification_id TEXT NOT NULL,
        target TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms INTEGER NOT NULL,
        delivered_ms INTEGER,
        last_error TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (notification_id, target)
    ) WITHOUT ROWID;
    CREATE INDEX outbox_due ON outbox (delivered_ms, next_attempt_ms);
    """,
))


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
    stored_readings: list[model.Reading] = field(default_factory=list)


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
    host_asset_id: str = ""


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
                " host_asset_id, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(agent_id) DO UPDATE SET hostname=excluded.hostname,"
                " version=excluded.version, collectors=excluded.collectors,"
                " interval_seconds=excluded.interval_seconds,"
                " host_asset_id=excluded.host_asset_id, last_seen_ms=excluded.last_seen_ms",
                (agent_id, hostname, version, ",".join(collectors), interval_seconds,
                 assets[0].asset_id if assets else "", now, now),
            )
            self._upsert_assets(agent_id, assets, now)
            row = self.conn.execute(
                "SELECT highest_seq FROM streams WHERE agent_id=? AND epoch=?", (agent_id, epoch)
            ).fetchone()
        return int(row[0]) if row else 0

    def agents(self) -> list[AgentRow]:
        rows = self.conn.execute(
            "SELECT agent_id, hostname, version, collectors, interval_seconds, first_seen_ms,"
            " last_seen_ms, dropped_batches_total, host_asset_id FROM agents ORDER BY agent_id"
        ).fetchall()
        return [AgentRow(*row) for row in rows]

    def stored_seqs(self, agent_id: str) -> dict[int, tuple[int, int]]:
        """Per epoch of one agent: (highest stored sequence number, batches stored)."""
        rows = self.conn.execute(
            "SELECT epoch, highest_seq, stored_batches FROM streams WHERE agent_id=?", (agent_id,)
        ).fetchall()
        return {int(e): (int(h), int(n)) for e, h, n in rows}

    # ---- ingest --------------------------------------------------------------------
    def ingest(
        self, items: Iterable[IngestItem], evaluate: Evaluate | None = None
    ) -> IngestResult:
        """Store batches in one transaction; a batch at or below the stored seq is skipped.

        `evaluate` sees the newly stored readings inside the same transaction; the alert changes
        it returns are stored atomically with them (so a crash loses neither or both).
        """
        result = IngestResult()
        now = _now_ms()
        try:
            self._ingest(items, now, result, evaluate)
        except BaseException:
            self._sensor_keys.clear()  # keys created in the rolled-back transaction are gone
            raise
        return result

    def _ingest(
        self, items: Iterable[IngestItem], now: int, result: IngestResult,
        evaluate: Evaluate | None,
    ) -> None:
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
                if evaluate is not None:
                    result.stored_readings.extend(item.batch.readings)
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
            if evaluate is not None and result.stored_readings:
                changes = evaluate(result.stored_readings, now)
                if changes:
                    self._save_alert_changes(changes)

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

    def asset_page(self, after: str, limit: int) -> tuple[list[tuple[model.Asset, str]], int]:
        """Up to `limit` assets with ids after `after`, in id order, and the fleet's size."""
        rows = self.conn.execute(
            "SELECT asset_id, kind, name, vendor, model, serial, site, room, rack, unit,"
            " parent_id, labels, flags, agent_id FROM assets WHERE asset_id > ?"
            " ORDER BY asset_id LIMIT ?", (after, limit),
        ).fetchall()
        total = int(self.conn.execute("SELECT count(*) FROM assets").fetchone()[0])
        return [(_asset_from_row(row), row[13]) for row in rows], total

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

    # ---- alerts --------------------------------------------------------------------
    outbox_targets: tuple[str, ...] = ()  # webhook URLs; set by the alerting component

    def _save_alert_changes(self, changes: Changes) -> None:
        conn = self.conn
        conn.executemany(
            "INSERT INTO alerts (alert_id, rule, level, asset_id, sensor_id, state, started_ms,"
            " updated_ms, body) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(alert_id) DO UPDATE SET"
            " state=excluded.state, updated_ms=excluded.updated_ms, body=excluded.body",
            [(a.alert_id, a.rule, a.level, a.asset_id, a.sensor_id, a.state, a.started_ms,
              a.updated_ms, _json(dataclasses.asdict(a))) for a in changes.alerts.values()],
        )
        conn.executemany(
            "INSERT INTO alert_history (alert_id, time_ms, state, value, detail) VALUES (?,?,?,?,?)",
            [(t.alert_id, t.time_ms, t.state, t.value, t.detail) for t in changes.transitions],
        )
        now = _now_ms()
        for group_id, payload in notification_groups(changes):
            for target in self.outbox_targets:
                conn.execute(
                    "INSERT OR IGNORE INTO outbox (notification_id, target, created_ms, payload,"
                    " next_attempt_ms) VALUES (?,?,?,?,?)",
                    (group_id, target, now, _json(payload), now),
                )

    def save_alert_changes(self, changes: Changes) -> None:
        """Store alert changes and their notifications in one transaction (for ticks)."""
        with self._transaction():
            self._save_alert_changes(changes)

    def load_alerts(self, since_ms: int) -> list[Alert]:
        """Open alerts plus those resolved since since_ms (for flapping across restarts)."""
        rows = self.conn.execute(
            "SELECT body FROM alerts WHERE state != 'resolved' OR updated_ms >= ?", (since_ms,)
        ).fetchall()
        return [Alert(**json.loads(body)) for (body,) in rows]

    def list_alerts(self, state: str = "", level: int = 0, limit: int = 500) -> list[Alert]:
        sql = "SELECT body FROM alerts WHERE 1=1"
        params: list[Any] = []
        if state:
            sql += " AND state=?"
            params.append(state)
        else:
            sql += " AND state != 'resolved'"
        if level:
            sql += " AND level=?"
            params.append(level)
        sql += " ORDER BY level, started_ms DESC LIMIT ?"
        params.append(limit)
        return [Alert(**json.loads(body)) for (body,) in self.conn.execute(sql, params)]

    def alert(self, alert_id: str) -> Alert | None:
        row = self.conn.execute("SELECT body FROM alerts WHERE alert_id=?", (alert_id,)).fetchone()
        return Alert(**json.loads(row[0])) if row else None

    def alert_history(self, alert_id: str) -> list[tuple[int, str, float | None, str]]:
        return [tuple(r) for r in self.conn.execute(  # type: ignore[misc]
            "SELECT time_ms, state, value, detail FROM alert_history WHERE alert_id=?"
            " ORDER BY time_ms, rowid", (alert_id,))]

    def worst_alert_levels(self) -> dict[str, int]:
        """Per asset, the most severe level among its firing alerts (1 is worst)."""
        rows = self.conn.execute(
            "SELECT asset_id, min(level) FROM alerts WHERE state='firing' GROUP BY asset_id"
        ).fetchall()
        return {a: int(level) for a, level in rows}

    def add_silence(self, s: Silence) -> None:
        with self._transaction():
            self.conn.execute(
                "INSERT INTO silences VALUES (?,?,?,?,?,?,?,?)",
                (s.silence_id, s.matcher.asset, s.matcher.rule, s.matcher.level, s.author,
                 s.reason, s.created_ms, s.expires_ms),
            )

    def silences(self, include_expired: bool = False, now_ms: int = 0) -> list[Silence]:
        sql = ("SELECT silence_id, asset, rule, level, author, reason, created_ms, expires_ms"
               " FROM silences")
        params: tuple[int, ...] = ()
        if not include_expired:
            sql += " WHERE expires_ms > ?"
            params = (now_ms,)
        return [Silence(r[0], Matcher(r[1], r[2], r[3]), r[4], r[5], r[6], r[7])
                for r in self.conn.execute(sql + " ORDER BY created_ms", params)]

    def expire_silence(self, silence_id: str, now_ms: int) -> bool:
        with self._transaction():
            cur = self.conn.execute(
                "UPDATE silences SET expires_ms=? WHERE silence_id=? AND expires_ms > ?",
                (now_ms, silence_id, now_ms))
        return cur.rowcount > 0

    def add_window(self, w: Window) -> None:
        body = dataclasses.asdict(w)
        with self._transaction():
            self.conn.execute("INSERT INTO maintenance_windows VALUES (?, ?)",
                              (w.window_id, _json(body)))

    def windows(self) -> list[Window]:
        out = []
        for (body,) in self.conn.execute("SELECT body FROM maintenance_windows ORDER BY window_id"):
            d = json.loads(body)
            d["matcher"] = Matcher(**d["matcher"])
            d["days"], d["dates"] = tuple(d["days"]), tuple(d["dates"])
            out.append(Window(**d))
        return out

    def remove_window(self, window_id: str) -> bool:
        with self._transaction():
            cur = self.conn.execute("DELETE FROM maintenance_windows WHERE window_id=?",
                                    (window_id,))
        return cur.rowcount > 0

    def queue_notification(self, notification_id: str, payload: dict[str, Any]) -> None:
        """Queue one message for every target (idempotent by id)."""
        now = _now_ms()
        with self._transaction():
            for target in self.outbox_targets:
                self.conn.execute(
                    "INSERT OR IGNORE INTO outbox (notification_id, target, created_ms, payload,"
                    " next_attempt_ms) VALUES (?,?,?,?,?)",
                    (notification_id, target, now, _json(payload), now))

    def due_notifications(self, now_ms: int, limit: int = 50) -> list[tuple[str, str, str, int]]:
        """(id, target, payload, attempts) of undelivered messages whose retry time has come."""
        return [tuple(r) for r in self.conn.execute(  # type: ignore[misc]
            "SELECT notification_id, target, payload, attempts FROM outbox WHERE delivered_ms IS"
            " NULL AND next_attempt_ms <= ? ORDER BY created_ms LIMIT ?", (now_ms, limit))]

    def mark_delivered(self, notification_id: str, target: str, now_ms: int) -> None:
        with self._transaction():
            self.conn.execute(
                "UPDATE outbox SET delivered_ms=?, attempts=attempts+1 WHERE notification_id=?"
                " AND target=?", (now_ms, notification_id, target))

    def mark_failed(self, notification_id: str, target: str, next_ms: int, error: str) -> None:
        with self._transaction():
            self.conn.execute(
                "UPDATE outbox SET attempts=attempts+1, next_attempt_ms=?, last_error=?"
                " WHERE notification_id=? AND target=?", (next_ms, error[:500], notification_id,
                                                           target))

    # ---- power actions ---------------------------------------------------------------
    def record_power_request(self, command_id: str, asset_id: str, agent_id: str, action: str,
                             requested_by: str, now_ms: int) -> bool:
        """Journal a power action before it is sent; False when the id was already used."""
        with self._transaction():
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO power_actions (command_id, asset_id, agent_id, action,"
                " requested_by, requested_ms) VALUES (?,?,?,?,?,?)",
                (command_id, asset_id, agent_id, action, requested_by, now_ms))
        return cur.rowcount > 0

    def record_power_result(self, result: model.CommandResult) -> None:
        with self._transaction():
            self.conn.execute(
                "UPDATE power_actions SET outcome=?, message=?, power_state=?, elapsed_seconds=?,"
                " finished_ms=? WHERE command_id=?",
                (result.outcome.value, result.message, result.power_state,
                 result.elapsed_seconds, result.finished_unix_ms or _now_ms(), result.command_id))

    def power_actions(self, asset_id: str = "", limit: int = 100) -> list[dict[str, Any]]:
        sql = ("SELECT command_id, asset_id, agent_id, action, requested_by, requested_ms,"
               " outcome, message, power_state, elapsed_seconds FROM power_actions")
        params: list[Any] = []
        if asset_id:
            sql += " WHERE asset_id=?"
            params.append(asset_id)
        sql += " ORDER BY requested_ms DESC LIMIT ?"
        params.append(limit)
        cols = ("command_id", "asset_id", "agent_id", "action", "requested_by", "requested_ms",
                "outcome", "message", "power_state", "elapsed_seconds")
        return [dict(zip(cols, row, strict=True)) for row in self.conn.execute(sql, params)]

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


def notification_groups(changes: Changes) -> list[tuple[str, dict[str, Any]]]:
    """One message per (kind, rule) in one evaluation, so an incident is not forty messages."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for n in changes.notifications:
        groups.setdefault((n.kind, n.alert.rule), []).append(n)
    out = []
    for (kind, rule), items in groups.items():
        ids = sorted(n.notification_id for n in items)
        group_id = "n-" + hashlib.sha256("|".join(ids).encode()).hexdigest()[:16]
        out.append((group_id, {
            "id": group_id,
            "kind": kind,
            "rule": rule,
            "time_unix_ms": max(n.time_ms for n in items),
            "count": len(items),
            "alerts": [{**dataclasses.asdict(n.alert), "notification_id": n.notification_id}
                       for n in items],
        }))
    return out
