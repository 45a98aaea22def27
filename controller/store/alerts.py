"""Alerts aggregate SQL: alerts and their history, silences, maintenance windows, the outbox."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from controller.alerts.engine import Alert, Changes
from controller.store.sql import Sql, now_ms, to_json
from hotspare.maintenance import Matcher, Silence, Window


class AlertSql(Sql):
    """Alert state, holds and the durable notification outbox on one connection."""

    outbox_targets: tuple[str, ...] = ()  # webhook URLs; set by the alerting component

    def save_changes_in_transaction(self, changes: Changes) -> None:
        """Store alert changes inside the caller's transaction (the ingest hook)."""
        conn = self.conn
        conn.executemany(
            "INSERT INTO alerts (alert_id, rule, level, asset_id, sensor_id, state, started_ms,"
            " updated_ms, body) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(alert_id) DO UPDATE SET"
            " state=excluded.state, updated_ms=excluded.updated_ms, body=excluded.body",
            [(a.alert_id, a.rule, a.level, a.asset_id, a.sensor_id, a.state, a.started_ms,
              a.updated_ms, to_json(dataclasses.asdict(a))) for a in changes.alerts.values()],
        )
        conn.executemany(
            "INSERT INTO alert_history (alert_id, time_ms, state, value, detail) VALUES (?,?,?,?,?)",
            [(t.alert_id, t.time_ms, t.state, t.value, t.detail) for t in changes.transitions],
        )
        now = now_ms()
        for group_id, payload in notification_groups(changes):
            for target in self.outbox_targets:
                conn.execute(
                    "INSERT OR IGNORE INTO outbox (notification_id, target, created_ms, payload,"
                    " next_attempt_ms) VALUES (?,?,?,?,?)",
                    (group_id, target, now, to_json(payload), now),
                )

    def save_alert_changes(self, changes: Changes) -> None:
        """Store alert changes and their notifications in one transaction (for ticks)."""
        with self.transaction():
            self.save_changes_in_transaction(changes)

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
        with self.transaction():
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
        with self.transaction():
            cur = self.conn.execute(
                "UPDATE silences SET expires_ms=? WHERE silence_id=? AND expires_ms > ?",
                (now_ms, silence_id, now_ms))
        return cur.rowcount > 0

    def add_window(self, w: Window) -> None:
        body = dataclasses.asdict(w)
        with self.transaction():
            self.conn.execute("INSERT INTO maintenance_windows VALUES (?, ?)",
                              (w.window_id, to_json(body)))

    def windows(self) -> list[Window]:
        out = []
        for (body,) in self.conn.execute("SELECT body FROM maintenance_windows ORDER BY window_id"):
            d = json.loads(body)
            d["matcher"] = Matcher(**d["matcher"])
            d["days"], d["dates"] = tuple(d["days"]), tuple(d["dates"])
            out.append(Window(**d))
        return out

    def remove_window(self, window_id: str) -> bool:
        with self.transaction():
            cur = self.conn.execute("DELETE FROM maintenance_windows WHERE window_id=?",
                                    (window_id,))
        return cur.rowcount > 0

    def queue_notification(self, notification_id: str, payload: dict[str, Any]) -> None:
        """Queue one message for every target (idempotent by id)."""
        now = now_ms()
        with self.transaction():
            for target in self.outbox_targets:
                self.conn.execute(
                    "INSERT OR IGNORE INTO outbox (notification_id, target, created_ms, payload,"
                    " next_attempt_ms) VALUES (?,?,?,?,?)",
                    (notification_id, target, now, to_json(payload), now))

    def due_notifications(self, now_ms: int, limit: int = 50) -> list[tuple[str, str, str, int]]:
        """(id, target, payload, attempts) of undelivered messages whose retry time has come."""
        return [tuple(r) for r in self.conn.execute(  # type: ignore[misc]
            "SELECT notification_id, target, payload, attempts FROM outbox WHERE delivered_ms IS"
            " NULL AND next_attempt_ms <= ? ORDER BY created_ms LIMIT ?", (now_ms, limit))]

    def mark_delivered(self, notification_id: str, target: str, now_ms: int) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE outbox SET delivered_ms=?, attempts=attempts+1 WHERE notification_id=?"
                " AND target=?", (now_ms, notification_id, target))

    def mark_failed(self, notification_id: str, target: str, next_ms: int, error: str) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE outbox SET attempts=attempts+1, next_attempt_ms=?, last_error=?"
                " WHERE notification_id=? AND target=?", (next_ms, error[:500], notification_id,
                                                           target))


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
