"""Durable agent spool: numbered wire batches in SQLite (WAL) until the controller acks them."""

from __future__ import annotations

import fcntl
import logging
import os
import re
import secrets
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from hotspare import convert, model
from hotspare.v1 import agent_pb2

log = logging.getLogger("hotspare.agent.spool")

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    seq INTEGER PRIMARY KEY,
    spooled_unix_ms INTEGER NOT NULL,
    body BLOB NOT NULL
);
"""


class SpoolError(Exception):
    """The spool cannot be used (locked by another agent, unwritable, written by a newer agent)."""


@dataclass(frozen=True, slots=True)
class SpoolLimits:
    """Bounds of the spool; the oldest batches go first, recorded as gaps."""

    max_bytes: int = 256 * 1024 * 1024
    max_age_seconds: float = 7 * 86400.0
    max_batches: int = 100_000


@dataclass(slots=True)
class AppendResult:
    """What one append did: new seqs (in order), seqs dropped to make room, gaps recorded."""

    seqs: list[int] = field(default_factory=list)
    dropped_seqs: list[int] = field(default_factory=list)
    gaps: list[model.Gap] = field(default_factory=list)  # all the new first batch carries
    new_gaps: list[model.Gap] = field(default_factory=list)  # recorded by this append
    dropped_batches_total: int = 0


def spool_path(state_dir: Path, agent_id: str) -> Path:
    """The spool file of one agent in a state dir (the id made safe for a file name)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", agent_id) or "agent"
    return state_dir / f"spool-{safe}.sqlite"


