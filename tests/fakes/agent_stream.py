"""A scripted agent for tests: one real gRPC stream, readings with chosen values and times."""

from __future__ import annotations

import queue
import threading
import time

import grpc

from hotspare.v1 import agent_pb2, agent_pb2_grpc, types_pb2


class ScriptedAgent:
    """Sends Hello, then one batch per send(); waits for the controller's ack of each."""

    def __init__(self, address: str, agent_id: str, asset_id: str, epoch: int = 1,
                 labels: dict[str, str] | None = None) -> None:
        self.agent_id, self.asset_id, self.epoch = agent_id, asset_id, epoch
        self.seq = 0
        self._out: queue.Queue[agent_pb2.AgentMessage | None] = queue.Queue()
        self._acks: queue.Queue[int] = queue.Queue()
        self._channel = grpc.insecure_channel(address)
        self._out.put(agent_pb2.AgentMessage(hello=agent_pb2.Hello(
            agent_id=agent_id, stream_epoch=epoch, interval_seconds=1.0, hostname=agent_id,
            assets=[types_pb2.Asset(asset_id=asset_id, kind=types_pb2.ASSET_KIND_SERVER,
                                    labels=labels or {})])))
        self._call = agent_pb2_grpc.AgentServiceStub(self._channel).Stream(self._requests())
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _requests(self):
        while True:
            msg = self._out.get()
            if msg is None:
                return
            yield msg

    def _read(self) -> None:
        try:
            for msg in self._call:
                if msg.WhichOneof("body") == "ack":
                    self._acks.put(msg.ack.highest_seq)
        except grpc.RpcError:
            pass

    def send(self, sensor_id: str, value: float | None, time_ms: int | None = None,
             kind: int = types_pb2.READING_KIND_TEMPERATURE, status: int = types_pb2.STATUS_OK,
             reason: str = "", timeout: float = 10.0, name: str = "") -> None:
        self.seq += 1
        reading = types_pb2.Reading(asset_id=self.asset_id, sensor_id=sensor_id, kind=kind,
                                    unit="C", status=status, reason=reason,
                                    time_unix_ms=time_ms or int(time.time() * 1000), name=name)
        if value is not None:
            reading.value = value
        self._out.put(agent_pb2.AgentMessage(batch=agent_pb2.ReadingBatch(
            agent_id=self.agent_id, stream_epoch=self.epoch, seq=self.seq, readings=[reading])))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self._acks.get(timeout=max(0.01, deadline - time.monotonic())) >= self.seq:
                    return
            except queue.Empty:
                break
        raise AssertionError(f"no ack for seq {self.seq}")

    def close(self) -> None:
        self._out.put(None)
        self._call.cancel()
        self._channel.close()
