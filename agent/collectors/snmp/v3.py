"""The only module that imports pysnmp: SNMPv3 (USM auth and privacy) GET and GETBULK requests."""

from __future__ import annotations

from typing import Any

from pysnmp.hlapi.v3arch import asyncio as hl
from pysnmp.proto import rfc1902, rfc1905

from agent.collectors.snmp import ber
from agent.collectors.snmp.session import Credentials, SnmpError, Varbinds

AUTH = {
    "SHA": hl.usmHMACSHAAuthProtocol, "SHA-224": hl.usmHMAC128SHA224AuthProtocol,
    "SHA-256": hl.usmHMAC192SHA256AuthProtocol, "SHA-384": hl.usmHMAC256SHA384AuthProtocol,
    "SHA-512": hl.usmHMAC384SHA512AuthProtocol, "MD5": hl.usmHMACMD5AuthProtocol,
    "NONE": hl.usmNoAuthProtocol,
}
PRIV = {
    "AES": hl.usmAesCfb128Protocol, "AES-128": hl.usmAesCfb128Protocol,
    "AES-192": hl.usmAesCfb192Protocol, "AES-256": hl.usmAesCfb256Protocol,
    "DES": hl.usmDESPrivProtocol, "NONE": hl.usmNoPrivProtocol,
}
_AUTH_ERRORS = ("digest", "unknown user", "unknownusername",
                "decryption", "authentication", "unsupported security level",
                "unsupportedseclevel", "not in time window")


def _convert(value: Any) -> ber.Value | ber._EndOfMibView:
    """pysnmp values to the same plain Python the BER codec gives."""
    if isinstance(value, rfc1905.EndOfMibView):
        return ber.END
    if isinstance(value, rfc1905.NoSuchObject | rfc1905.NoSuchInstance):
        return None
    if isinstance(value, rfc1902.Opaque):
        return ber.decode_value(ber.OPAQUE, bytes(value))
    if isinstance(value, rfc1902.OctetString):
        return ber.text_or_bytes(bytes(value))
    if isinstance(value, rfc1902.ObjectIdentifier):
        return str(value)
    if isinstance(value, rfc1902.IpAddress):
        return ".".join(str(b) for b in bytes(value))
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


class Engines:
    """pysnmp keeps v3 users per engine by name: targets share an engine only when their
    credentials are identical (the same user with other keys would overwrite them)."""

    def __init__(self) -> None:
        self._engines: dict[Credentials, Any] = {}

    def get(self, creds: Credentials) -> Any:
        if creds not in self._engines:
            self._engines[creds] = hl.SnmpEngine()
        return self._engines[creds]


class V3Backend:
    """One v3 agent through pysnmp's engine (discovery, time window, keys, HMAC, AES)."""

    def __init__(self, engine: Any, host: str, port: int, creds: Credentials,
                 timeout_seconds: float, retries: int) -> None:
        self._engine = engine
        self._host, self._port = host, port
        self._timeout, self._retries = timeout_seconds, retries
        self._target: Any = None
        self._auth = hl.UsmUserData(
            creds.user,
            authKey=creds.auth_key or None,
            privKey=creds.priv_key or None,
            authProtocol=AUTH[creds.auth_protocol],  # always explicit: no silent MD5/DES
            privProtocol=PRIV[creds.priv_protocol],
        )
        self._context = hl.ContextData()

    def close(self) -> None:
        self._target = None

    async def _tgt(self) -> Any:
        if self._target is None:
            self._target = await hl.UdpTransportTarget.create(
                (self._host, self._port), timeout=self._timeout, retries=self._retries)
        return self._target

    @staticmethod
    def _check(error_indication: Any, error_status: Any, error_index: Any) -> None:
        if error_indication:
            text = str(error_indication)
            low = text.lower()
            if any(marker in low for marker in _AUTH_ERRORS):
                raise SnmpError("auth_failed", text)
            if "timeout" in low or "no snmp response" in low:
                raise SnmpError("unreachable", text)
            raise SnmpError("bad", text)
        if error_status and int(error_status) != 0:
            raise SnmpError("bad", f"{error_status.prettyPrint()} at varbind {int(error_index)}")

    async def _run(self, command: Any, *args: Any) -> Varbinds:
        try:
            result = await command(self._engine, self._auth, await self._tgt(), self._context,
                                   *args, lookupMib=False)
        except Exception as exc:  # malformed answers surface as pysnmp exceptions
            raise SnmpError("bad", f"{type(exc).__name__}: {exc}") from None
        error_indication, error_status, error_index, var_binds = result
        self._check(error_indication, error_status, error_index)
        return [(str(name), _convert(value)) for name, value in var_binds]

    async def get(self, oids: list[str]) -> Varbinds:
        return await self._run(hl.get_cmd, *(hl.ObjectType(hl.ObjectIdentity(o)) for o in oids))

    async def bulk(self, oids: list[str], max_repetitions: int) -> Varbinds:
        return await self._run(hl.bulk_cmd, 0, max_repetitions,
                               *(hl.ObjectType(hl.ObjectIdentity(o)) for o in oids))
