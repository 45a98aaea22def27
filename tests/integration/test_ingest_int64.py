"""Integers beyond int64 (2^63 in a counter) are refused with the reason; the stream goes on."""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from pathlib import Path

import grpc
import pytest

from hotspare.v1 import agent_pb2, agent_pb2_grpc, types_pb2
from tests.fakes.agent_stream import ScriptedAgent
from tests.helpers import ControllerProc, wait_for

pytestmark = pytest.mark.integration


def test_ingest_refuses_a_batch_with_a_value_beyond_int64_with_its_reason(tmp_path: Path
                                                                          ) -> None:
    ctl = ControllerProc(tmp_path / "data")
    ctl.wait_ready()
    out: queue.Queue[agent_pb2.AgentMessage | None] = queue.Queue()
    out.put(agent_pb2.AgentMessage(hello=agent_pb2.Hello(agent_id="big", stream_epoch=1,
                                                         interval_seconds=1.0)))
    too_big = types_pb2.Component(component_id="disk:sda", asset_id="big-host", type="disk",
                                  capacity_bytes=2**63)
    out.put(agent_pb2.AgentMessage(batch=agent_pb2.ReadingBatch(
        agent_id="big", stream_epoch=1, seq=1, components=[too_big])))

    def requests():  # type: ignore[no-untyped-def]
        while (msg := out.get(timeout=10)) is not None:
            yield msg

    channel = grpc.insecure_channel(ctl.address)
    errors: list[grpc.RpcError] = []

    def read() -> None:
        try:
            for _ in agent_pb2_grpc.AgentServiceStub(channel).Stream(requests(), timeout=15):
                pass
        except grpc.RpcError as exc:
            errors.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=20)
    out.put(None)
    channel.close()
    try:
        assert errors, "the stream should end with an error, not hang unacknowledged"
        err = errors[0]
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
        assert "beyond 2^63-1" in (err.details() or "")  # type: ignore[attr-defined]
        trailing = dict(err.trailing_metadata() or ())  # type: ignore[attr-defined]
        assert trailing.get("hotspare-rejected-seq") == "1"  # the agent drops exactly it
        # the controller is unharmed: a good batch from another agent is stored
        agent = ScriptedAgent(ctl.address, "fine", "fine-host")
        agent.send("temp", 41.0, int(time.time() * 1000))
        agent.close()
        wait_for(lambda: sqlite3.connect(tmp_path / "data" / "hotspare.sqlite").execute(
            "SELECT count(*) FROM readings").fetchone()[0] == 1, 10, 0.2, "good batch stored")
    finally:
        ctl.stop()
