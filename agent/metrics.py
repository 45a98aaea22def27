"""The agent's Prometheus metrics: collector health per collector and device, queue, reconnects.

The only agent module that imports prometheus_client. Collector health comes from the
collector-health readings the agent emits anyway (the scheduler's per collector, SNMP's and
IPMI's per device), seen on their way to the stream; queue and connection figures are read from
the stream's own counters when scraped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Histogram, PlatformCollector, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from agent.scheduler import CollectorStats
from agent.stream import AgentStream
from hotspare import __version__, model
from hotspare.metrics_http import MetricsEndpoint

log = logging.getLogger("hotspare.agent.metrics")

MAX_DEVICES = 5000  # label cardinality bound: devices beyond this are counted, not labelled
DURATION_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_RESULTS = ("ok", "partial", "error")


@dataclass(slots=True)
class _Device:
    """The last cycle of one collector on one device, and its cycle counts."""

    duration_seconds: float = 0.0
    up: int = 0
    cycles: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_RESULTS, 0))


def collector_of(sensor_id: str) -> str:
    """`collector:local` -> local, `snmp:poll` -> snmp, `ipmi:poll` -> ipmi."""
    if sensor_id.startswith("collector:"):
        return sensor_id.removeprefix("collector:")
    return sensor_id.split(":", 1)[0]


class _ScrapeCollector(Collector):
    def __init__(self, owner: AgentMetrics) -> None:
        self._m = owner

    def collect(self) -> Iterator[Metric]:
        m, stats = self._m, self._m.stream.stats
        info = GaugeMetricFamily("hotspare_agent_build_info", "HotSpare agent version running",
                                 labels=["version", "agent"])
        info.add_metric([__version__, m.stream.agent_id], 1)
        yield info
        last = GaugeMetricFamily("hotspare_agent_collector_last_duration_seconds",
                                 "Duration of the last cycle", labels=["collector", "device"])
        up = GaugeMetricFamily("hotspare_agent_collector_up",
                               "1 if the last cycle returned data (fully or partly), else 0",
                               labels=["collector", "device"])
        cycles = CounterMetricFamily("hotspare_agent_collector_cycles_total",
                                     "Collector cycles by result (ok, partial, error)",
                                     labels=["collector", "device", "result"])
        for (collector, device), d in sorted(m.devices.items()):
            last.add_metric([collector, device], d.duration_seconds)
            up.add_metric([collector, device], d.up)
            for result, count in d.cycles.items():
                cycles.add_metric([collector, device, result], count)
        yield from (last, up, cycles)
        skipped = CounterMetricFamily("hotspare_agent_collector_skipped_ticks_total",
                                      "Ticks skipped because the previous cycle overran",
                                      labels=["collector"])
        for name, s in sorted(m.scheduler_stats.items()):
            skipped.add_metric([name], s.skipped_total)
        yield skipped
        yield CounterMetricFamily("hotspare_agent_unlabelled_devices_total",
                                  f"Health readings of devices beyond the first {MAX_DEVICES}",
                                  value=m.unlabelled_total)
        yield GaugeMetricFamily("hotspare_agent_queue_batches",
                                "Batches queued for the controller (not yet acknowledged)",
                                value=m.stream.pending_count)
        yield GaugeMetricFamily("hotspare_agent_queue_capacity_batches",
                                "Queue bound; beyond it the oldest batch is dropped",
                                value=m.stream.cfg.max_pending_batches)
        yield CounterMetricFamily("hotspare_agent_dropped_batches_total",
                                  "Batches dropped from the full queue", value=stats.dropped_batches_total)
        yield CounterMetricFamily("hotspare_agent_rejected_batches_total",
                                  "Batches the controller refused as invalid",
                                  value=stats.rejected_batches_total)
        yield CounterMetricFamily("hotspare_agent_sent_batches_total",
                                  "Batches written to the stream (re-sends included)",
                                  value=stats.sent_batches_total)
        yield CounterMetricFamily("hotspare_agent_stream_connects_total",
                                  "Sessions established with the controller (first one included)",
                                  value=stats.connects_total)
        yield GaugeMetricFamily("hotspare_agent_stream_connected",
                                "1 while a session with the controller is up",
                                value=1 if stats.connected else 0)


class AgentMetrics:
    """Owns the registry and the /metrics endpoint of one agent process."""

    def __init__(self, listen: str, stream: AgentStream) -> None:
        self.stream = stream
        self.scheduler_stats: Mapping[str, CollectorStats] = {}
        self.devices: dict[tuple[str, str], _Device] = {}
        self.unlabelled_total = 0
        self.registry = CollectorRegistry()
        self.registry.register(_ScrapeCollector(self))
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.duration = Histogram("hotspare_agent_collector_duration_seconds",
                                  "Duration of collector cycles", ["collector"],
                                  buckets=DURATION_BUCKETS, registry=self.registry)
        self.endpoint = MetricsEndpoint(listen, self.render)

    def tap(self, emit: Callable[[model.Batch], None]) -> Callable[[model.Batch], None]:
        """An emit that records the batch's collector-health readings, then passes it on."""

        def observed(batch: model.Batch) -> None:
            for reading in batch.readings:
                if reading.kind is model.ReadingKind.COLLECTOR_HEALTH:
                    self.observe(reading)
            emit(batch)

        return observed

    def observe(self, reading: model.Reading) -> None:
        """One collector-health reading: value is the cycle's seconds, status its result."""
        collector = collector_of(reading.sensor_id)
        key = (collector, reading.asset_id)
        device = self.devices.get(key)
        if device is None:
            if len(self.devices) >= MAX_DEVICES:
                self.unlabelled_total += 1
                return
            device = self.devices[key] = _Device()
        result = "error" if reading.status is model.Status.CRITICAL else \
            "partial" if reading.reason else "ok"
        device.cycles[result] += 1
        device.up = 0 if result == "error" else 1
        if reading.value is not None:
            device.duration_seconds = reading.value
            self.duration.labels(collector).observe(reading.value)

    async def start(self) -> int:
        """Bind the endpoint; raises MetricsListenError (one line) when it cannot."""
        return await self.endpoint.start()

    async def stop(self) -> None:
        await self.endpoint.stop()

    async def render(self, accept: str = "") -> tuple[bytes, str]:
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type
