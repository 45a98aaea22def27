"""Failover aggregate SQL: each group's epoch and last known active, drills (switchovers follow)."""

from __future__ import annotations

import json
from typing import Any

from controller.store.sql import Sql, now_ms, to_json


class FailoverSql(Sql):
    """Group epochs and drill records on one connection."""

    def group_epochs(self) -> dict[str, tuple[int, str]]:
        """Per group: (epoch, last active member) as stored."""
        return {g: (int(e), a) for g, e, a in self.conn.execute(
            "SELECT group_id, epoch, active FROM standby_groups")}

    def last_successful_drills(self) -> dict[str, int]:
        """Per group: when its last successful drill finished (unix ms)."""
        return {g: int(t) for g, t in self.conn.execute(
            "SELECT group_id, max(finished_ms) FROM drills WHERE outcome='succeeded'"
            " GROUP BY group_id")}

    def record_drill(self, drill_id: str, group_id: str, started_ms: int, finished_ms: int,
                     outcome: str, requested_by: str, body: dict[str, Any]) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO drills (drill_id, group_id, started_ms, finished_ms, outcome,"
                " requested_by, body) VALUES (?,?,?,?,?,?,?) ON CONFLICT(drill_id) DO UPDATE SET"
                " finished_ms=excluded.finished_ms, outcome=excluded.outcome, body=excluded.body",
                (drill_id, group_id, started_ms, finished_ms or None, outcome, requested_by,
                 to_json(body)))

    def drills(self, group_id: str = "", limit: int = 50) -> list[dict[str, Any]]:
        sql = ("SELECT drill_id, group_id, started_ms, finished_ms, outcome, requested_by, body"
               " FROM drills")
        params: list[Any] = []
        if group_id:
            sql += " WHERE group_id=?"
            params.append(group_id)
        sql += " ORDER BY started_ms DESC LIMIT ?"
        params.append(limit)
        cols = ("drill_id", "group_id", "started_ms", "finished_ms", "outcome", "requested_by")
        out = []
        for row in self.conn.execute(sql, params):
            d = dict(zip(cols, row[:6], strict=True))
            d["finished_ms"] = d["finished_ms"] or 0
            d["body"] = json.loads(row[6] or "{}")
            out.append(d)
        return out

    def set_epoch(self, group_id: str, epoch: int, active: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO standby_groups (group_id, epoch, active, updated_ms) VALUES (?,?,?,?)"
                " ON CONFLICT(group_id) DO UPDATE SET epoch=excluded.epoch,"
                " active=excluded.active, updated_ms=excluded.updated_ms",
                (group_id, epoch, active, now_ms()))
