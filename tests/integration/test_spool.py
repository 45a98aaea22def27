"""The agent's durable spool against a real controller: agent kill -9, restart, nothing lost or doubled."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from agent.spool import spool_path
from tests.helpers import ControllerProc, cli, free_port, wait_for

pytestmark = pytest.mark.integration

INTERVAL_SECONDS = 0.3
SPOOLED_AGENT = f"""
[agent]
id = "{{agent_id}}"
[agent.asset]
id = "{{agent_id}}-host"
[agent.stream]
backoff_initial_seconds = 0.1
backoff_max_seconds = 0.3
[collectors.local]
interval_seconds = {INTERVAL_SECONDS}
timeout_seconds = {INTERVAL_SECONDS}
"""


def _ro(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)


def _streams(data: Path, agent_id: str) -> dict[int, tuple[int, int]]:
    """epoch -> (highest stored seq, batches stored) from the controller's database."""
    with _ro(data / "hotspare.sqlite") as conn:
        try:
            rows = conn.execute("SELECT epoch, highest_seq, stored_batches FROM streams"
                                " WHERE agent_id=?", (agent_id,)).fetchall()
        except sqlite3.OperationalError:  # not created yet
            return {}
    return {int(e): (int(h), int(n)) for e, h, n in rows}


def _stored_readings(data: Path, asset_id: str) -> set[tuple[str, int]]:
    with _ro(data / "hotspare.sqlite") as conn:
        rows = conn.execute(
            "SELECT s.sensor_id, r.time_ms FROM readings r JOIN sensors s USING (sensor_key)"
            " WHERE s.asset_id=?", (asset_id,)).fetchall()
    return {(str(s), int(t)) for s, t in rows}


def _spooled_at_kill(state_dir: Path, agent_id: str, copy_to: Path) -> tuple[int, dict[int, set]]:
    """epoch and seq -> readings of the batches a killed agent left in its spool (read from a copy)."""
    from hotspare.v1 import agent_pb2

    src = spool_path(state_dir, agent_id)
    copy_to.mkdir()
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{src}{suffix}").exists():
            shutil.copy(f"{src}{suffix}", copy_to / f"spool.sqlite{suffix}")
    with sqlite3.connect(copy_to / "spool.sqlite") as conn:
        epoch = int(conn.execute("SELECT value FROM meta WHERE key='epoch'").fetchone()[0])
        batches: dict[int, set] = {}
        for seq, body in conn.execute("SELECT seq, body FROM batches ORDER BY seq"):
            msg = agent_pb2.ReadingBatch.FromString(body)
            assert msg.stream_epoch == epoch
            batches[int(seq)] = {(r.asset_id, r.sensor_id, r.time_unix_ms) for r in msg.readings}
    return epoch, batches


