"""The Database: a writer and a reader connection on their own threads, and async repositories."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from controller.alerts.engine import Alert, Changes
from controller.store import schema
from controller.store.alerts import AlertSql
from controller.store.audit import AuditSql
from controller.store.commands import CommandSql
from controller.store.failover import FailoverSql, SwitchoverSql
from controller.store.fleet import FleetSql
from controller.store.ownership import OwnershipSql
from controller.store.records import (
    AgentRow,
    CommandRecord,
    ComponentRecord,
    IngestItem,
    IngestResult,
    StoreError,
)
from controller.store.spares import SparesSql
from controller.store.spares_repo import SparesRepo
from controller.store.sql import connect
from controller.store.users import UserSql
from hotspare import model
from hotspare.maintenance import Silence, Window
from hotspare.threads import SerialWorker

T = TypeVar("T")
Evaluate = Callable[[list[model.Reading], int], Changes]


class Store:
    """One connection with every aggregate's SQL, used from one thread (tests, offline tools)."""

    def __init__(self, path: Path, *, synchronous: str = "NORMAL") -> None:
        self.path = path
        self.conn = connect(path, synchronous)
        self.fleet = FleetSql(self.conn)
        self.alerts = AlertSql(self.conn)
        self.commands = CommandSql(self.conn)
        self.failover = FailoverSql(self.conn)
        self.switchovers = SwitchoverSql(self.conn)
        self.spares = SparesSql(self.conn)
        self.audit = AuditSql(self.conn)
        self.users = UserSql(self.conn)
        self.ownership = OwnershipSql(self.conn)

    def migrate(self) -> int:
        schema.check(self.conn, self.path)
        return schema.migrate(self.conn, self.path)

    def check(self, full: bool = True) -> int:
        """Integrity check and schema version (for `hotspare controller check`)."""
        schema.check(self.conn, self.path, full=full)
        return self.schema_version()

    def backup(self, target: Path) -> None:
        """An online, consistent copy through SQLite's backup API (readers and writers go on)."""
        if target.exists():
            raise StoreError(f"{target}: already exists; choose a new file")
        try:
            dest = sqlite3.connect(str(target))
            try:
                self.conn.backup(dest, pages=1024)
            finally:
                dest.close()
            target.chmod(0o600)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{target}: backup failed: {exc}") from None

    def schema_version(self) -> int:
        return schema.schema_version(self.conn)

    def ingest(self, items: Iterable[IngestItem], evaluate: Evaluate | None = None) -> IngestResult:
        """Store batches; alert changes from `evaluate` are stored in the same transaction."""
        if evaluate is None:
            return self.fleet.ingest(items)

        def after_store(readings: list[model.Reading], now_ms: int) -> None:
            changes = evaluate(readings, now_ms)
            if changes:
                self.alerts.save_changes_in_transaction(changes)

        return self.fleet.ingest(items, after_store)

    def close(self) -> None:
        self.conn.close()


class Database:
    """Writes go through one connection and thread, reads through another, so reads never wait."""

    def __init__(self, path: Path, *, synchronous: str = "NORMAL") -> None:
        self.path = path
        self._write_thread = SerialWorker("db-write")
        self._read_thread = SerialWorker("db-read")
        try:
            self._writer = self._write_thread.call(Store, path, synchronous=synchronous)
            self._write_thread.call(self._writer.migrate)
            self._reader = self._read_thread.call(Store, path)
        except BaseException:
            self._write_thread.shutdown()
            self._read_thread.shutdown()
            raise
        self.fleet = FleetRepo(self)
        self.alerts = AlertRepo(self)
        self.commands = CommandRepo(self)
        self.spares = SparesRepo(self)

    async def write(self, fn: Callable[[Store], T]) -> T:
        """A unit of work on the writer connection: nothing else writes while it runs."""
        return await self._write_thread.run(fn, self._writer)

    async def read(self, fn: Callable[[Store], T]) -> T:
        """Several reads on the reader connection, one after another with nothing in between."""
        return await self._read_thread.run(fn, self._reader)

    def write_at_start(self, fn: Callable[[Store], T]) -> T:
        """A unit of work before the event loop serves anyone (loading state at start-up)."""
        return self._write_thread.call(fn, self._writer)

    def schema_version(self) -> int:
        return self._read_thread.call(self._reader.schema_version)

    def close(self) -> None:
        try:
            self._write_thread.call(self._writer.close)
            self._read_thread.call(self._reader.close)
        finally:
            self._write_thread.shutdown()
            self._read_thread.shutdown()


