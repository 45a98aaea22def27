"""SNMPv2c requests over asyncio UDP with the project's BER codec (the fast path, no pysnmp)."""

from __future__ import annotations

import asyncio
import random

from agent.collectors.snmp import ber
from agent.collectors.snmp.session import SnmpError, Varbinds

_VERSION_2C = 1
_MAX_DATAGRAM_BYTES = 65_535


class _Endpoint(asyncio.DatagramProtocol):
    """A connected UDP socket to one agent; at most one request outstanding."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.waiter: asyncio.Future[ber.Pdu] | None = None
        self.request_id = 0
        self.community = b""
        self.malformed = ""  # why the last unusable datagram was dropped

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():
            return  # a late answer to a request we gave up on
        try:
            version, community, pdu = ber.decode_community_message(data)
        except ber.BerError as exc:
            self.malformed = f"malformed response ({len(data)} bytes): {exc}"
            return
        if version != _VERSION_2C or community != self.community:
            self.malformed = f"response with version {version} or another community, ignored"
            return
        if pdu.request_id != self.request_id:
            return  # an answer to an earlier retry or request
        waiter.set_result(pdu)

    def error_received(self, exc: Exception) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(SnmpError("unreachable", f"{type(exc).__name__}: {exc} "
                                           "(nothing listening on that UDP port?)"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


class V2cBackend:
    """GET / GETBULK to one v2c agent: request ids, per-attempt timeout, retries."""

    def __init__(self, host: str, port: int, community: str, timeout_seconds: float,
                 retries: int) -> None:
        self._address = (host, port)
        self._community = community.encode()
        self._timeout = timeout_seconds
        self._retries = retries
        self._endpoint: _Endpoint | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None
        self._next_id = random.randrange(1, 2**30)

    async def _open(self) -> _Endpoint:
        loop = asyncio.get_running_loop()
        if self._endpoint is None or self._endpoint.transport is None or self._loop is not loop:
            self.close()
            try:
                _, endpoint = await loop.create_datagram_endpoint(
                    _Endpoint, remote_addr=self._address)
            except OSError as exc:
                raise SnmpError("unreachable", f"cannot open UDP to {self._address}: {exc}") \
                    from None
            endpoint.community = self._community
            self._endpoint, self._loop, self._lock = endpoint, loop, asyncio.Lock()
        return self._endpoint

    def close(self) -> None:
        if self._endpoint is not None and self._endpoint.transport is not None:
            self._endpoint.transport.close()
        self._endpoint = None

    async def _request(self, tag: int, oids: list[str], a: int, b: int) -> Varbinds:
        endpoint = await self._open()
        assert self._lock is not None and endpoint.transport is not None
        async with self._lock:
            self._next_id = self._next_id % (2**31 - 1) + 1
            try:
                message = ber.encode_community_message(
                    _VERSION_2C, self._community,
                    ber.encode_pdu(tag, self._next_id, oids, a, b))
            except ber.BerError as exc:
                raise SnmpError("bad", str(exc)) from None
            endpoint.request_id = self._next_id
            endpoint.malformed = ""
            loop = asyncio.get_running_loop()
            for _attempt in range(self._retries + 1):  # bounded
                waiter: asyncio.Future[ber.Pdu] = loop.create_future()
                endpoint.waiter = waiter
                timer = loop.call_later(self._timeout, _expire, waiter)
                try:
                    endpoint.transport.sendto(message)
                    pdu = await waiter
                except TimeoutError:
                    continue
                finally:
                    timer.cancel()
                    endpoint.waiter = None
                if pdu.tag != ber.RESPONSE:
                    raise SnmpError("bad", f"answer is PDU type 0x{pdu.tag:02x}, not a response")
                if pdu.error_status:
                    raise SnmpError("bad", pdu.error_text())
                return pdu.varbinds
        if endpoint.malformed:
            raise SnmpError("bad", endpoint.malformed)
        raise SnmpError("unreachable", f"no SNMP response from {self._address[0]}:"
                        f"{self._address[1]} within {self._timeout:g}s x {self._retries + 1}")

    async def get(self, oids: list[str]) -> Varbinds:
        return await self._request(ber.GET, oids, 0, 0)

    async def bulk(self, oids: list[str], max_repetitions: int) -> Varbinds:
        return await self._request(ber.GET_BULK, oids, 0, max_repetitions)


def _expire(waiter: asyncio.Future[ber.Pdu]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())
