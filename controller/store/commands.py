"""Commands aggregate SQL: the durable journal, written before a command is sent."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from controller.store.records import CommandRecord, CommandState
from controller.store.sql import Sql, now_ms, to_json
from hotspare import model

_COLUMNS = (
    "command_id, kind, asset_id, agent_id, action, requested_by, requested_ms, timeout_seconds,"
    " group_id, group_epoch, state, outcome, message, power_state, elapsed_seconds,"
    " finished_ms, details"
)


class CommandSql(Sql):
    """Every command by id, unique for ever: a repeated id finds the first one's record."""

    def journal(self, record: CommandRecord) -> tuple[CommandRecord, bool]:
        """Write the request before anything is sent; (stored record, whether it is new)."""
        with self.transaction():
            cur = self.conn.execute(
                f"INSERT OR IGNORE INTO commands ({_COLUMNS}) VALUES"
                " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (record.command_id, record.kind, record.asset_id, record.agent_id, record.action,
                 record.requested_by, record.requested_ms, record.timeout_seconds,
                 record.group_id, record.group_epoch, CommandState.REQUESTED, "", "", "", 0.0,
                 None, to_json(record.details)))
            created = cur.rowcount > 0
            stored = self.command(record.command_id)
        assert stored is not None
        return stored, created

    def mark_sent(self, command_id: str) -> None:
        with self.transaction():
            self.conn.execute("UPDATE commands SET state=? WHERE command_id=? AND state=?",
                              (CommandState.SENT, command_id, CommandState.REQUESTED))

    def record_result(self, result: model.CommandResult) -> bool:
        """Store the outcome once; False when the command already has one (first result wins)."""
        with self.transaction():
            cur = self.conn.execute(
                "UPDATE commands SET state=?, outcome=?, message=?, power_state=?,"
                " elapsed_seconds=?, finished_ms=?, details=? WHERE command_id=? AND state != ?",
                (CommandState.DONE, result.outcome.value, result.message, result.power_state,
                 result.elapsed_seconds, result.finished_unix_ms or now_ms(),
                 to_json(result.details), result.command_id, CommandState.DONE))
        return cur.rowcount > 0

    def command(self, command_id: str) -> CommandRecord | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM commands WHERE command_id=?",
                                (command_id,)).fetchone()
        return _record(row) if row else None

    def commands(self, kind: str = "", asset_id: str = "", limit: int = 100,
                 open_only: bool = False) -> list[CommandRecord]:
        where: list[str] = []
        params: list[Any] = []
        if kind:
            where.append("kind=?")
            params.append(kind)
        if asset_id:
            where.append("asset_id=?")
            params.append(asset_id)
        if open_only:
            where.append("state != ?")
            params.append(CommandState.DONE)
        sql = f"SELECT {_COLUMNS} FROM commands"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY requested_ms DESC, rowid DESC LIMIT ?"
        params.append(limit)
        return [_record(row) for row in self.conn.execute(sql, params)]


def _record(row: Sequence[Any]) -> CommandRecord:
    return CommandRecord(
        command_id=row[0], kind=row[1], asset_id=row[2], agent_id=row[3], action=row[4],
        requested_by=row[5], requested_ms=row[6], timeout_seconds=row[7], group_id=row[8],
        group_epoch=row[9], state=row[10], outcome=row[11], message=row[12], power_state=row[13],
        elapsed_seconds=row[14], finished_ms=row[15] or 0, details=json.loads(row[16] or "{}"))
