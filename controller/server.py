"""Builds and runs the controller process: store, ingest, gRPC services, health, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from controller.alerts.runtime import Alerting
from controller.api.agents import AgentService
from controller.api.alerts import AlertService
from controller.api.control import ControlService
from controller.api.failover import FailoverService
from controller.api.queries import QueryService
from controller.api.security import SecurityService
from controller.api.spares import SparesService
from controller.audit import Audit
from controller.auth.guard import Guard
from controller.auth.totp import SecretBox
from controller.auth.transport import check_transport, is_loopback
from controller.auth.users import Users
from controller.commands import CommandRouter, Commands
from controller.config import ControllerConfig
from controller.failover.drills import Drills
from controller.failover.policy import AutoFailover
from controller.failover.runtime import ReadinessRuntime, spares_readiness
from controller.failover.switchover import Switchovers
from controller.hub import FleetHub
from controller.ingest import IngestWriter, Limits
from controller.metrics import ControllerMetrics, Sources
from controller.ownership import Ownership
from controller.queries import Queries
from controller.spares.runtime import SparesRuntime
from controller.store import Database, IngestResult
from hotspare import convert
from hotspare.v1 import (
    agent_pb2,
    agent_pb2_grpc,
    alerts_pb2_grpc,
    control_pb2_grpc,
    failover_pb2_grpc,
    query_pb2_grpc,
    security_pb2_grpc,
    spares_pb2_grpc,
)

log = logging.getLogger("hotspare.controller")


class Controller:
    """One controller: owns the database, the writer and the gRPC server."""

    def __init__(self, config: ControllerConfig) -> None:
        self.config = config
        warning = check_transport(config.listen, config.tls_cert_file, config.tls_key_file,
                                  config.allow_insecure)  # before anything is created
        if warning:
            log.warning("%s", warning)
        self.db = Database(config.database_path, synchronous=config.synchronous)
        self.audit = Audit(self.db)
        self.users = Users(self.db, SecretBox(config.data_dir / "secrets.key"))
        self.hub = FleetHub()
        self.router = CommandRouter()
        self.commands = Commands(self.db, self.router)
        self.queries = Queries(self.db, self.hub)
        self.alerting = Alerting(config.alerts, self.db, self.hub.publish)
        self.queries.forget_hooks.append(self.alerting.engine.forget)
        self.db.write_at_start(self.alerting.load)
        self.spares = SparesRuntime(self.db, config.spares)
        self.db.write_at_start(self.spares.load)
        self.writer = IngestWriter(self.db, self._committed, evaluate=self.alerting.evaluate)
        self.readiness = ReadinessRuntime(config.standby_groups, self.db, self.alerting.feed,
                                          config.readiness_tick_seconds,
                                          spares=spares_readiness(self.spares.check))
        self.switchovers = Switchovers({g.name: g for g in config.standby_groups}, self.db,
                                       self.commands, self.readiness, self.alerting.feed)
        self.switchovers.audit = self.audit
        self.drills = Drills(self.switchovers, self.db)
        self.policy = AutoFailover(self.switchovers.groups, self.switchovers, self.db,
                                   f"controller:{config.listen}", self.alerting.feed)
        self.readiness.observers.append(self.policy.observe)
        self.server: grpc.aio.Server | None = None
        self.port = 0
        self._tasks: list[asyncio.Task[None]] = []
        self.health = health.aio.HealthServicer()
        self.metrics: ControllerMetrics | None = None

    def _committed(self, result: IngestResult) -> None:
        self.hub.publish(result.changed_assets)
        self.readiness.on_committed(result)
        self.spares.on_committed(result)

    async def _register(self, hello: agent_pb2.Hello) -> int:
        assets = [convert.asset_from_pb(a) for a in hello.assets if a.asset_id]
        highest = await self.db.fleet.register_agent(
            hello.agent_id, hello.hostname, hello.version, list(hello.collectors),
            hello.interval_seconds or 10.0, hello.stream_epoch, assets,
        )
        self.hub.publish({a.asset_id for a in assets})
        return highest

    async def start(self) -> int:
        """Start serving; returns the bound port."""
        await self.users.load()
        self.server = grpc.aio.server(
            interceptors=[Guard(self.users, tls=bool(self.config.tls_cert_file),
                                loopback_listen=is_loopback(self.config.listen))],
            options=[
                ("grpc.max_receive_message_length", 64 * 1024 * 1024),
                ("grpc.so_reuseport", 0),
            ]
        )
        limits = Limits(self.config.max_batch_readings, self.config.max_future_seconds)
        agents = AgentService(self.writer, self._register, self.router, limits,
                              Ownership(self.db))
        agent_pb2_grpc.add_AgentServiceServicer_to_server(agents, self.server)
        query_pb2_grpc.add_QueryServiceServicer_to_server(QueryService(self.queries), self.server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        alerts_pb2_grpc.add_AlertServiceServicer_to_server(
            AlertService(self.alerting, self.db, self.audit), self.server)
        control_pb2_grpc.add_ControlServiceServicer_to_server(
            ControlService(self.db, self.commands, self.audit), self.server)
        failover_pb2_grpc.add_FailoverServiceServicer_to_server(
            FailoverService(self.readiness, self.switchovers, self.drills), self.server)
        spares_pb2_grpc.add_SparesServiceServicer_to_server(
            SparesService(self.db, self.spares), self.server)
        security_pb2_grpc.add_SecurityServiceServicer_to_server(
            SecurityService(self.users, self.audit), self.server)
        if self.config.metrics_listen:  # bound first: a taken port stops us before any serving
            self.metrics = ControllerMetrics(self.config.metrics_listen, Sources(
                self.writer, agents.refused_total, self.router, self.alerting, self.db),
                self.config.metrics_reading_series)
            await self.metrics.start()
        self.port = self._bind(self.server)
        self.writer.start()
        self.alerting.start()
        self.spares.start()
        self.readiness.start()
        await self.switchovers.resume_open()
        await self.server.start()
        for name in ("", "hotspare.v1.AgentService", "hotspare.v1.QueryService",
                     "hotspare.v1.AlertService", "hotspare.v1.ControlService",
                     "hotspare.v1.FailoverService", "hotspare.v1.SparesService",
                     "hotspare.v1.SecurityService"):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        self._tasks.append(asyncio.create_task(self.queries.watch_liveness()))
        self._tasks.append(asyncio.create_task(self._retention()))
        log.info("controller listening on %s (port %d), database %s", self.config.listen,
                 self.port, self.config.database_path)
        return self.port

    def _bind(self, server: grpc.aio.Server) -> int:
        cfg = self.config
        if cfg.tls_cert_file:
            client_ca = Path(cfg.tls_client_ca_file).read_bytes() if cfg.tls_client_ca_file else None
            creds = grpc.ssl_server_credentials(
                [(Path(cfg.tls_key_file).read_bytes(), Path(cfg.tls_cert_file).read_bytes())],
                root_certificates=client_ca,
                require_client_auth=client_ca is not None,
            )
            port = self._add_port(lambda: server.add_secure_port(cfg.listen, creds))
        else:
            port = self._add_port(lambda: server.add_insecure_port(cfg.listen))
        if port == 0:
            raise OSError(f"cannot listen on {cfg.listen} (address in use or not available)")
        return port

    @staticmethod
    def _add_port(add: Callable[[], int]) -> int:
        try:
            return add()
        except RuntimeError:  # grpcio >= 1.5x raises where older versions returned 0
            return 0

    async def _retention(self) -> None:
        while True:
            cutoff = int((time.time() - self.config.retention_days * 86400) * 1000)
            with contextlib.suppress(Exception):
                await self.db.fleet.prune_readings(cutoff)
            await asyncio.sleep(3600)

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """Graceful: stop accepting, let streams finish, flush the writer, close the database."""
        await self.health.enter_graceful_shutdown()
        # No failover decisions while agents disconnect: a stopping controller would otherwise
        # see every member go silent. A running switchover resumes from its journal (S6).
        await self.readiness.stop()
        await self.switchovers.stop()
        if self.server is not None:
            await self.server.stop(grace_seconds)
        if self.metrics is not None:
            await self.metrics.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.alerting.stop()
        await self.spares.stop()
        await self.writer.stop()
        self.db.close()
        log.info("controller stopped")


async def main(config: ControllerConfig, ready: asyncio.Event | None = None) -> None:
    """Run until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    controller = Controller(config)
    try:
        await controller.start()
    except BaseException:  # nothing half-started stays behind: close what start() opened
        await controller.stop(grace_seconds=0)
        raise
    if ready is not None:
        ready.set()
    await stop.wait()
    await controller.stop()
