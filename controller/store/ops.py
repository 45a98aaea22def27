"""Operational counts for the metrics endpoint: firing alerts, outbox backlog, command outcomes."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from controller.store.records import AgentRow

if TYPE_CHECKING:
    from controller.store.database import Store


@dataclass(frozen=True, slots=True)
class OpsSnapshot:
    """What a scrape reports from the database; read in one go on the reader connection."""

    agents: list[AgentRow] = field(default_factory=list)
    firing_by_level: dict[int, int] = field(default_factory=dict)
    outbox_backlog: int = 0
    outbox_oldest_ms: int = 0  # created_ms of the oldest undelivered message (0: none)
    commands: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, outcome) -> n
    database_bytes: int = 0
    seq_gaps: dict[str, int] = field(default_factory=dict)  # agent -> batches never stored


def ops_snapshot(store: Store) -> OpsSnapshot:
    """Cheap aggregate queries (indexed or small tables); never a scan of the readings history."""
    conn = store.conn
    firing = {int(level): int(n) for level, n in conn.execute(
        "SELECT level, COUNT(*) FROM alerts WHERE state='firing' GROUP BY level")}
    backlog, oldest = conn.execute(
        "SELECT COUNT(*), COALESCE(MIN(created_ms), 0) FROM outbox WHERE delivered_ms IS NULL"
    ).fetchone()
    commands = {(str(kind), str(outcome) or "pending"): int(n) for kind, outcome, n in conn.execute(
        "SELECT kind, outcome, COUNT(*) FROM commands GROUP BY kind, outcome")}
    gaps = {str(agent): int(n) for agent, n in conn.execute(
        "SELECT agent_id, SUM(highest_seq - stored_batches) FROM streams GROUP BY agent_id")}
    size = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):  # no WAL file is no WAL bytes
            size += os.stat(f"{store.path}{suffix}").st_size
    return OpsSnapshot(store.fleet.agents(), firing, int(backlog), int(oldest), commands, size,
                       gaps)
