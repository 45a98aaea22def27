"""Gaps an agent reports (readings dropped unsent) are stored and shown by `hotspare history`."""

from __future__ import annotations

import json
import queue
import threading
import time
from pathlib import Path

import grpc
import pytest

from hotspare.v1 import agent_pb2, agent_pb2_grpc, types_pb2
from tests.helpers import ControllerProc, cli, wait_for

pytestmark = pytest.mark.integration


def test_history_shows_the_gaps_an_agent_reported(tmp_path: Path) -> None:
    ctl = ControllerProc(tmp_path / "data")
    ctl.wait_ready()
    now = int(time.time() * 1000)
    out: queue.Queue[agent_pb2.AgentMessage | None] = queue.Queue()
    out.put(agent_pb2.AgentMessage(hello=agent_pb2.Hello(agent_id="gappy", stream_epoch=1,
                                                         interval_seconds=1.0)))
    out.put(agent_pb2.AgentMessage(batch=agent_pb2.ReadingBatch(
        agent_id="gappy", stream_epoch=1, seq=1,
        readings=[types_pb2.Reading(asset_id="gap-host", sensor_id="temp", value=41.0,
                                    kind=types_pb2.READING_KIND_TEMPERATURE,
                                    status=types_pb2.STATUS_OK, time_unix_ms=now)],
        gaps=[agent_pb2.Gap(asset_id="gap-host", from_unix_ms=now - 60_000,
                            to_unix_ms=now - 30_000, readings_dropped=42,
                            reason="spool full")])))
    acked = threading.Event()
    channel = grpc.insecure_channel(ctl.address)

    def requests():  # type: ignore[no-untyped-def]
        while (msg := out.get(timeout=15)) is not None:
            yield msg

    def read() -> None:
        try:
            for msg in agent_pb2_grpc.AgentServiceStub(channel).Stream(requests(), timeout=20):
                if msg.WhichOneof("body") == "ack" and msg.ack.highest_seq >= 1:
                    acked.set()
        except grpc.RpcError:
            pass

    threading.Thread(target=read, daemon=True).start()
    try:
        assert acked.wait(15), "batch with a gap was not acknowledged"
        out.put(None)

        def history() -> dict[str, object] | None:
            proc = cli("history", "gap-host", "temp", "--since", "1h", "--json",
                       "--controller", ctl.address)
            return json.loads(proc.stdout) if proc.returncode == 0 else None

        doc = wait_for(history, 10, 0.3, "history")
        assert doc["gaps"] == [{"from_unix_ms": now - 60_000, "to_unix_ms": now - 30_000,
                                "readings_dropped": 42, "reason": "spool full"}]
        assert len(doc["points"]) == 1  # type: ignore[arg-type]
        text = cli("history", "gap-host", "temp", "--since", "1h", "--controller", ctl.address)
        assert "42 readings of gap-host dropped by its agent (spool full)" in text.stdout
    finally:
        out.put(None)
        channel.close()
        ctl.stop()