class FleetRepo:
    """Agents, assets, components (with history), readings and events."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def ingest(self, items: Sequence[IngestItem], evaluate: Evaluate | None = None
                     ) -> IngestResult:
        return await self._db.write(lambda s: s.ingest(items, evaluate))

    async def register_agent(self, agent_id: str, hostname: str, version: str,
                             collectors: Sequence[str], interval_seconds: float, epoch: int,
                             assets: Sequence[model.Asset]) -> int:
        return await self._db.write(lambda s: s.fleet.register_agent(
            agent_id, hostname, version, collectors, interval_seconds, epoch, assets))

    async def prune_readings(self, older_than_ms: int) -> int:
        return await self._db.write(lambda s: s.fleet.prune_readings(older_than_ms))

    async def agents(self) -> list[AgentRow]:
        return await self._db.read(lambda s: s.fleet.agents())

    async def assets(self) -> list[tuple[model.Asset, str]]:
        return await self._db.read(lambda s: s.fleet.assets())

    async def asset(self, asset_id: str) -> tuple[model.Asset, str] | None:
        return await self._db.read(lambda s: s.fleet.asset(asset_id))

    async def latest_readings(self, asset_ids: Sequence[str] | None = None) -> list[model.Reading]:
        return await self._db.read(lambda s: s.fleet.latest_readings(asset_ids))

    async def components(self, asset_id: str | None = None) -> list[model.Component]:
        return await self._db.read(lambda s: s.fleet.components(asset_id))

    async def component_history(self, asset_id: str | None = None,
                                component_id: str | None = None,
                                since_ms: int = 0) -> list[ComponentRecord]:
        return await self._db.read(
            lambda s: s.fleet.component_history(asset_id, component_id, since_ms))

    async def history(self, asset_id: str, sensor_id: str, from_ms: int, to_ms: int,
                      max_points: int = 0) -> list[model.HistoryPoint]:
        return await self._db.read(
            lambda s: s.fleet.history(asset_id, sensor_id, from_ms, to_ms, max_points))


class AlertRepo:
    """Alerts with their history, silences, maintenance windows and the outbox."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def list_alerts(self, state: str = "", level: int = 0, limit: int = 500) -> list[Alert]:
        return await self._db.read(lambda s: s.alerts.list_alerts(state, level, limit))

    async def alert(self, alert_id: str) -> Alert | None:
        return await self._db.read(lambda s: s.alerts.alert(alert_id))

    async def alert_history(self, alert_id: str) -> list[tuple[int, str, float | None, str]]:
        return await self._db.read(lambda s: s.alerts.alert_history(alert_id))

    async def silences(self, include_expired: bool = False, now_ms: int = 0) -> list[Silence]:
        return await self._db.read(lambda s: s.alerts.silences(include_expired, now_ms))

    async def windows(self) -> list[Window]:
        return await self._db.read(lambda s: s.alerts.windows())

    async def due_notifications(self, now_ms: int, limit: int = 50
                                ) -> list[tuple[str, str, str, int]]:
        return await self._db.write(lambda s: s.alerts.due_notifications(now_ms, limit))

    async def mark_delivered(self, notification_id: str, target: str, now_ms: int) -> None:
        await self._db.write(lambda s: s.alerts.mark_delivered(notification_id, target, now_ms))

    async def mark_failed(self, notification_id: str, target: str, next_ms: int,
                          error: str) -> None:
        await self._db.write(
            lambda s: s.alerts.mark_failed(notification_id, target, next_ms, error))


class CommandRepo:
    """The durable command journal."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def journal(self, record: CommandRecord) -> tuple[CommandRecord, bool]:
        return await self._db.write(lambda s: s.commands.journal(record))

    async def mark_sent(self, command_id: str) -> None:
        await self._db.write(lambda s: s.commands.mark_sent(command_id))

    async def record_result(self, result: model.CommandResult) -> bool:
        return await self._db.write(lambda s: s.commands.record_result(result))

    async def command(self, command_id: str) -> CommandRecord | None:
        return await self._db.write(lambda s: s.commands.command(command_id))

    async def commands(self, kind: str = "", asset_id: str = "", limit: int = 100,
                       open_only: bool = False) -> list[CommandRecord]:
        return await self._db.read(
            lambda s: s.commands.commands(kind, asset_id, limit, open_only))


