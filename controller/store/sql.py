"""The SQLite connection every aggregate's SQL runs on: pragmas, transactions, JSON columns."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from controller.store.records import StoreError


def to_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def now_ms() -> int:
    return int(time.time() * 1000)


def connect(path: Path, synchronous: str = "NORMAL") -> sqlite3.Connection:
    """Open (creating the folder) in WAL mode; autocommit, so transactions are explicit."""
    try:
        create_private(path)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA foreign_keys=ON")
    except (OSError, sqlite3.Error) as exc:
        advice = "" if isinstance(exc, OSError) else (
            "; restore it from a backup (hotspare controller backup) or move it away to start"
            " empty")
        raise StoreError(f"{path}: cannot open database: {exc}{advice}") from exc
    return conn


def create_private(path: Path) -> None:
    """A new data folder is 0700 and a new database file 0600 (SQLite's -wal/-shm follow it)."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception; nests as a no-op."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._outer = False

    def __enter__(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self._outer = True

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self._outer:
            return
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


class Sql:
    """Base of each aggregate's SQL: one connection, used from one thread only."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def transaction(self) -> Transaction:
        return Transaction(self.conn)
