"""Audit aggregate SQL: the append-only, hash-chained log, and verification of the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from controller.store.sql import Sql, now_ms

GENESIS = "0" * 64
_COLUMNS = "seq, time_ms, who, action, target, reason, outcome, prev_hash, hash"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audited act; `hash` covers every other field, `prev_hash` included."""

    seq: int
    time_ms: int
    who: str
    action: str
    target: str
    reason: str
    outcome: str
    prev_hash: str
    hash: str


def record_hash(seq: int, time_ms: int, who: str, action: str, target: str, reason: str,
                outcome: str, prev_hash: str) -> str:
    """sha256 over a canonical encoding (a JSON array: fixed order, no whitespace, UTF-8)."""
    body = json.dumps([seq, time_ms, who, action, target, reason, outcome, prev_hash],
                      separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def verify_chain(records: list[AuditRecord]) -> tuple[int, str]:
    """(0, "") when the chain is whole; else (seq of the first bad record, what is wrong)."""
    prev, expected_seq = GENESIS, 1
    for r in records:
        if r.seq != expected_seq:
            return r.seq, (f"record {r.seq}: expected seq {expected_seq} "
                           "(a record was deleted or reordered)")
        if r.prev_hash != prev:
            return r.seq, f"record {r.seq}: prev_hash does not match record {r.seq - 1}"
        if record_hash(r.seq, r.time_ms, r.who, r.action, r.target, r.reason, r.outcome,
                       r.prev_hash) != r.hash:
            return r.seq, f"record {r.seq}: hash does not match its content (edited)"
        prev, expected_seq = r.hash, expected_seq + 1
    return 0, ""


class AuditSql(Sql):
    """Appends in one immediate transaction, so the chain has exactly one writer at a time."""

    def append(self, who: str, action: str, target: str, reason: str, outcome: str
               ) -> AuditRecord:
        with self.transaction():
            row = self.conn.execute(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (int(row[0]) + 1, str(row[1])) if row else (1, GENESIS)
            t = now_ms()
            digest = record_hash(seq, t, who, action, target, reason, outcome, prev)
            self.conn.execute(f"INSERT INTO audit_log ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
                              (seq, t, who, action, target, reason, outcome, prev, digest))
        return AuditRecord(seq, t, who, action, target, reason, outcome, prev, digest)

    def records(self, after_seq: int = 0, limit: int = 0) -> list[AuditRecord]:
        sql = f"SELECT {_COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq"
        args: tuple[int, ...] = (after_seq,)
        if limit > 0:
            sql += " LIMIT ?"
            args = (after_seq, limit)
        return [AuditRecord(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                            str(r[6]), str(r[7]), str(r[8]))
                for r in self.conn.execute(sql, args)]
