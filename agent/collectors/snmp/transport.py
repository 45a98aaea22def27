"""The only module that imports pysnmp: async GET and GETBULK walks with numeric OIDs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pysnmp.hlapi.v3arch import asyncio as hl
from pysnmp.proto import rfc1902, rfc1905

AUTH_PROTOCOLS = {
    "SHA": hl.usmHMACSHAAuthProtocol, "SHA-224": hl.usmHMAC128SHA224AuthProtocol,
    "SHA-256": hl.usmHMAC192SHA256AuthProtocol, "SHA-384": hl.usmHMAC256SHA384AuthProtocol,
    "SHA-512": hl.usmHMAC384SHA512AuthProtocol, "MD5": hl.usmHMACMD5AuthProtocol,
    "NONE": hl.usmNoAuthProtocol,
}
PRIV_PROTOCOLS = {
    "AES": hl.usmAesCfb128Protocol, "AES-128": hl.usmAesCfb128Protocol,
    "AES-192": hl.usmAesCfb192Protocol, "AES-256": hl.usmAesCfb256Protocol,
    "DES": hl.usmDESPrivProtocol, "NONE": hl.usmNoPrivProtocol,
}
_AUTH_ERRORS = ("digest", "unknown user", "unknownusername",
                "decryption", "authentication", "unsupported security level",
                "unsupportedseclevel", "not in time window")


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


Value = int | float | str | bytes | None


def _convert(value: Any) -> Value:
    """pysnmp values to plain Python; None for noSuchObject/noSuchInstance/endOfMibView."""
    if isinstance(value, rfc1905.NoSuchObject | rfc1905.NoSuchInstance | rfc1905.EndOfMibView):
        return None
    if isinstance(value, rfc1902.OctetString):
        raw = bytes(value)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw
        return text if text.isprintable() or not text else raw
    if isinstance(value, rfc1902.ObjectIdentifier):
        return str(value)
    if isinstance(value, rfc1902.IpAddress):
        return ".".join(str(b) for b in bytes(value))
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


class Session:
    """One device: an engine shared by the collector, a transport target, credentials."""

    def __init__(self, engine: Any, host: str, port: int, creds: Credentials,
                 timeout_seconds: float, retries: int, max_repetitions: int = 25) -> None:
        self._engine = engine
        self._host, self._port = host, port
        self._timeout, self._retries = timeout_seconds, retries
        self.max_repetitions = max_repetitions
        self._target: Any = None
        # rows each column had last time: the next GETBULK asks for just that many (+1), so the
        # agent does not send (and we do not decode) rows beyond the end of short tables
        self._rows_hint: dict[str, int] = {}
        if creds.version == "3":
            self._auth: Any = hl.UsmUserData(
                creds.user,
                authKey=creds.auth_key or None,
                privKey=creds.priv_key or None,
                authProtocol=AUTH_PROTOCOLS[creds.auth_protocol],  # always explicit
                privProtocol=PRIV_PROTOCOLS[creds.priv_protocol],
            )
        else:
            self._auth = hl.CommunityData(creds.community, mpModel=1)
        self._context = hl.ContextData()

    async def _tgt(self) -> Any:
        if self._target is None:
            self._target = await hl.UdpTransportTarget.create(
                (self._host, self._port), timeout=self._timeout, retries=self._retries)
        return self._target

    def _check(self, error_indication: Any, error_status: Any, error_index: Any) -> None:
        if error_indication:
            text = str(error_indication)
            low = text.lower()
            if any(marker in low for marker in _AUTH_ERRORS):
                raise SnmpError("auth_failed", text)
            if "timeout" in low or "no snmp response" in low:
                raise SnmpError("unreachable", text)
            raise SnmpError("bad", text)
        if error_status and int(error_status) not in (0,):
            raise SnmpError("bad", f"{error_status.prettyPrint()} at varbind {int(error_index)}")

    async def get(self, oids: list[str]) -> dict[str, Value]:
        """GET many OIDs in one request."""
        objects = [hl.ObjectType(hl.ObjectIdentity(oid)) for oid in oids]
        try:
            result = await hl.get_cmd(self._engine, self._auth, await self._tgt(), self._context,
                                      *objects, lookupMib=False)
        except Exception as exc:  # malformed answers surface as pysnmp exceptions
            raise SnmpError("bad", f"{type(exc).__name__}: {exc}") from None
        error_indication, error_status, error_index, var_binds = result
        self._check(error_indication, error_status, error_index)
        return {str(name): _convert(value) for name, value in var_binds}

    async def walk(self, root: str, max_rows: int = 10_000) -> dict[str, Value]:
        """GETBULK a subtree (stays inside it; bounded by max_rows)."""
        out: dict[str, Value] = {}
        prefix = root + "."
        current = root
        for _ in range(max_rows):
            try:
                result = await hl.bulk_cmd(
                    self._engine, self._auth, await self._tgt(), self._context, 0,
                    self.max_repetitions, hl.ObjectType(hl.ObjectIdentity(current)),
                    lookupMib=False)
            except Exception as exc:
                raise SnmpError("bad", f"{type(exc).__name__}: {exc}") from None
            error_indication, error_status, error_index, var_binds = result
            self._check(error_indication, error_status, error_index)
            if not var_binds:
                return out
            for name, value in var_binds:
                oid = str(name)
                if not oid.startswith(prefix) or isinstance(value, rfc1905.EndOfMibView):
                    return out
                out[oid] = _convert(value)
                current = oid
            if len(out) >= max_rows:
                return out
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
            objects = [hl.ObjectType(hl.ObjectIdentity(current[c])) for c in active]
            try:
                result = await hl.bulk_cmd(self._engine, self._auth, await self._tgt(),
                                           self._context, 0, reps, *objects, lookupMib=False)
            except Exception as exc:
                raise SnmpError("bad", f"{type(exc).__name__}: {exc}") from None
            error_indication, error_status, error_index, var_binds = result
            self._check(error_indication, error_status, error_index)
            if not var_binds:
                break
            done: set[str] = set()
            for i, (name, value) in enumerate(var_binds):
                column = active[i % len(active)]
                if column in done:
                    continue
                oid = str(name)
                if not oid.startswith(column + ".") or isinstance(value, rfc1905.EndOfMibView):
                    done.add(column)
                    continue
                out[oid] = _convert(value)
                current[column] = oid
                counts[column] += 1
            progressed = [c for c in active if c not in done]
            if len(var_binds) < len(active):  # a short answer: the agent gave what it had
                done.update(active[len(var_binds):])
            active = [c for c in progressed if c not in done]
        self._rows_hint.update(counts)
        return out


def new_engine() -> Any:
    return hl.SnmpEngine()
