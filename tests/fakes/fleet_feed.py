"""A scripted agent owning many assets: fills a controller with a fleet, then changes parts of it."""

from __future__ import annotations

import queue
import time

import grpc

from hotspare.v1 import agent_pb2, agent_pb2_grpc, types_pb2

KINDS = (types_pb2.ASSET_KIND_SERVER, types_pb2.ASSET_KIND_STORAGE, types_pb2.ASSET_KIND_NETWORK)
MAX_BATCH = 9_000


def asset_id(i: int) -> str:
    return f"dc1-r{i // 40:03d}-srv{i % 40:02d}"


class FleetFeed:
    """One agent stream announcing `count` assets; interval 1 h so liveness never flips mid-run."""

    def __init__(self, address: str, count: int, agent_id: str = "fleet-feed") -> None:
        self.agent_id, self.count, self.seq = agent_id, count, 0
        self.ids = [asset_id(i) for i in range(count)]
        self._out: queue.Queue[agent_pb2.AgentMessage | None] = queue.Queue()
        self._channel = grpc.insecure_channel(address)
        assets = [types_pb2.Asset(asset_id=a, kind=KINDS[i % len(KINDS)],
                                  location=types_pb2.Location(site="dc1", rack=a[4:8]))
                  for i, a in enumerate(self.ids)]
        self._out.put(agent_pb2.AgentMessage(hello=agent_pb2.Hello(
            agent_id=agent_id, stream_epoch=1, interval_seconds=3600.0, hostname=agent_id,
            assets=assets)))
        self._call = agent_pb2_grpc.AgentServiceStub(self._channel).Stream(self._requests())

    def _requests(self):  # type: ignore[no-untyped-def]
        while True:
            msg = self._out.get()
            if msg is None:
                return
            yield msg

    def _wait_ack(self, seq: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        for msg in self._call:
            if msg.WhichOneof("body") == "ack" and msg.ack.highest_seq >= seq:
                return
            if time.monotonic() > deadline:
                break
        raise AssertionError(f"no ack for seq {seq}")

    def send(self, readings: list[types_pb2.Reading]) -> None:
        """Send readings in batches under the controller's limit; wait until all are stored."""
        for start in range(0, len(readings), MAX_BATCH):
            self.seq += 1
            self._out.put(agent_pb2.AgentMessage(batch=agent_pb2.ReadingBatch(
                agent_id=self.agent_id, stream_epoch=1, seq=self.seq,
                readings=readings[start:start + MAX_BATCH])))
        self._wait_ack(self.seq)

    def readings(self, ids: list[str], temp: float, status: int = types_pb2.STATUS_OK,
                 reason: str = "") -> list[types_pb2.Reading]:
        now = int(time.time() * 1000)
        out = []
        for n, a in enumerate(ids):
            out.append(types_pb2.Reading(asset_id=a, sensor_id="cpu",
                                         kind=types_pb2.READING_KIND_CPU, unit="%",
                                         value=10.0 + n % 50, status=types_pb2.STATUS_OK,
                                         time_unix_ms=now))
            out.append(types_pb2.Reading(asset_id=a, sensor_id="inlet",
                                         kind=types_pb2.READING_KIND_TEMPERATURE, unit="C",
                                         value=temp, status=status, reason=reason,
                                         time_unix_ms=now))
        return out

    def fill(self) -> None:
        """Every asset reports; every 7th is warning and every 23rd critical, so sorting by
        problems really reorders the screen."""
        warn = [a for i, a in enumerate(self.ids) if i % 7 == 6 and i % 23 != 22]
        crit = [a for i, a in enumerate(self.ids) if i % 23 == 22]
        ok = sorted(set(self.ids) - set(warn) - set(crit))
        self.send(self.readings(ok, 24.0)
                  + self.readings(warn, 78.0, types_pb2.STATUS_WARNING, "78.0 C above 75")
                  + self.readings(crit, 92.0, types_pb2.STATUS_CRITICAL, "92.0 C above 85"))

    def close(self) -> None:
        self._out.put(None)
        self._call.cancel()
        self._channel.close()
