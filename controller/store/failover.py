"""Failover aggregate SQL: each group's epoch and last known active, drills (switchovers follow)."""

from __future__ import annotations

import json
from typing import Any

from controller.store.sql import Sql, now_ms, to_json
from hotspare.standby import Switchover, SwitchoverMode, SwitchoverState, SwitchoverStep


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


_SW_COLUMNS = ("request_id, group_id, mode, requested_by, reason, from_member, to_member, epoch,"
               " state, outcome_reason, forced, automatic, drill_id, requested_ms, finished_ms")


class SwitchoverSql(Sql):
    """The switchover journal: each request, and each step before and after its side effect."""

    def create(self, sw: Switchover) -> tuple[Switchover, bool]:
        """Record a request (idempotent by id): (the stored record, whether it is new)."""
        with self.transaction():
            cur = self.conn.execute(
                f"INSERT OR IGNORE INTO switchovers ({_SW_COLUMNS}) VALUES"
                " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (sw.request_id, sw.group, sw.mode.value, sw.requested_by, sw.reason,
                 sw.from_member, sw.to_member, sw.epoch, sw.state.value, sw.outcome_reason,
                 sw.forced, int(sw.automatic), sw.drill_id, sw.requested_ms, None))
            stored = self.get(sw.request_id)
        assert stored is not None
        return stored, cur.rowcount > 0

    def step_started(self, request_id: str, seq: int, step: str, detail: str = "") -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO switchover_steps (request_id, seq, step, state, started_ms, detail)"
                " VALUES (?,?,?,?,?,?) ON CONFLICT(request_id, seq) DO UPDATE SET"
                " state='started', detail=excluded.detail",
                (request_id, seq, step, "started", now_ms(), detail))

    def step_finished(self, request_id: str, seq: int, state: str, detail: str) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE switchover_steps SET state=?, finished_ms=?, detail=? WHERE request_id=?"
                " AND seq=?", (state, now_ms(), detail[:1000], request_id, seq))

    def finish(self, request_id: str, state: SwitchoverState, reason: str) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE switchovers SET state=?, outcome_reason=?, finished_ms=? WHERE"
                " request_id=?", (state.value, reason[:1000],
                                  now_ms() if state.terminal else None, request_id))

    def get(self, request_id: str) -> Switchover | None:
        row = self.conn.execute(f"SELECT {_SW_COLUMNS} FROM switchovers WHERE request_id=?",
                                (request_id,)).fetchone()
        return self._with_steps(row) if row else None

    def list(self, group_id: str = "", open_only: bool = False, limit: int = 50
             ) -> list[Switchover]:
        where: list[str] = []
        params: list[Any] = []
        if group_id:
            where.append("group_id=?")
            params.append(group_id)
        if open_only:
            where.append("state IN ('running', 'blocked')")
        sql = f"SELECT {_SW_COLUMNS} FROM switchovers"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY requested_ms DESC, rowid DESC LIMIT ?"
        params.append(limit)
        return [self._with_steps(row) for row in self.conn.execute(sql, params).fetchall()]

    def _with_steps(self, row: Any) -> Switchover:
        steps = tuple(SwitchoverStep(*r) for r in self.conn.execute(
            "SELECT seq, step, state, started_ms, coalesce(finished_ms, 0), detail FROM"
            " switchover_steps WHERE request_id=? ORDER BY seq", (row[0],)))
        return Switchover(
            request_id=row[0], group=row[1], mode=SwitchoverMode(row[2]), requested_by=row[3],
            reason=row[4], from_member=row[5], to_member=row[6], epoch=row[7],
            state=SwitchoverState(row[8]), outcome_reason=row[9], forced=row[10],
            automatic=bool(row[11]), drill_id=row[12], requested_ms=row[13],
            finished_ms=row[14] or 0, steps=steps)

    def acquire_lease(self, name: str, holder: str, ttl_ms: int) -> bool:
        """Take or renew a lease; False while another holder's lease has not expired.

        With SQLite there is one controller and the lease is trivially its own; a server
        database provides the same primitive across controllers (S5)."""
        now = now_ms()
        with self.transaction():
            row = self.conn.execute("SELECT holder, expires_ms FROM leases WHERE name=?",
                                    (name,)).fetchone()
            if row is not None and row[0] != holder and row[1] > now:
                return False
            self.conn.execute(
                "INSERT INTO leases (name, holder, expires_ms) VALUES (?,?,?) ON CONFLICT(name)"
                " DO UPDATE SET holder=excluded.holder, expires_ms=excluded.expires_ms",
                (name, holder, now + ttl_ms))
        return True