class Spool:
    """One agent's spool. Synchronous: every method runs on the same SerialWorker thread."""

    def __init__(self, path: Path, agent_id: str, limits: SpoolLimits) -> None:
        self.path = path
        self.agent_id = agent_id
        self.limits = limits
        self.epoch = 0
        self.last_seq = 0
        self.dropped_batches_total = 0
        self.total_bytes = 0
        self._sizes: OrderedDict[int, tuple[int, int]] = OrderedDict()  # seq -> (bytes, spooled ms)
        self._conn: sqlite3.Connection | None = None
        self._lock_file: IO[bytes] | None = None

    # ---- open / close --------------------------------------------------------------
    def open(self) -> None:
        """Lock, open (moving a corrupt file aside) and load the spool; raises SpoolError."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
        except OSError as exc:
            raise SpoolError(f"spool {self.path}: {exc.strerror or exc}") from None
        try:
            self._connect()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and not _looks_corrupt(exc):
                raise SpoolError(f"spool {self.path}: {exc}") from None
            moved = self._move_aside()
            log.error("spool %s is unreadable (%s): moved to %s; starting an empty spool with a"
                      " new epoch", self.path, exc, moved)
            try:
                self._connect()
            except sqlite3.DatabaseError as exc2:
                raise SpoolError(f"spool {self.path}: {exc2}") from None

    def _lock(self) -> None:
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = lock_path.open("a+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise SpoolError(
                f"spool {self.path} is in use by another agent process (agent id"
                f" {self.agent_id!r}); give each agent its own id or state_dir") from None
        self._lock_file = handle

    def _connect(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise SpoolError(
                    f"spool {self.path} was written by a newer HotSpare agent (schema {version},"
                    f" this agent knows {SCHEMA_VERSION}); upgrade the agent or move the file away")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {check}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a commit survives kill -9 of the agent
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("agent_id", self.agent_id) != self.agent_id:
                raise SpoolError(
                    f"spool {self.path} belongs to agent {meta['agent_id']!r}, not"
                    f" {self.agent_id!r}; use another state_dir or move the file away")
            rows = conn.execute(
                "SELECT seq, length(body), spooled_unix_ms FROM batches ORDER BY seq").fetchall()
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self._sizes = OrderedDict((int(s), (int(n), int(t))) for s, n, t in rows)
        self.total_bytes = sum(n for n, _ in self._sizes.values())
        if "epoch" in meta:
            self.epoch = int(meta["epoch"])
            self.last_seq = max(int(meta.get("last_seq", "0")), next(reversed(self._sizes), 0))
            self.dropped_batches_total = int(meta.get("dropped_batches_total", "0"))
        else:
            self.epoch = secrets.randbits(62) or 1
            self.last_seq = 0
            self.dropped_batches_total = 0
            self._save_meta(conn)

    def _move_aside(self) -> Path:
        target = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                os.replace(src, Path(str(target) + suffix))
        return target

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._lock_file is not None:
            self._lock_file.close()  # releases the flock
            self._lock_file = None

    # ---- queue operations ----------------------------------------------------------
    @property
    def seqs(self) -> list[int]:
        """Every spooled (unacknowledged) seq, oldest first."""
        return list(self._sizes)

    def append(
        self, parts: Sequence[model.Batch], now_unix_ms: int, carried_gaps: Sequence[model.Gap] = ()
    ) -> AppendResult:
        """Number and store parts in one transaction, first dropping what the limits require."""
        conn = self._require()
        if not parts:
            parts = [model.Batch()]
        bodies = [convert.batch_to_pb(self.agent_id, self.epoch, 0, p).SerializeToString()
                  for p in parts]
        incoming_bytes = sum(len(b) for b in bodies)
        dropped = self._choose_drops(incoming_bytes, len(parts), now_unix_ms)
        result = AppendResult()
        gaps = list(carried_gaps)
        new_gaps: list[model.Gap] = []
        if dropped:
            carried_by_dropped, new_gaps = self._gaps_of(conn, dropped)
            gaps.extend(carried_by_dropped + new_gaps)
        conn.execute("BEGIN IMMEDIATE")
        try:
            if dropped:
                conn.executemany("DELETE FROM batches WHERE seq=?",
                                 [(seq,) for seq, _ in dropped])
            seq = self.last_seq
            dropped_total = self.dropped_batches_total + len(dropped)
            rows = []
            for i, part in enumerate(parts):
                seq += 1
                if i == 0 and gaps:
                    part = model.Batch(part.readings, part.events, part.assets, part.components,
                                       tuple(gaps))
                body = convert.batch_to_pb(self.agent_id, self.epoch, seq, part,
                                           dropped_total).SerializeToString()
                rows.append((seq, now_unix_ms, body))
            conn.executemany(
                "INSERT INTO batches (seq, spooled_unix_ms, body) VALUES (?, ?, ?)", rows)
            self._save_meta(conn, last_seq=seq, dropped_batches_total=dropped_total)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        for s, _ in dropped:
            size, _ = self._sizes.pop(s)
            self.total_bytes -= size
        for s, t, body in rows:
            self._sizes[s] = (len(body), t)
            self.total_bytes += len(body)
        self.last_seq = seq
        self.dropped_batches_total = dropped_total
        result.seqs = [r[0] for r in rows]
        result.dropped_seqs = [s for s, _ in dropped]
        result.gaps = gaps
        result.new_gaps = new_gaps
        result.dropped_batches_total = dropped_total
        return result

    def _choose_drops(
        self, incoming_bytes: int, incoming_batches: int, now_unix_ms: int
    ) -> list[tuple[int, str]]:
        """Oldest seqs to drop (with the reason) so that the new parts fit; never the new ones."""
        limits = self.limits
        oldest_ok_ms = now_unix_ms - int(limits.max_age_seconds * 1000)
        total_bytes = self.total_bytes + incoming_bytes
        count = len(self._sizes) + incoming_batches
        drops: list[tuple[int, str]] = []
        for seq, (size, spooled_ms) in self._sizes.items():
            if spooled_ms < oldest_ok_ms:
                reason = f"older than the agent spool's max_age_seconds={limits.max_age_seconds:g}"
            elif total_bytes > limits.max_bytes or count > limits.max_batches:
                reason = (f"agent spool full (max_bytes={limits.max_bytes},"
                          f" max_pending_batches={limits.max_batches})")
            else:
                break
            drops.append((seq, reason))
            total_bytes -= size
            count -= 1
        return drops

    def _gaps_of(
        self, conn: sqlite3.Connection, dropped: list[tuple[int, str]]
    ) -> tuple[list[model.Gap], list[model.Gap]]:
        """Gaps the dropped batches carried, and one new gap per (reason, asset) over them."""
        spans: dict[tuple[str, str], list[int]] = {}  # -> [from, to, count]
        carried: list[model.Gap] = []
        for seq, reason in dropped:
            row = conn.execute("SELECT body FROM batches WHERE seq=?", (seq,)).fetchone()
            if row is None:
                continue
            msg = agent_pb2.ReadingBatch.FromString(row[0])
            carried.extend(convert.gap_from_pb(g) for g in msg.gaps)
            for r in msg.readings:
                span = spans.get((reason, r.asset_id))
                if span is None:
                    spans[(reason, r.asset_id)] = [r.time_unix_ms, r.time_unix_ms, 1]
                else:
                    span[0] = min(span[0], r.time_unix_ms)
                    span[1] = max(span[1], r.time_unix_ms)
                    span[2] += 1
        made = [model.Gap(asset, lo, hi, n, reason)
                for (reason, asset), (lo, hi, n) in spans.items()]
        return carried, made

    def read(self, seqs: list[int]) -> list[tuple[int, bytes]]:
        """Bodies of the given seqs that are still spooled, in seq order."""
        conn = self._require()
        out: list[tuple[int, bytes]] = []
        for seq in seqs:
            row = conn.execute("SELECT body FROM batches WHERE seq=?", (seq,)).fetchone()
            if row is not None:
                out.append((seq, bytes(row[0])))
        return out

    def ack(self, highest_seq: int) -> int:
        """Forget every batch up to highest_seq (the controller stored them); returns how many."""
        gone = [s for s in self._sizes if s <= highest_seq]
        if gone:
            self._require().execute("DELETE FROM batches WHERE seq<=?", (highest_seq,))
            self._forget(gone)
        return len(gone)

    def remove(self, seq: int) -> bool:
        """Forget one batch (the controller rejected it)."""
        if seq not in self._sizes:
            return False
        self._require().execute("DELETE FROM batches WHERE seq=?", (seq,))
        self._forget([seq])
        return True

    def _forget(self, seqs: list[int]) -> None:
        for s in seqs:
            size, _ = self._sizes.pop(s)
            self.total_bytes -= size

    def _save_meta(self, conn: sqlite3.Connection, last_seq: int | None = None,
                   dropped_batches_total: int | None = None) -> None:
        values = {
            "agent_id": self.agent_id,
            "epoch": str(self.epoch),
            "last_seq": str(self.last_seq if last_seq is None else last_seq),
            "dropped_batches_total": str(self.dropped_batches_total
                                         if dropped_batches_total is None
                                         else dropped_batches_total),
        }
        conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                         list(values.items()))

    def _require(self) -> sqlite3.Connection:
        if self._conn is None:
            raise SpoolError(f"spool {self.path} is not open")
        return self._conn


def _looks_corrupt(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("malformed", "not a database", "corrupt", "quick_check"))
