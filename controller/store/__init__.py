"""The controller's storage: one Database with async repositories per aggregate; all SQL lives here.

Callers `await db.fleet.assets()`, `await db.alerts.list_alerts()`, `await db.commands.journal(...)`
and never see threads: each connection lives on its own worker thread inside the Database. A
server database (PostgreSQL) would replace this package behind the same repository methods.
"""

from __future__ import annotations

from controller.store.database import AlertRepo, CommandRepo, Database, FleetRepo, Store
from controller.store.ops import OpsSnapshot, ops_snapshot
from controller.store.records import (
    AgentRow,
    CommandRecord,
    CommandState,
    ComponentRecord,
    IngestItem,
    IngestResult,
    StoreError,
)

__all__ = [
    "AgentRow",
    "AlertRepo",
    "CommandRecord",
    "CommandRepo",
    "CommandState",
    "ComponentRecord",
    "Database",
    "FleetRepo",
    "IngestItem",
    "IngestResult",
    "OpsSnapshot",
    "Store",
    "StoreError",
    "ops_snapshot",
]
