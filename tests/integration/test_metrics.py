"""Prometheus /metrics of a real controller and a real agent, parsed with prometheus_client."""

from __future__ import annotations

import math
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from agent.config import StreamConfig
from tests.fakes.agent_stream import ScriptedAgent
from tests.helpers import AgentProc, ControllerProc, cli, controller_healthy, free_port, wait_for

pytestmark = pytest.mark.integration

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(port: int, path: str = "/metrics") -> Samples:
    """Every sample of one scrape, keyed by (name, sorted labels)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = resp.read().decode()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), math.nan)


@pytest.fixture
def metrics_controller(tmp_path: Path):
    port = free_port()
    proc = ControllerProc(tmp_path / "data", extra=["--metrics-listen", f"127.0.0.1:{port}"])
    try:
        proc.wait_ready()
        proc.metrics_port = port  # type: ignore[attr-defined]
        yield proc
    finally:
        proc.stop()


def test_metrics_controller_counts_ingest_refusals_agents_and_commits(metrics_controller) -> None:
    port = metrics_controller.metrics_port
    before = scrape(port)
    assert value(before, "hotspare_ingest_readings_total") == 0
    assert value(before, "hotspare_agents_known") == 0
    assert value(before, "hotspare_database_up") == 1

    agent = ScriptedAgent(metrics_controller.address, "m-agent", "m-host")
    try:
        for i in range(3):
            agent.send("temp", 30.0 + i)
            if i == 0:
                agent.seq += 1  # seq 2 never sent: a gap the controller sees
        during = scrape(port)
        assert value(during, "hotspare_agents_connected") == 1
    finally:
        agent.close()
    bad = ScriptedAgent(metrics_controller.address, "m-bad", "m-bad-host")
    try:
        with pytest.raises(AssertionError, match="no ack"):
            bad.send("temp", math.inf, timeout=3)
    finally:
        bad.close()

    def disconnected() -> Samples | None:
        s = scrape(port)
        return s if value(s, "hotspare_agents_connected") == 0 else None

    after = wait_for(disconnected, 10, 0.2, "agents disconnected")
    assert value(after, "hotspare_ingest_readings_total") == 3
    assert value(after, "hotspare_ingest_batches_refused_total", reason="not_finite") == 1
    assert value(after, "hotspare_ingest_commit_seconds_count") >= 1
    assert value(after, "hotspare_ingest_commit_seconds_bucket", le="+Inf") >= 1
    assert value(after, "hotspare_ingest_queue_batches") == 0
    assert value(after, "hotspare_agents_known") == 2
    assert 0 <= value(after, "hotspare_agent_last_seen_age_seconds", agent="m-agent") < 60
    assert value(after, "hotspare_agent_dropped_batches_total", agent="m-agent") == 0
    assert value(after, "hotspare_agent_seq_gaps_total", agent="m-agent") == 1
    for level in ("1", "2", "3"):
        assert value(after, "hotspare_alerts_firing", level=level) >= 0
    assert value(after, "hotspare_outbox_backlog_messages") == 0
    assert value(after, "hotspare_database_size_bytes") > 0
    assert value(after, "process_resident_memory_bytes") > 0
    assert value(after, "hotspare_build_info", version="0.1.0") == 1


def test_metrics_endpoint_answers_404_for_other_paths(metrics_controller) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"http://127.0.0.1:{metrics_controller.metrics_port}/nope",
                               timeout=5)
    assert err.value.code == 404


def test_metrics_port_taken_is_one_line_and_nothing_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        grpc_port = free_port()
        proc = cli("controller", "run", "--listen", f"127.0.0.1:{grpc_port}", "--data-dir",
                   str(tmp_path / "data"), "--metrics-listen", f"127.0.0.1:{port}")
        assert proc.returncode == 1
        assert "Traceback" not in proc.stderr
        errors = [line for line in proc.stderr.splitlines() if line.startswith("hotspare:")]
        assert errors == [f"hotspare: controller cannot start: metrics endpoint cannot listen on"
                          f" 127.0.0.1:{port}: Address already in use"]
        assert not controller_healthy(f"127.0.0.1:{grpc_port}")

        agent = cli("agent", "run", "--controller", f"127.0.0.1:{grpc_port}",
                    "--metrics-listen", f"127.0.0.1:{port}")
        assert agent.returncode == 1
        assert "Traceback" not in agent.stderr
        assert agent.stderr.strip().splitlines()[-1] == (
            f"hotspare: agent cannot start: metrics endpoint cannot listen on 127.0.0.1:{port}:"
            " Address already in use")


AGENT = """
[agent]
id = "metrics-agent"
[agent.stream]
flush_interval_seconds = 0.1
[collectors.local]
interval_seconds = 0.5
[metrics]
listen = "127.0.0.1:{port}"
"""


def test_metrics_agent_reports_collector_health_and_stream(metrics_controller, tmp_path: Path
                                                           ) -> None:
    port = free_port()
    agent = AgentProc(tmp_path, metrics_controller.address, AGENT.format(port=port))
    try:
        def ready() -> Samples | None:
            if not agent.alive():
                raise AssertionError(f"agent exited:\n{agent.log()}")
            try:
                s = scrape(port)
            except OSError:
                return None
            return s if value(s, "hotspare_agent_collector_cycles_total", collector="local",
                              device="metrics-agent", result="ok") >= 2 \
                and value(s, "hotspare_agent_stream_connected") == 1 else None

        samples = wait_for(ready, 20, 0.2, "agent metrics after two local cycles")
        assert value(samples, "hotspare_agent_collector_up", collector="local",
                     device="metrics-agent") == 1
        assert value(samples, "hotspare_agent_collector_duration_seconds_count",
                     collector="local") >= 2
        assert value(samples, "hotspare_agent_stream_connects_total") == 1
        assert value(samples, "hotspare_agent_dropped_batches_total") == 0
        assert value(samples, "hotspare_agent_queue_capacity_batches") == \
            StreamConfig().max_pending_batches
        assert value(samples, "hotspare_agent_queue_batches") >= 0
        assert value(samples, "hotspare_agent_collector_skipped_ticks_total",
                     collector="local") >= 0
        controller = scrape(metrics_controller.metrics_port)
        assert value(controller, "hotspare_ingest_readings_total") > 0
    finally:
        assert agent.stop() == 0


def test_agent_once_stores_one_cycle_and_exits_zero(metrics_controller, tmp_path: Path) -> None:
    proc = cli("agent", "run", "--once", "--controller", metrics_controller.address,
               "--state-dir", str(tmp_path / "agent-state"))
    assert proc.returncode == 0, proc.stderr
    assert "stored by controller" in proc.stderr
    samples = scrape(metrics_controller.metrics_port)
    assert value(samples, "hotspare_ingest_readings_total") > 0


def test_agent_once_without_controller_exits_one(tmp_path: Path) -> None:
    proc = cli("agent", "run", "--once", "--controller", f"127.0.0.1:{free_port()}",
               "--state-dir", str(tmp_path / "agent-state"), timeout=60)
    assert proc.returncode == 1
    assert "not acknowledged" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_metrics_fleet_readings_are_bounded_gauges_when_enabled(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "controller.toml"
    config.write_text(f'[metrics]\nlisten = "127.0.0.1:{port}"\nfleet_readings = true\n'
                      "max_reading_series = 2\n")
    proc = ControllerProc(tmp_path / "data", extra=["--config", str(config)])
    try:
        proc.wait_ready()
        assert value(scrape(port), "hotspare_reading_series_omitted") == 0
        agent = ScriptedAgent(proc.address, "r-agent", "r-host")
        try:
            agent.send("a-temp", 41.5)
            agent.send("b-temp", 42.5)
            agent.send("c-temp", 43.5)
            samples = scrape(port)
        finally:
            agent.close()
    finally:
        proc.stop()
    values = {labels: v for (name, labels), v in samples.items() if name == "hotspare_reading_value"}
    assert values == {
        (("asset", "r-host"), ("kind", "temperature"), ("sensor", "a-temp"), ("unit", "C")): 41.5,
        (("asset", "r-host"), ("kind", "temperature"), ("sensor", "b-temp"), ("unit", "C")): 42.5,
    }
    assert value(samples, "hotspare_reading_status", asset="r-host", sensor="a-temp",
                 kind="temperature") == 1
    assert value(samples, "hotspare_reading_series_omitted") == 1


def test_metrics_openmetrics_when_the_scraper_asks(metrics_controller) -> None:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse

    req = urllib.request.Request(
        f"http://127.0.0.1:{metrics_controller.metrics_port}/metrics",
        headers={"Accept": "application/openmetrics-text; version=1.0.0,text/plain;q=0.5"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.headers["Content-Type"].startswith("application/openmetrics-text")
        text = resp.read().decode()
    families = {f.name: f for f in om_parse(text)}
    assert families["hotspare_ingest_readings"].type == "counter"
    assert families["hotspare_ingest_commit_seconds"].type == "histogram"
    assert families["hotspare_alerts_firing"].type == "gauge"


def test_metrics_grpc_port_taken_is_one_line_too(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = cli("controller", "run", "--listen", f"127.0.0.1:{port}", "--data-dir",
                   str(tmp_path / "data"), "--metrics-listen", f"127.0.0.1:{free_port()}")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()
    assert len(last) == 1 and last[0].startswith("hotspare: controller cannot start:")
    assert f"127.0.0.1:{port}" in last[0] and "in use" in last[0]
