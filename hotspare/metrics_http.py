"""A minimal asyncio HTTP endpoint that serves one metrics page (GET /metrics) on the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable

from hotspare.errors import HotSpareError
from hotspare.tomlconf import parse_address

log = logging.getLogger("hotspare.metrics")

Render = Callable[[str], Awaitable[tuple[bytes, str]]]  # Accept header -> (body, content type)
READ_TIMEOUT_SECONDS = 5.0
RENDER_TIMEOUT_SECONDS = 10.0
MAX_HEADER_BYTES = 16 * 1024


class MetricsListenError(HotSpareError):
    """The metrics endpoint cannot listen on its address (port taken, address not local)."""


class MetricsEndpoint:
    """Serves `render(accept)` at /metrics (and / for a pointer); every other path is 404."""

    def __init__(self, listen: str, render: Render) -> None:
        self.listen = listen
        self._render = render
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> int:
        """Bind and start serving; raises MetricsListenError with a one-line reason."""
        host, port = parse_address(self.listen)
        try:
            self._server = await asyncio.start_server(self._handle, host, port,
                                                      reuse_address=True, limit=MAX_HEADER_BYTES)
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else str(exc)
            raise MetricsListenError(f"metrics endpoint cannot listen on {self.listen}: {reason}"
                                     ) from None
        self.port = int(self._server.sockets[0].getsockname()[1])
        log.info("metrics on http://%s:%d/metrics", host, self.port)
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 3.0)
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_SECONDS)
            method, path, accept = _parse_head(head)
            if method not in ("GET", "HEAD"):
                await _respond(writer, 405, b"method not allowed\n", "text/plain")
            elif path.split("?", 1)[0] == "/metrics":
                body, content_type = await asyncio.wait_for(self._render(accept),
                                                            RENDER_TIMEOUT_SECONDS)
                await _respond(writer, 200, b"" if method == "HEAD" else body, content_type)
            elif path == "/":
                await _respond(writer, 200, b"HotSpare metrics: /metrics\n", "text/plain")
            else:
                await _respond(writer, 404, b"not found\n", "text/plain")
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ConnectionError, ValueError):
            pass  # a slow, broken or oversized request gets no answer: just close
        except Exception as exc:  # a failed render is the scraper's error, never the process's
            log.warning("metrics scrape failed: %s", exc)
            with contextlib.suppress(Exception):
                await _respond(writer, 500, b"metrics unavailable\n", "text/plain")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


def _parse_head(head: bytes) -> tuple[str, str, str]:
    """(method, path, Accept header) of a request head."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise ValueError(f"bad request line {lines[0]!r}")
    accept = ""
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "accept":
            accept = value.strip()
    return parts[0], parts[1], accept


_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error"}


async def _respond(writer: asyncio.StreamWriter, status: int, body: bytes, content_type: str
                   ) -> None:
    header = (f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: {content_type}\r\n"
              f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode("latin-1")
    writer.write(header + body)
    await asyncio.wait_for(writer.drain(), READ_TIMEOUT_SECONDS)
