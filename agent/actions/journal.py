"""Executed command ids and their results in the agent's state dir: a repeated id never runs twice."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from agent.actions.base import ActionError
from hotspare import model
from hotspare.threads import SerialWorker

MAX_COMMANDS = 10_000  # the newest are kept; ids older than that are long past any retry
SCHEMA = """
CREATE TABLE IF NOT EXISTS commands (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    command_id TEXT NOT NULL UNIQUE,
    asset_id TEXT NOT NULL,
    action TEXT NOT NULL,
    received_unix_ms INTEGER NOT NULL,
    result_json TEXT  -- NULL while running (or if the agent died while it ran)
)
"""


class JournalError(ActionError):
    """The command journal cannot be opened or written; commands are refused."""


def _result_json(r: model.CommandResult) -> str:
    return json.dumps({"command_id": r.command_id, "asset_id": r.asset_id,
                       "outcome": r.outcome.value, "message": r.message,
                       "power_state": r.power_state, "elapsed_seconds": r.elapsed_seconds,
                       "finished_unix_ms": r.finished_unix_ms, "details": r.details})


def _result(text: str) -> model.CommandResult:
    d = json.loads(text)
    return model.CommandResult(d["command_id"], d["asset_id"],
                               model.CommandOutcome(d["outcome"]), d["message"],
                               d["power_state"], d["elapsed_seconds"], d["finished_unix_ms"],
                               dict(d["details"]))


class _Db:
    """The SQLite side; used only from the journal's own thread."""

    def __init__(self, path: Path | None) -> None:
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(path) if path is not None else ":memory:",
                                        isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")  # a recorded id survives power loss
            self.conn.execute(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"{path}: cannot open the command journal: {exc}") from None

    def begin(self, command: model.Command, now_ms: int) -> tuple[bool, str | None]:
        """(new, stored result): new is True when this call recorded the id as running."""
        row = self.conn.execute("SELECT result_json FROM commands WHERE command_id = ?",
                                (command.command_id,)).fetchone()
        if row is not None:
            return False, row[0]
        self.conn.execute("INSERT INTO commands (command_id, asset_id, action, "
                          "received_unix_ms) VALUES (?, ?, ?, ?)",
                          (command.command_id, command.asset_id, command.action, now_ms))
        self.conn.execute("DELETE FROM commands WHERE seq <= (SELECT MAX(seq) FROM commands) "
                          "- ?", (MAX_COMMANDS,))
        return True, None

    def finish(self, result: model.CommandResult) -> None:
        self.conn.execute("UPDATE commands SET result_json = ? WHERE command_id = ?",
                          (_result_json(result), result.command_id))

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM commands").fetchone()[0])


class CommandJournal:
    """Async journal of command ids: `begin` before running, `finish` with the result.

    An id already finished returns its first result; an id that was running when the agent died
    returns an error result (recorded) and is never run again: the device's state is unknown,
    and a person or the controller's journal decides what happens next.
    """

    def __init__(self, path: Path | None) -> None:
        self._thread = SerialWorker("command-journal")
        self._db = self._thread.call(_Db, path)

    async def begin(self, command: model.Command) -> model.CommandResult | None:
        """None: new, run it. Otherwise the result to return instead of running."""
        try:
            new, stored = await self._thread.run(self._db.begin, command,
                                                 int(time.time() * 1000))
        except sqlite3.Error as exc:
            raise JournalError(f"command journal: {exc}") from None
        if new:
            return None
        if stored is not None:
            return _result(stored)
        interrupted = model.CommandResult(
            command.command_id, command.asset_id, model.CommandOutcome.ERROR,
            "the agent stopped while this command ran; it is not run again (read the device's "
            "state before deciding)", finished_unix_ms=int(time.time() * 1000))
        await self.finish(interrupted)
        return interrupted

    async def finish(self, result: model.CommandResult) -> None:
        try:
            await self._thread.run(self._db.finish, result)
        except sqlite3.Error as exc:
            raise JournalError(f"command journal: {exc}") from None

    async def count(self) -> int:
        return await self._thread.run(self._db.count)

    def close(self) -> None:
        self._thread.call(self._db.conn.close)
        self._thread.shutdown()
