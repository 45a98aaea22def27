"""The controller's Prometheus metrics: one registry per process, gauges computed at scrape time.

The only controller module that imports prometheus_client. The hot path pays for one histogram
observation per commit (not per batch or reading); everything else is read when scraped: plain
counters the writer, the agents' servicer and the alerting keep anyway, and one short read of the
database (agents, firing alerts, outbox, command journal) on the reader connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Histogram, PlatformCollector, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from controller import fleet
from controller.alerts.runtime import Alerting
from controller.commands import CommandRouter
from controller.ingest import IngestWriter
from controller.store import AgentRow, Database, OpsSnapshot, Store, ops_snapshot
from hotspare import __version__, model
from hotspare.metrics_http import MetricsEndpoint
from hotspare.threads import run_blocking

log = logging.getLogger("hotspare.controller.metrics")

SNAPSHOT_TIMEOUT_SECONDS = 5.0
COMMIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
LEVELS = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class Sources:
    """The live objects a scrape reads; each keeps its own plain counters."""

    writer: IngestWriter
    refused: Mapping[str, int]  # batches refused, by reason code
    router: CommandRouter
    alerting: Alerting
    db: Database


class _ScrapeCollector(Collector):
    """Families computed when scraped, from the sources and the last database snapshot."""

    def __init__(self, sources: Sources) -> None:
        self._s = sources
        self.snapshot: OpsSnapshot | None = None
        self.readings: FleetReadings | None = None

    def collect(self) -> Iterator[Metric]:
        s = self._s
        info = GaugeMetricFamily("hotspare_build_info", "HotSpare version running", labels=["version"])
        info.add_metric([__version__], 1)
        yield info
        yield CounterMetricFamily("hotspare_ingest_readings_total",
                                  "Readings stored by the ingest writer since start",
                                  value=s.writer.readings_stored_total)
        yield CounterMetricFamily("hotspare_ingest_duplicate_batches_total",
                                  "Batches skipped as already stored (agent re-sends) since start",
                                  value=s.writer.duplicates_total)
        yield CounterMetricFamily("hotspare_ingest_commit_failures_total",
                                  "Ingest transactions that failed (batches not acked, re-sent)",
                                  value=s.writer.commit_failures_total)
        refused = CounterMetricFamily("hotspare_ingest_batches_refused_total",
                                      "Batches refused as invalid, by reason", labels=["reason"])
        for reason, count in sorted(dict(s.refused).items()):
            refused.add_metric([reason], count)
        yield refused
        yield GaugeMetricFamily("hotspare_ingest_queue_batches",
                                "Batches waiting for the next ingest commit",
                                value=s.writer.queue_depth)
        yield GaugeMetricFamily("hotspare_agents_connected", "Agents with an open stream now",
                                value=s.router.connected_count())
        yield CounterMetricFamily("hotspare_outbox_deliveries_total",
                                  "Webhook messages delivered since start",
                                  value=s.alerting.delivered_total)
        yield CounterMetricFamily("hotspare_outbox_delivery_failures_total",
                                  "Failed webhook delivery attempts since start (retried later)",
                                  value=s.alerting.delivery_failures_total)
        yield GaugeMetricFamily("hotspare_database_up",
                                "1 if the last scrape could read the database, else 0",
                                value=1 if self.snapshot is not None else 0)
        now_ms = int(time.time() * 1000)
        if self.snapshot is not None:
            yield from _snapshot_families(self.snapshot, now_ms)
            if self.readings is not None:
                yield from _reading_families(self.readings, self.snapshot.agents, now_ms)


@dataclass(frozen=True, slots=True)
class FleetReadings:
    """The latest reading of every sensor and each asset's agent, for the optional gauges."""

    readings: list[model.Reading]
    agent_of: dict[str, str]  # asset id -> agent id
    max_series: int


def _read_fleet(max_series: int) -> Callable[[Store], FleetReadings]:
    def read(store: Store) -> FleetReadings:
        agent_of = {asset.asset_id: agent for asset, agent in store.fleet.assets()}
        return FleetReadings(store.fleet.latest_readings(), agent_of, max_series)

    return read


def _reading_families(fleet_readings: FleetReadings, agents: list[AgentRow], now_ms: int
                      ) -> Iterator[Metric]:
    """One value and one status series per sensor, at most max_series sensors; a reading that is
    unknown now (agent down, stale, no value) has a status and no value: no data is not a value."""
    by_id = {a.agent_id: a for a in agents}
    value = GaugeMetricFamily("hotspare_reading_value", "Latest value of a fleet sensor",
                              labels=["asset", "sensor", "kind", "unit"])
    status = GaugeMetricFamily("hotspare_reading_status",
                               "Status of a fleet sensor now: 1 ok, 2 unknown, 3 warning, 4 critical",
                               labels=["asset", "sensor", "kind"])
    shown = fleet_readings.readings[:fleet_readings.max_series]
    for reading in shown:
        agent = by_id.get(fleet_readings.agent_of.get(reading.asset_id, ""))
        r = fleet.effective_reading(reading, agent, fleet.agent_up(agent, now_ms), now_ms)
        status.add_metric([r.asset_id, r.sensor_id, r.kind.value], int(r.status))
        if r.value is not None and r.status is not model.Status.UNKNOWN:
            value.add_metric([r.asset_id, r.sensor_id, r.kind.value, r.unit], r.value)
    yield value
    yield status
    yield GaugeMetricFamily("hotspare_reading_series_omitted",
                            "Sensors left out of hotspare_reading_* by [metrics] max_reading_series",
                            value=len(fleet_readings.readings) - len(shown))