def test_spool_agent_kill9_unacked_readings_arrive_after_restart_once(tmp_path, start_agent):
    agent_id, asset = "spooled", "spooled-host"
    data = tmp_path / "data"
    ctl = ControllerProc(data)
    ctl.wait_ready()
    agent = start_agent(ctl.address, SPOOLED_AGENT.format(agent_id=agent_id), name="first")
    wait_for(lambda: sum(n for _, n in _streams(data, agent_id).values()) >= 5, 20, 0.2,
             "first batches stored")
    ctl.kill9()  # nothing is acknowledged from now on: the agent spools
    outage_started = time.time()
    time.sleep(3.0)
    agent.kill9()
    killed_ms = int(time.time() * 1000)
    state_dir = tmp_path / "hotspare-agent-state"  # the default: next to the config file
    epoch, unacked = _spooled_at_kill(state_dir, agent_id, tmp_path / "spool-copy")
    assert len(unacked) >= 5, f"only {len(unacked)} batches spooled in a 3 s outage"
    assert min(unacked) <= max(h for h, _ in _streams(data, agent_id).values()) + 1
    before = _stored_readings(data, asset)
    unacked_readings = {(s, t) for b in unacked.values() for a, s, t in b if a == asset}
    assert unacked_readings and not unacked_readings <= before  # they really were missing

    ctl2 = ControllerProc(data, port=ctl.port)
    ctl2.wait_ready()
    try:
        again = start_agent(ctl2.address, SPOOLED_AGENT.format(agent_id=agent_id), name="second")
        wait_for(lambda: _streams(data, agent_id).get(epoch, (0, 0))[0] > max(unacked) + 3, 20,
                 0.2, "restarted agent sent its spool and carried on")
        assert again.stop() == 0
        assert f"{len(unacked)} unacknowledged batches" in again.log()
        streams = _streams(data, agent_id)
        assert list(streams) == [epoch]  # the epoch was persisted, no second stream
        highest, stored = streams[epoch]
        assert stored == highest  # every seq stored exactly once, none twice, none missing
        after = _stored_readings(data, asset)
        assert unacked_readings <= after, sorted(unacked_readings - after)[:5]
        # nothing generated before the kill is missing: the agent's own per-cycle health
        # reading has no hole longer than a couple of intervals up to the kill
        cycles = sorted(t for s, t in after if s == "collector:local" and t <= killed_ms)
        holes = [b - a for a, b in itertools.pairwise(cycles)]
        assert max(holes) < 1500, holes
        assert cycles[-1] > int(outage_started * 1000) + 2000  # covers the outage
    finally:
        ctl2.stop()


def test_spool_second_agent_on_the_same_spool_is_refused_in_one_line(tmp_path, start_agent):
    ctl_address = "127.0.0.1:9"  # never reached: the spool check comes first
    first = start_agent(ctl_address, SPOOLED_AGENT.format(agent_id="twin"), name="twin")
    wait_for(lambda: "unreachable" in first.log(), 15, 0.1, "first agent running")
    config = tmp_path / "twin.toml"
    proc = cli("agent", "run", "--config", str(config), "--controller", ctl_address)
    assert proc.returncode == 1, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "hotspare:" in line]
    path = spool_path(tmp_path / "hotspare-agent-state", "twin")
    assert errors == [f"hotspare: agent cannot start: spool {path}"
                      " is in use by another agent process (agent id 'twin'); give each agent its"
                      " own id or state_dir"], proc.stderr
    assert "Traceback" not in proc.stderr
    assert first.alive()


def test_spool_full_drops_oldest_and_the_gap_carrying_batch_is_accepted(tmp_path, start_agent):
    agent_id = "tiny"
    port = free_port()
    config = SPOOLED_AGENT.format(agent_id=agent_id).replace(
        "[agent.stream]\n", "[agent.stream]\nmax_pending_batches = 2\n")
    agent = start_agent(f"127.0.0.1:{port}", config, name="tiny")
    wait_for(lambda: "dropped 1 oldest batches" in agent.log(), 20, 0.2,
             "the full spool drops its oldest batch")
    time.sleep(1.5)  # several more cycles: batches with readings are dropped too

    ctl = ControllerProc(tmp_path / "data", port=port)
    ctl.wait_ready()
    try:
        # the batches sent after the outage carry gap records: the controller stores them
        wait_for(lambda: sum(n for _, n in _streams(ctl.data_dir, agent_id).values()) >= 5, 20,
                 0.2, "batches after the outage stored")
        with _ro(ctl.data_dir / "hotspare.sqlite") as conn:
            dropped = conn.execute("SELECT dropped_batches_total FROM agents WHERE agent_id=?",
                                   (agent_id,)).fetchone()[0]
        (highest, stored), = _streams(ctl.data_dir, agent_id).values()
        # the first dropped batch registered the asset (no readings): the later ones had readings
        assert dropped >= 2 and highest - stored == dropped  # exactly the dropped seqs are missing
        assert "rejected" not in agent.log()
    finally:
        agent.stop()
        ctl.stop()
