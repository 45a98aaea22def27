"""The agent stream against a real controller: restarts, dedupe, bounded queue, bad input."""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import grpc
import pytest

from controller.store import Store
from hotspare.v1 import agent_pb2, agent_pb2_grpc, types_pb2
from tests.helpers import ControllerProc, cli_json, free_port, wait_for

pytestmark = pytest.mark.integration

FAST_AGENT = """
[agent]
id = "{agent_id}"
[agent.asset]
id = "{agent_id}-host"
[agent.stream]
flush_interval_seconds = 0.1
max_pending_batches = {max_pending}
backoff_initial_seconds = 0.1
backoff_max_seconds = 0.5
[collectors.local]
interval_seconds = 0.3
timeout_seconds = 0.3
"""

STOPPED = re.compile(
    r"stopped: epoch=(\d+) last_seq=(\d+) acked_seq=(\d+) pending=(\d+) dropped=(\d+)"
)


def _stream_state(data_dir: Path, agent_id: str) -> dict[int, tuple[int, int]]:
    store = Store(data_dir / "hotspare.sqlite")
    try:
        return store.fleet.stored_seqs(agent_id)
    finally:
        store.close()


def _collector_readings(data_dir: Path, asset_id: str) -> int:
    store = Store(data_dir / "hotspare.sqlite")
    try:
        return len(store.fleet.history(asset_id, "collector:local", 0, 2**62))
    finally:
        store.close()


def _stopped_line(log: str) -> tuple[int, int, int, int, int]:
    match = STOPPED.search(log)
    assert match, log[-2000:]
    e, last, acked, pending, dropped = (int(g) for g in match.groups())
    return e, last, acked, pending, dropped


def test_stream_survives_controller_kill9_and_stores_each_batch_once(tmp_path, start_agent):
    data = tmp_path / "data"
    ctl = ControllerProc(data)
    ctl.wait_ready()
    agent = start_agent(ctl.address, FAST_AGENT.format(agent_id="restart", max_pending=1000))
    wait_for(lambda: sum(n for _, n in _stream_state(data, "restart").values()) >= 5, 15, 0.2,
             "first batches stored")
    ctl.kill9()
    time.sleep(1.0)  # the agent keeps collecting while the controller is away
    ctl2 = ControllerProc(data, port=ctl.port)
    ctl2.wait_ready()
    try:
        before = sum(h for h, _ in _stream_state(data, "restart").values())
        wait_for(lambda: sum(h for h, _ in _stream_state(data, "restart").values()) > before + 5,
                 15, 0.2, "agent reconnected by itself and resumed")
        assert agent.stop() == 0
        epoch, last_seq, acked, pending, dropped = _stopped_line(agent.log())
        assert pending == 0 and dropped == 0 and acked == last_seq
        state = _stream_state(data, "restart")
        assert state[epoch] == (last_seq, last_seq)  # every batch, exactly once
        assert agent.log().count("unreachable") == 1  # the outage is logged once, not per retry
    finally:
        ctl2.stop()


def test_stream_bounded_queue_drops_oldest_and_reports_count(tmp_path, start_agent):
    port = free_port()
    agent = start_agent(f"127.0.0.1:{port}", FAST_AGENT.format(agent_id="bounded", max_pending=3))
    wait_for(lambda: "unreachable" in agent.log(), 10, 0.1, "agent notices the controller is away")
    time.sleep(2.0)  # ~6 cycles: more batches than the queue holds
    ctl = ControllerProc(tmp_path / "data", port=port)
    ctl.wait_ready()
    try:
        def dropped() -> int:
            store = Store(ctl.data_dir / "hotspare.sqlite")
            try:
                return next((a.dropped_batches_total for a in store.fleet.agents()
                             if a.agent_id == "bounded"), 0)
            finally:
                store.close()

        assert wait_for(dropped, 15, 0.2, "dropped count reported") > 0
        assert agent.log().count("unreachable") == 1
        assert agent.alive()
    finally:
        ctl.stop()


def _hello(agent_id: str, epoch: int) -> agent_pb2.AgentMessage:
    return agent_pb2.AgentMessage(hello=agent_pb2.Hello(
        agent_id=agent_id, stream_epoch=epoch, interval_seconds=1.0, hostname=agent_id,
        assets=[types_pb2.Asset(asset_id=f"{agent_id}-host", kind=types_pb2.ASSET_KIND_SERVER)]))


