"""The agent's side of a BMC worker process: bounded calls; a call that misses its deadline kills it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.collectors.ipmi.bmc import (
    ERRORS_BY_KIND,
    MAX_FRAME_BYTES,
    BmcError,
    BmcUnreachable,
    encode,
    read_frame,
)

log = logging.getLogger("hotspare.agent.ipmi")
STARTUP_TIMEOUT_SECONDS = 15.0  # python + pyghmi import: ~0.35 s idle, seconds on a busy host
MAX_CONCURRENT_STARTS = 4  # a poller with many BMCs starts its workers a few at a time
_ROOT = str(Path(__file__).resolve().parents[3])  # the directory holding the agent package


class BmcWorker:
    """One worker process with one session to one BMC; one call at a time, each bounded.

    A call that misses its deadline kills the process (by its PID): pyghmi cannot be
    interrupted, and a fresh process is cheaper than a session of unknown state. The next call
    starts a new one; its start-up is bounded separately and not charged to the call.
    """

    def __init__(self, host: str, port: int, user: str, password: str, privilege: int,
                 label: str, starts: Callable[[], asyncio.Semaphore] | None = None) -> None:
        self._open = {"host": host, "port": port, "user": user, "password": password,
                      "privilege": privilege}
        self.label = label
        self._starts = starts
        self._proc: asyncio.subprocess.Process | None = None
        self._lock: asyncio.Lock | None = None
        self.starts_total = 0
        self.kills_total = 0
        self.warm = False  # a call succeeded in this process (its session and SDR cache are up)

    def __repr__(self) -> str:  # the password stays out
        return f"BmcWorker({self.label}, pid={self.pid})"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    async def call(self, op: str, timeout_seconds: float, **args: Any) -> Any:
        """Run one operation in the worker; raises BmcError (BmcUnreachable on timeout)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            proc = await self._ensure_started()
            try:
                reply = await asyncio.wait_for(self._request(proc, op, args),
                                               max(0.01, timeout_seconds))
            except TimeoutError:
                await self._kill("no answer within the deadline")
                raise BmcUnreachable(f"no answer within {timeout_seconds:.1f}s") from None
            except (asyncio.IncompleteReadError, ConnectionError, ValueError) as exc:
                await self._kill(f"broken pipe: {type(exc).__name__}")
                raise BmcError(f"BMC worker process failed: {type(exc).__name__}") from None
            except asyncio.CancelledError:  # the reply stream is now out of step: start afresh
                self._kill_now("call cancelled")
                raise
        status, value, message = reply
        if status == "ok":
            self.warm = True
            return value
        raise ERRORS_BY_KIND.get(str(value), BmcError)(message)

    async def start(self) -> None:
        """Start the worker process now if it is not running (bounded by the start-up timeout;
        raises BmcError), so that a caller's deadline counts only the call itself."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        if self._proc is not None and self._proc.returncode is None:
            return
        async with self._lock:
            await self._ensure_started()

    async def _request(self, proc: asyncio.subprocess.Process, op: str,
                       args: dict[str, Any]) -> tuple[str, Any, str]:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(encode((op, args)))
        await proc.stdin.drain()
        reply = await read_frame(proc.stdout)
        if not (isinstance(reply, tuple) and len(reply) == 3):
            raise ValueError("malformed reply")
        return reply

    async def _ensure_started(self) -> asyncio.subprocess.Process:
        if self._proc is not None and self._proc.returncode is None:
            return self._proc
        self._proc = None
        gate = self._starts() if self._starts is not None else contextlib.nullcontext()
        async with gate:
            env = dict(os.environ)
            env["PYTHONPATH"] = _ROOT + os.pathsep + env.get("PYTHONPATH", "")
            env["HOTSPARE_WORKER_LOG_LEVEL"] = str(logging.getLogger().getEffectiveLevel())
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "agent.collectors.ipmi.worker",
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env,
                limit=MAX_FRAME_BYTES)
            self._proc = proc
            self.warm = False
            self.starts_total += 1
            try:
                await asyncio.wait_for(self._request(proc, "open", self._open),
                                       STARTUP_TIMEOUT_SECONDS)
            except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
                await self._kill("did not start")
                raise BmcError(f"BMC worker process for {self.label} did not start within "
                               f"{STARTUP_TIMEOUT_SECONDS:g}s") from None
        log.debug("BMC %s: worker process %d started", self.label, proc.pid)
        return proc

    def _kill_now(self, why: str) -> asyncio.subprocess.Process | None:
        proc, self._proc = self._proc, None
        self.warm = False
        if proc is None or proc.returncode is not None:
            return None
        self.kills_total += 1
        log.info("BMC %s: worker process %d killed: %s", self.label, proc.pid, why)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        return proc

    async def _kill(self, why: str) -> None:
        proc = self._kill_now(why)
        if proc is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.wait(), 5.0)

    async def close(self) -> None:
        """End the worker: close its stdin (it logs out and exits), kill it if it lingers."""
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(Exception):
                proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 2.0)
        except TimeoutError:
            self._proc = proc
            await self._kill("did not exit after close")


class BmcHandle:
    """What actions use of one BMC: its address and bounded power calls."""

    def __init__(self, address: str, worker: BmcWorker, call_timeout_seconds: float) -> None:
        self.address = address
        self._worker = worker
        self.call_timeout_seconds = call_timeout_seconds

    async def power_state(self, timeout_seconds: float) -> str:
        """The chassis power state read from the BMC ("on" / "off")."""
        return str(await self._worker.call("power_state", min(timeout_seconds,
                                                              self.call_timeout_seconds)))

    async def set_power(self, state: str, timeout_seconds: float) -> None:
        """Ask for "on" / "off" without waiting; confirm by reading the state back."""
        await self._worker.call("set_power", min(timeout_seconds, self.call_timeout_seconds),
                                state=state)

    async def close(self) -> None:
        await self._worker.close()
