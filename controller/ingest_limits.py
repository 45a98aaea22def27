"""Limits on what an agent may send: name lengths, seq jumps, assets per agent, sensors per asset."""

from __future__ import annotations

from dataclasses import dataclass, field

from hotspare.errors import HotSpareError
from hotspare.v1 import agent_pb2, types_pb2

MAX_NAME_LENGTH = 256
MAX_SEQ_JUMP = 1_000_000
MAX_ASSETS_PER_AGENT = 10_000
MAX_SENSORS_PER_ASSET = 2_000


class LimitExceeded(HotSpareError):
    """A message breaks a limit; the message names the limit and the offending value."""


def _name(what: str, value: str, limit: int = MAX_NAME_LENGTH) -> None:
    if len(value) > limit:
        raise LimitExceeded(f"{what} is {len(value)} characters (limit {limit}):"
                            f" {value[:40]!r}...")


def check_asset(a: types_pb2.Asset) -> None:
    for what in ("asset_id", "name", "vendor", "model", "serial", "parent_id"):
        _name(f"asset {what}", getattr(a, what))
    if a.HasField("location"):
        for what in ("site", "room", "rack", "unit"):
            _name(f"asset {what}", getattr(a.location, what))


def check_hello(hello: agent_pb2.Hello) -> None:
    _name("agent_id", hello.agent_id)
    _name("hostname", hello.hostname)
    if len(hello.assets) > MAX_ASSETS_PER_AGENT:
        raise LimitExceeded(f"Hello has {len(hello.assets)} assets (limit "
                            f"{MAX_ASSETS_PER_AGENT} per agent)")
    for a in hello.assets:
        check_asset(a)


def check_batch(msg: agent_pb2.ReadingBatch) -> None:
    """Name lengths of everything a person will see."""
    for r in msg.readings:
        _name("reading asset_id", r.asset_id)
        _name("sensor_id", r.sensor_id)
        _name("sensor name", r.name)
        _name("reason", r.reason, 4 * MAX_NAME_LENGTH)
    for a in msg.assets:
        check_asset(a)
    for c in msg.components:
        _name("component_id", c.component_id)
        _name("component asset_id", c.asset_id)
    for e in msg.events:
        _name("event asset_id", e.asset_id)
        _name("event source_id", e.source_id)


@dataclass
class StreamQuota:
    """Per stream: seq never jumps far ahead; at most so many assets, sensors per asset."""

    last_seq: int
    sensors: dict[str, set[str]] = field(default_factory=dict)

    def admit(self, msg: agent_pb2.ReadingBatch) -> None:
        if msg.seq > self.last_seq + MAX_SEQ_JUMP:
            raise LimitExceeded(f"seq {msg.seq} jumps more than {MAX_SEQ_JUMP} past "
                                f"{self.last_seq}; refused, not trusted")
        for r in msg.readings:
            known = self.sensors.get(r.asset_id)
            if known is None:
                if len(self.sensors) >= MAX_ASSETS_PER_AGENT:
                    raise LimitExceeded(f"more than {MAX_ASSETS_PER_AGENT} assets on one agent")
                known = self.sensors[r.asset_id] = set()
            if r.sensor_id not in known:
                if len(known) >= MAX_SENSORS_PER_ASSET:
                    raise LimitExceeded(f"asset {r.asset_id[:40]!r} has more than "
                                        f"{MAX_SENSORS_PER_ASSET} sensors")
                known.add(r.sensor_id)
        self.last_seq = max(self.last_seq, msg.seq)