def _batch(agent_id: str, epoch: int, seq: int, n: int = 3, value: float = 1.0,
           time_ms: int | None = None) -> agent_pb2.AgentMessage:
    t = time_ms or int(time.time() * 1000)
    readings = [types_pb2.Reading(asset_id=f"{agent_id}-host", sensor_id=f"s{i}",
                                  kind=types_pb2.READING_KIND_TEMPERATURE, value=value, unit="C",
                                  status=types_pb2.STATUS_OK, time_unix_ms=t + i)
                for i in range(n)]
    return agent_pb2.AgentMessage(batch=agent_pb2.ReadingBatch(
        agent_id=agent_id, stream_epoch=epoch, seq=seq, readings=readings))


def _exchange(address: str, messages: list[agent_pb2.AgentMessage], acks_wanted: int):
    """Send messages on one stream; collect acks until enough arrive or the stream ends."""
    acks: list[int] = []
    with grpc.insecure_channel(address) as channel:
        call = agent_pb2_grpc.AgentServiceStub(channel).Stream(iter(messages), timeout=10)
        try:
            for msg in call:
                if msg.WhichOneof("body") == "ack":
                    acks.append(msg.ack.highest_seq)
                    if len(acks) >= acks_wanted:
                        call.cancel()
                        break
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.CANCELLED:
                return acks, exc
    return acks, None


def test_stream_resent_acknowledged_batch_is_stored_once(running_controller):
    addr, data = running_controller.address, running_controller.data_dir
    t = int(time.time() * 1000)
    acks, err = _exchange(addr, [_hello("dedupe", 7), _batch("dedupe", 7, 1, time_ms=t)], 2)
    assert err is None and acks[-1] == 1
    store = Store(data / "hotspare.sqlite")
    try:
        before = store.fleet.count_readings()
        acks, err = _exchange(addr, [_hello("dedupe", 7),
                                     _batch("dedupe", 7, 1, value=99.0, time_ms=t + 5000)], 2)
        assert err is None and acks == [1, 1]
        assert store.fleet.count_readings() == before
        assert store.fleet.stored_seqs("dedupe")[7] == (1, 1)
        assert all(r.value == 1.0 for r in store.fleet.latest_readings(["dedupe-host"]))
    finally:
        store.close()


BAD_CASES = {
    "too_large": (lambda: _batch("bad", 1, 1, n=10_001), "too large"),
    "empty_agent_id": (lambda: _with(_batch("bad", 1, 1), agent_id=""), "empty agent_id"),
    "other_agent_id": (lambda: _with(_batch("bad", 1, 1), agent_id="someone-else"),
                       "is not this stream's"),
    "nan_value": (lambda: _batch("bad", 1, 1, value=math.nan), "not finite"),
    "future_time": (lambda: _batch("bad", 1, 1, time_ms=int(time.time() * 1000) + 3_600_000),
                    "in the future"),
}


def _with(msg: agent_pb2.AgentMessage, **fields: str) -> agent_pb2.AgentMessage:
    for k, v in fields.items():
        setattr(msg.batch, k, v)
    return msg


def test_stream_bad_batches_rejected_while_good_agent_is_served(running_controller, start_agent):
    addr = running_controller.address
    start_agent(addr, FAST_AGENT.format(agent_id="good", max_pending=100))

    def good_seen() -> int:
        doc = cli_json("readings", "good-host", "--controller", addr)
        return max((r["time_unix_ms"] for r in doc["readings"]), default=0)

    wait_for(lambda: _quiet(good_seen), 15, 0.2, "good agent served")
    for name, (make, expected) in BAD_CASES.items():
        _, err = _exchange(addr, [_hello("bad", 1), make()], 2)
        assert err is not None, name
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (name, err)
        assert expected in err.details(), (name, err.details())
        trailing = dict(err.trailing_metadata() or ())
        assert trailing.get("hotspare-rejected-seq") == "1", name
    _, err = _exchange(addr, [_batch("bad", 1, 1)], 1)  # no Hello first
    assert err is not None and err.code() == grpc.StatusCode.INVALID_ARGUMENT
    _, err = _exchange(addr, [_hello("", 1)], 1)
    assert err is not None and "empty agent_id" in err.details()
    mark = good_seen()
    wait_for(lambda: _quiet(good_seen) > mark, 10, 0.2, "good agent still served afterwards")
    assert running_controller.alive()


def _quiet(fn):
    try:
        return fn()
    except AssertionError:
        return 0
