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


MIGRATIONS.append((
    5,
    """
    CREATE TABLE standby_groups (
        group_id TEXT PRIMARY KEY,
        epoch INTEGER NOT NULL DEFAULT 0,
        active TEXT NOT NULL DEFAULT '',
        updated_ms INTEGER NOT NULL
    );
    CREATE TABLE drills (
        drill_id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        finished_ms INTEGER,
        outcome TEXT NOT NULL DEFAULT 'running',
        requested_by TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX drills_group ON drills (group_id, started_ms)
    """,
))



MIGRATIONS.append((
    6,
    """
    CREATE TABLE switchovers (
        request_id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        from_member TEXT NOT NULL DEFAULT '',
        to_member TEXT NOT NULL DEFAULT '',
        epoch INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        outcome_reason TEXT NOT NULL DEFAULT '',
        forced TEXT NOT NULL DEFAULT '',
        automatic INTEGER NOT NULL DEFAULT 0,
        drill_id TEXT NOT NULL DEFAULT '',
        requested_ms INTEGER NOT NULL,
        finished_ms INTEGER
    );
    CREATE INDEX switchovers_group ON switchovers (group_id, requested_ms);
    CREATE INDEX switchovers_open ON switchovers (state);
    CREATE TABLE switchover_steps (
        request_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        step TEXT NOT NULL,
        state TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        finished_ms INTEGER,
        detail TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (request_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_ms INTEGER NOT NULL
    )
    """,
))


MIGRATIONS.append((
    7,
    """
    CREATE TABLE gaps (
        gap_key INTEGER PRIMARY KEY,
        agent_id TEXT NOT NULL,
        asset_id TEXT NOT NULL,
        from_ms INTEGER NOT NULL,
        to_ms INTEGER NOT NULL,
        readings_dropped INTEGER NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        received_ms INTEGER NOT NULL
    );
    CREATE INDEX gaps_asset ON gaps (asset_id, from_ms)
    """,
))



# Spares (issue 13).
MIGRATIONS.append((
    8,
    """
    CREATE TABLE spare_stock (
        part_number TEXT NOT NULL,
        site TEXT NOT NULL,
        on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
        on_order INTEGER NOT NULL DEFAULT 0 CHECK (on_order >= 0),
        expected_ms INTEGER NOT NULL DEFAULT 0,
        lead_time_days REAL NOT NULL DEFAULT 0,
        part_class TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        replaces TEXT NOT NULL DEFAULT '[]',
        prior_afr REAL NOT NULL DEFAULT 0,
        service_level REAL NOT NULL DEFAULT 0,
        reserve_at_risk INTEGER NOT NULL DEFAULT 0,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (part_number, site)
    );
    CREATE TABLE spare_units (
        serial TEXT PRIMARY KEY,
        part_number TEXT NOT NULL,
        site TEXT NOT NULL,
        added_ms INTEGER NOT NULL
    );
    CREATE TABLE spare_changes (
        change_id INTEGER PRIMARY KEY AUTOINCREMENT,
        time_ms INTEGER NOT NULL,
        who TEXT NOT NULL,
        why TEXT NOT NULL,
        part_number TEXT NOT NULL,
        site TEXT NOT NULL,
        delta_on_hand INTEGER NOT NULL,
        delta_on_order INTEGER NOT NULL,
        on_hand_after INTEGER NOT NULL,
        serial TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX spare_changes_part ON spare_changes (part_number, site, time_ms);
    CREATE TABLE spare_reservations (
        reservation_id INTEGER PRIMARY KEY AUTOINCREMENT,
        part_number TEXT NOT NULL,
        site TEXT NOT NULL,
        asset_id TEXT NOT NULL,
        component_id TEXT NOT NULL,
        serial TEXT NOT NULL,
        model TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        closed_ms INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        replaced_by_serial TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX spare_reservations_slot ON spare_reservations (asset_id, component_id, state);
    CREATE INDEX spare_reservations_part ON spare_reservations (part_number, site, state)
    """,
))


# Security (issue 14): the hash-chained audit log (append-only; the chain shows any edit) and
# users (tokens only as salted hashes, TOTP seeds only encrypted).
MIGRATIONS.append((
    9,
    """
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        time_ms INTEGER NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL DEFAULT '',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        token_id TEXT NOT NULL UNIQUE,
        token_salt TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        totp_secret_enc TEXT NOT NULL DEFAULT '',
        last_otp_step INTEGER NOT NULL DEFAULT 0,
        created_ms INTEGER NOT NULL
    )
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
    newest = max(v for v, _ in MIGRATIONS)
    if done and max(done) > newest:
        raise StoreError(
            f"{path}: written by a newer HotSpare (schema version {max(done)}, this one knows up "
            f"to {newest}); run that version, or restore a backup made for this one")
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


def check(conn: sqlite3.Connection, path: Path, *, full: bool = False) -> None:
    """SQLite's own integrity check (quick by default); raises StoreError naming what is wrong."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}(20)")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a usable database ({exc}); restore it from a backup"
                         " (hotspare controller backup) or move it away to start empty") from None
    if rows != ["ok"]:
        first = "; ".join(rows[:3])
        raise StoreError(f"{path}: the database is damaged ({first}); restore it from a backup"
                         " (hotspare controller backup) or move it away to start empty")


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)