def _snapshot_families(snap: OpsSnapshot, now_ms: int) -> Iterator[Metric]:
    yield GaugeMetricFamily("hotspare_agents_known", "Agents the controller has ever registered",
                            value=len(snap.agents))
    yield GaugeMetricFamily("hotspare_agents_up",
                            "Agents heard from within 3 of their intervals",
                            value=sum(1 for a in snap.agents if fleet.agent_up(a, now_ms)))
    age = GaugeMetricFamily("hotspare_agent_last_seen_age_seconds",
                            "Seconds since the agent's last Hello or batch", labels=["agent"])
    dropped = CounterMetricFamily("hotspare_agent_dropped_batches_total",
                                  "Batches the agent dropped from its full queue (as it reports)",
                                  labels=["agent"])
    gaps = CounterMetricFamily("hotspare_agent_seq_gaps_total",
                               "Batches below the agent's highest stored seq that never arrived"
                               " (dropped or refused), over all its stream epochs",
                               labels=["agent"])
    for agent in snap.agents:
        age.add_metric([agent.agent_id], max(0.0, (now_ms - agent.last_seen_ms) / 1000))
        dropped.add_metric([agent.agent_id], agent.dropped_batches_total)
        gaps.add_metric([agent.agent_id], snap.seq_gaps.get(agent.agent_id, 0))
    yield age
    yield dropped
    yield gaps
    firing = GaugeMetricFamily("hotspare_alerts_firing", "Alerts firing now, by fault level",
                               labels=["level"])
    for level in LEVELS:
        firing.add_metric([str(level)], snap.firing_by_level.get(level, 0))
    yield firing
    yield GaugeMetricFamily("hotspare_outbox_backlog_messages",
                            "Webhook messages not yet delivered", value=snap.outbox_backlog)
    yield GaugeMetricFamily("hotspare_outbox_oldest_age_seconds",
                            "Age of the oldest undelivered webhook message (0: none)",
                            value=max(0.0, (now_ms - snap.outbox_oldest_ms) / 1000)
                            if snap.outbox_oldest_ms else 0.0)
    commands = CounterMetricFamily("hotspare_commands_total",
                                   "Journaled commands (power, fence, promote...) by outcome",
                                   labels=["kind", "outcome"])
    for (kind, outcome), count in sorted(snap.commands.items()):
        commands.add_metric([kind, outcome], count)
    yield commands
    yield GaugeMetricFamily("hotspare_database_size_bytes",
                            "Size of the SQLite database file and its WAL",
                            value=snap.database_bytes)


class ControllerMetrics:
    """Owns the registry, the commit histogram and the /metrics endpoint."""

    def __init__(self, listen: str, sources: Sources, max_reading_series: int = 0) -> None:
        self._max_reading_series = max_reading_series  # 0: no per-sensor gauges
        self.registry = CollectorRegistry()
        self._sources = sources
        self._scrape = _ScrapeCollector(sources)
        self.registry.register(self._scrape)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.commit_seconds = Histogram(
            "hotspare_ingest_commit_seconds", "Duration of one group-commit ingest transaction",
            buckets=COMMIT_BUCKETS, registry=self.registry)
        sources.writer.observe_commit = self.commit_seconds.observe
        self.endpoint = MetricsEndpoint(listen, self.render)
        self._lock = asyncio.Lock()

    async def start(self) -> int:
        """Bind the endpoint; raises MetricsListenError (one line) when it cannot."""
        return await self.endpoint.start()

    async def stop(self) -> None:
        await self.endpoint.stop()
        self._sources.writer.observe_commit = None

    async def render(self, accept: str = "") -> tuple[bytes, str]:
        """Refresh the database snapshot, then encode the registry as the scraper asked."""
        async with self._lock:  # concurrent scrapes share one database read at a time
            try:
                self._scrape.snapshot = await asyncio.wait_for(
                    self._sources.db.read(ops_snapshot), SNAPSHOT_TIMEOUT_SECONDS)
            except Exception as exc:  # the database families go missing, the rest is served
                log.warning("metrics: database snapshot failed: %s", exc)
                self._scrape.snapshot = None
            if self._max_reading_series and self._scrape.snapshot is not None:
                try:
                    self._scrape.readings = await asyncio.wait_for(self._sources.db.read(
                        _read_fleet(self._max_reading_series)), SNAPSHOT_TIMEOUT_SECONDS)
                except Exception as exc:
                    log.warning("metrics: fleet readings failed: %s", exc)
                    self._scrape.readings = None
            encoder, content_type = choose_encoder(accept)
            # off the event loop: with fleet readings on, encoding is ~20 us per series
            return await run_blocking(encoder, self.registry), content_type
