"""One connected UDP socket per agent: send a request, wait for the matching answer, retry."""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import Callable
from typing import Generic, TypeVar

from agent.collectors.snmp.ber import BerError
from agent.collectors.snmp.session import SnmpError

T = TypeVar("T")


class _Endpoint(asyncio.DatagramProtocol, Generic[T]):
    """At most one request outstanding; datagrams that do not answer it are dropped."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.waiter: asyncio.Future[T] | None = None
        self.accept: Callable[[bytes], T | None] | None = None
        self.malformed = ""  # why the last unusable datagram was dropped

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        waiter, accept = self.waiter, self.accept
        if waiter is None or waiter.done() or accept is None:
            return  # a late answer to a request we gave up on
        try:
            result = accept(data)
        except BerError as exc:
            self.malformed = f"malformed response ({len(data)} bytes): {exc}"
            return
        except SnmpError as exc:
            waiter.set_exception(exc)
            return
        if result is not None:
            waiter.set_result(result)

    def error_received(self, exc: Exception) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(SnmpError("unreachable", f"{type(exc).__name__}: {exc} "
                                           "(nothing listening on that UDP port?)"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(SnmpError("unreachable", "the socket was closed"))


class UdpClient:
    """Request/response over one socket, on whichever loop is running (reopened if it changed)."""

    def __init__(self, host: str, port: int, timeout_seconds: float, retries: int) -> None:
        self.address = (host, port)
        self.timeout_seconds = timeout_seconds
        self.retries = retries
        self._endpoint: _Endpoint[object] | None = None
        self._sock: socket.socket | None = None  # ours, so it can be closed after its loop
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None
        self._next_id = random.randrange(1, 2**30)

    def next_id(self) -> int:
        """The next request id / msgID for this device (31-bit, never 0)."""
        self._next_id = self._next_id % (2**31 - 1) + 1
        return self._next_id

    @property
    def where(self) -> str:
        return f"{self.address[0]}:{self.address[1]}"

    async def _open(self) -> tuple[_Endpoint[object], asyncio.Lock]:
        loop = asyncio.get_running_loop()
        ep = self._endpoint
        if ep is None or ep.transport is None or self._loop is not loop or self._lock is None:
            self.close()
            sock = None
            try:
                try:  # an IP literal resolves at once; only names go to the resolver thread
                    info = socket.getaddrinfo(*self.address, type=socket.SOCK_DGRAM,
                                              flags=socket.AI_NUMERICHOST)
                except socket.gaierror:
                    info = await loop.getaddrinfo(*self.address, type=socket.SOCK_DGRAM)
                family, _, _, _, address = info[0]
                sock = socket.socket(family, socket.SOCK_DGRAM)
                sock.setblocking(False)
                sock.connect(address)  # the kernel drops datagrams from anyone else
                _, ep = await loop.create_datagram_endpoint(_Endpoint, sock=sock)
            except OSError as exc:
                if sock is not None:
                    sock.close()
                raise SnmpError("unreachable", f"cannot open UDP to {self.where}: {exc}") \
                    from None
            self._endpoint, self._sock, self._loop, self._lock = ep, sock, loop, asyncio.Lock()
        return ep, self._lock

    def close(self) -> None:
        """Close the socket, also when the loop it was opened on has ended (asyncio.run)."""
        endpoint, sock, loop = self._endpoint, self._sock, self._loop
        self._endpoint = self._sock = self._loop = self._lock = None
        if endpoint is not None and endpoint.transport is not None and loop is not None \
                and not loop.is_closed():
            endpoint.transport.close()
        elif sock is not None:
            sock.close()

    async def exchange(self, message: bytes, accept: Callable[[bytes], T | None],
                       timeout_seconds: float | None = None, retries: int | None = None) -> T:
        """Send message (again on each retry) until accept() returns an answer.

        accept returns None for a datagram that is not the answer, raises BerError for garbage
        (remembered, so silence after garbage is reported as bad, not unreachable) and
        SnmpError to end the exchange with that error.
        """
        endpoint, lock = await self._open()
        loop = asyncio.get_running_loop()
        timeout = self.timeout_seconds if timeout_seconds is None else timeout_seconds
        attempts = 1 + (self.retries if retries is None else retries)
        async with lock:
            endpoint.malformed = ""
            endpoint.accept = accept  # type: ignore[assignment]
            try:
                for _attempt in range(attempts):  # bounded
                    waiter: asyncio.Future[object] = loop.create_future()
                    endpoint.waiter = waiter
                    timer = loop.call_later(timeout, _expire, waiter)
                    try:
                        if endpoint.transport is None:
                            raise SnmpError("unreachable", f"socket to {self.where} closed")
                        endpoint.transport.sendto(message)
                        return await waiter  # type: ignore[return-value]
                    except TimeoutError:
                        continue
                    finally:
                        timer.cancel()
            finally:
                endpoint.waiter = None
                endpoint.accept = None
        if endpoint.malformed:
            raise SnmpError("bad", endpoint.malformed)
        raise SnmpError("unreachable", f"no SNMP response from {self.where} within "
                        f"{timeout:g}s x {attempts}")


def _expire(waiter: asyncio.Future[object]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())
