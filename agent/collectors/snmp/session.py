"""One SNMP device's session: GET and GETBULK walks over a request backend (v2c or v3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from agent.collectors.snmp.ber import END, Value, _EndOfMibView

AUTH_PROTOCOLS = ("SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512", "MD5", "NONE")
# AES-192/256 stretch short keys in one of two ways: Reeder's (Cisco; Net-SNMP "AES256C"; the
# plain names) or Blumenthal's draft (Net-SNMP "AES256"). With SHA-224 and longer they agree.
PRIV_PROTOCOLS = ("AES", "AES-128", "AES-192", "AES-256", "AES-192-BLUMENTHAL",
                  "AES-256-BLUMENTHAL", "DES", "NONE")
Varbinds = list[tuple[str, Value | _EndOfMibView]]

__all__ = ["AUTH_PROTOCOLS", "PRIV_PROTOCOLS", "Backend", "Credentials", "Session", "SnmpError",
           "Value"]


class SnmpError(Exception):
    """kind: auth_failed, unreachable or bad (garbage, wrong types, protocol errors)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Credentials:
    """v2c community or v3 user; secrets stay out of repr."""

    version: str  # "2c" or "3"
    community: str = ""
    user: str = ""
    auth_protocol: str = "SHA"
    auth_key: str = ""
    priv_protocol: str = "AES"
    priv_key: str = ""

    def __repr__(self) -> str:
        return f"Credentials(version={self.version!r}, user={self.user!r})"


class Backend(Protocol):
    """Sends one request and returns the response's varbinds, or raises SnmpError."""

    async def get(self, oids: list[str]) -> Varbinds: ...

    async def bulk(self, oids: list[str], max_repetitions: int) -> Varbinds: ...

    def close(self) -> None: ...


class Session:
    """Walks for one device; remembers how many rows each column had to size the next GETBULK."""

    def __init__(self, backend: Backend, max_repetitions: int = 25) -> None:
        self.backend = backend
        self.max_repetitions = max_repetitions
        # rows each column had last time: the next GETBULK asks for just that many (+1), so the
        # agent does not send (and we do not decode) rows beyond the end of short tables
        self._rows_hint: dict[str, int] = {}

    def close(self) -> None:
        self.backend.close()

    async def get(self, oids: list[str]) -> dict[str, Value]:
        """GET many OIDs in one request (missing ones are None)."""
        return {oid: None if value is END else value  # type: ignore[misc]
                for oid, value in await self.backend.get(oids)}

    async def walk(self, root: str, max_rows: int = 10_000) -> dict[str, Value]:
        """GETBULK a subtree (stays inside it; bounded by max_rows)."""
        out: dict[str, Value] = {}
        prefix = root + "."
        current = root
        for _ in range(max_rows):  # bounded: at least one row per request or it stops
            var_binds = await self.backend.bulk([current], self.max_repetitions)
            if not var_binds:
                return out
            if var_binds[0][0].startswith(prefix) and not _after(var_binds[0][0], current):
                raise SnmpError("bad", f"the agent answered {var_binds[0][0]} after {current} "
                                f"while walking {root} (OIDs not increasing)")
            for oid, value in var_binds:
                if value is END or not oid.startswith(prefix) or len(out) >= max_rows:
                    return out
                if oid in out:
                    raise SnmpError("bad", f"the agent went back to {oid} while walking {root} "
                                    "(OIDs not increasing)")
                out[oid] = value  # type: ignore[assignment]
                current = oid
        return out

    async def walk_columns(self, roots: list[str], max_requests: int = 2_000) -> dict[str, Value]:
        """GETBULK many columns at once (one varbind each per request), each staying in its subtree."""
        out: dict[str, Value] = {}
        current = {root: root for root in roots}
        active = list(dict.fromkeys(roots))
        counts = dict.fromkeys(active, 0)
        first = True
        for _ in range(max_requests):  # bounded
            if not active:
                break
            hinted = [self._rows_hint.get(c) for c in active]
            if first and all(h is not None for h in hinted):
                reps = max(1, min(self.max_repetitions, max(h or 0 for h in hinted) + 1))
            else:
                reps = max(1, self.max_repetitions // max(1, len(active) // 4 or 1))
            first = False
            var_binds = await self.backend.bulk([current[c] for c in active], reps)
            if not var_binds:
                break
            done: set[str] = set()
            width = len(active)
            for i, (oid, value) in enumerate(var_binds):
                column = active[i % width]
                if column in done:
                    continue
                if value is END or not oid.startswith(column + ".") or oid in out or (
                        i < width and not _after(oid, current[column])):
                    done.add(column)  # the end of the column (or an agent going backwards)
                    continue
                out[oid] = value  # type: ignore[assignment]
                current[column] = oid
                counts[column] += 1
            if len(var_binds) < width:  # a short answer: the agent gave what it had
                done.update(active[len(var_binds):])
            active = [c for c in active if c not in done]
        self._rows_hint.update(counts)
        return out


def _after(oid: str, previous: str) -> bool:
    """Whether oid comes after previous in SNMP's order (arc by arc, numerically)."""
    try:
        return tuple(map(int, oid.split("."))) > tuple(map(int, previous.split(".")))
    except ValueError:
        return False
