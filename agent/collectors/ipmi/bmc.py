"""What crosses between the IPMI collector and its BMC worker processes: errors and samples (no pyghmi)."""

from __future__ import annotations

import asyncio
import pickle
import struct
from dataclasses import dataclass, field
from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 64 * 1024 * 1024


class BmcError(Exception):
    """Base of IPMI failures; `kind` is auth_failed, unreachable, insecure or error."""

    kind = "error"


class BmcAuthFailed(BmcError):
    kind = "auth_failed"


class BmcUnreachable(BmcError):
    kind = "unreachable"


class BmcInsecure(BmcError):
    kind = "insecure"


ERRORS_BY_KIND: dict[str, type[BmcError]] = {
    cls.kind: cls for cls in (BmcError, BmcAuthFailed, BmcUnreachable, BmcInsecure)}


@dataclass(frozen=True, slots=True)
class SensorSample:
    """One SDR sensor as the BMC reported it."""

    name: str
    number: int
    type: str
    value: float | None
    units: str
    health: int  # pyghmi bitmask: 1 warning, 2 critical, 4 failed
    states: tuple[str, ...]
    unavailable: bool
    thresholds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SecurityInfo:
    """What the session negotiated (never the password)."""

    ipmi_version: str
    cipher_suite: int
    integrity: str
    confidentiality: str


@dataclass(frozen=True, slots=True)
class PollData:
    """One poll of one BMC: sensors, power, SEL, optionally FRU 0."""

    samples: list[SensorSample]
    power: str
    sel: list[dict[str, Any]]
    sel_overflow: bool
    fru: dict[str, Any] | None
    fru_error: str
    cipher_suite: int
    connected_now: bool


def encode(obj: object) -> bytes:
    """One frame to or from a worker process: a 4-byte big-endian length and a pickle."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


async def read_frame(reader: asyncio.StreamReader) -> Any:
    """The next frame's object; IncompleteReadError at end of stream."""
    (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    if size > MAX_FRAME_BYTES:
        raise ValueError(f"frame of {size} bytes is larger than {MAX_FRAME_BYTES}")
    return pickle.loads(await reader.readexactly(size))  # frames from our own parent/child only
