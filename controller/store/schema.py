"""The database schema as numbered migrations, and the code that applies them."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from controller.store.records import StoreError

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


MIGRATIONS.append((
    4,
    """
    CREATE TABLE component_history (
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
        labels TEXT NOT NULL DEFAULT '{}',
        first_seen_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        removed_ms INTEGER NOT NULL,
        replaced_by_serial TEXT NOT NULL DEFAULT '',
        last_verdict TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX component_history_slot ON component_history (asset_id, component_id, removed_ms);
    CREATE INDEX component_history_model ON component_history (model, removed_ms);
    CREATE TABLE commands (
        command_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        asset_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        action TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        requested_ms INTEGER NOT NULL,
        timeout_seconds REAL NOT NULL DEFAULT 0,
        group_id TEXT NOT NULL DEFAULT '',
        group_epoch INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'requested',
        outcome TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        power_state TEXT NOT NULL DEFAULT '',
        elapsed_seconds REAL NOT NULL DEFAULT 0,
        finished_ms INTEGER,
        details TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX commands_asset ON commands (asset_id, requested_ms);
    CREATE INDEX commands_open ON commands (state);
    INSERT INTO commands (command_id, kind, asset_id, agent_id, action, requested_by, requested_ms,
        state, outcome, message, power_state, elapsed_seconds, finished_ms)
        SELECT command_id, 'power', asset_id, agent_id, action, requested_by, requested_ms,
        CASE WHEN outcome = 'pending' THEN 'sent' ELSE 'done' END,
        CASE WHEN outcome = 'pending' THEN '' ELSE outcome END,
        message, power_state, elapsed_seconds, finished_ms FROM power_actions;
    DROP TABLE power_actions
    """,
))


def _now_ms() -> int:
    return int(time.time() * 1000)


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Apply pending numbered migrations, each in its own transaction; returns the version."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_ms INTEGER NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    known = max(version for version, _ in MIGRATIONS)
    if done and max(done) > known:  # a downgrade: never write to a schema we do not know
        raise StoreError(f"{path}: database schema version {max(done)} is newer than this "
                         f"controller knows ({known}); run the newer HotSpare or restore a backup "
                         "taken before the upgrade")
    for version, sql in MIGRATIONS:
        if version in done:
            continue
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in sql.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, _now_ms()))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"{path}: migration {version} failed: {exc}") from exc
    return schema_version(conn)


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)
