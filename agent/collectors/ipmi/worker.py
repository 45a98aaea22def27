"""A BMC worker process: one pyghmi session to one BMC, served over stdin/stdout frames.

The agent starts one per BMC (agent/collectors/ipmi/handle.py) so that pyghmi's shared I/O loop
is never shared between BMCs: a BMC rejecting a password or hanging stalls only its own process.
Frames are a 4-byte big-endian length and a pickle (parent and child are the same code). The
password arrives in the first frame, never in argv or the environment.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Any

from agent.collectors.ipmi.bmc import MAX_FRAME_BYTES, BmcError, PollData, encode, read_frame
from agent.collectors.ipmi.transport import BmcSession
from hotspare.threads import SerialWorker

log = logging.getLogger("hotspare.agent.ipmi.worker")
LOG_LEVEL_ENV = "HOTSPARE_WORKER_LOG_LEVEL"


class _Formatter(logging.Formatter):
    """One line per event, as the agent writes them, with this worker's PID."""

    def format(self, record: logging.LogRecord) -> str:
        ts = self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
        return (f"{ts} {record.levelname.lower()} {record.name}[{record.process}] "
                f"{record.getMessage()}")
class _Bmc:
    """The session and the calls the collector and the actions make (run on one thread)."""

    def __init__(self, host: str, port: int, user: str, password: str, privilege: int) -> None:
        self.host, self.port, self.user, self._password = host, port, user, password
        self.privilege = privilege
        self.session: BmcSession | None = None

    def _connect(self) -> tuple[BmcSession, bool]:
        if self.session is not None:
            return self.session, False
        self.session = BmcSession(self.host, self.port, self.user, self._password, self.privilege)
        log.info("BMC %s:%d: session up (IPMI %s, cipher suite %d)", self.host, self.port,
                 self.session.security.ipmi_version, self.session.security.cipher_suite)
        return self.session, True

    def drop(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.close()

    def poll(self, fru_due: bool) -> PollData:
        session, connected_now = self._connect()
        samples = session.sensors()
        power = session.power_state()
        sel = session.sel()
        overflow = session.sel_overflow()
        fru, fru_error = None, ""
        if fru_due:
            try:
                fru = session.fru_info(0)
            except BmcError as exc:
                fru_error = str(exc)
        return PollData(samples, power, sel, overflow, fru, fru_error,
                        session.security.cipher_suite, connected_now)

    def power_state(self) -> str:
        return self._connect()[0].power_state()

    def set_power(self, state: str) -> None:
        self._connect()[0].set_power(state)

    def call(self, op: str, args: dict[str, Any]) -> tuple[str, Any, str]:
        """("ok", value, "") or ("err", kind, message); a failed call drops the session."""
        try:
            if op == "poll":
                return "ok", self.poll(bool(args.get("fru_due"))), ""
            if op == "power_state":
                return "ok", self.power_state(), ""
            if op == "set_power":
                self.set_power(str(args["state"]))
                return "ok", None, ""
            return "err", "error", f"unknown worker operation {op!r}"
        except BmcError as exc:
            self.drop()
            return "err", exc.kind, str(exc)
        except Exception as exc:  # a pyghmi surprise is this BMC's error, never the worker's end
            self.drop()
            return "err", "error", f"{type(exc).__name__}: {exc}"


async def serve(out_fd: int) -> None:
    """Answer frames until stdin closes (the agent ended or dropped this worker)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_FRAME_BYTES)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    thread = SerialWorker("bmc")

    def write(frame: bytes) -> None:
        view = memoryview(frame)
        while view:
            view = view[os.write(out_fd, view):]

    bmc: _Bmc | None = None
    try:
        while True:  # ends at end of stream: the parent owns this process's lifetime
            try:
                op, args = await read_frame(reader)
            except asyncio.IncompleteReadError:
                return
            if op == "open":
                bmc = _Bmc(args["host"], int(args["port"]), args["user"], args["password"],
                           int(args["privilege"]))
                reply: tuple[str, Any, str] = ("ok", os.getpid(), "")
            elif bmc is None:
                reply = ("err", "error", "worker not opened")
            else:
                reply = await thread.run(bmc.call, op, args)
            try:
                await thread.run(write, encode(reply))
            except OSError:  # the agent is gone (or dropped us): nobody to answer
                return
    finally:
        if bmc is not None:
            await thread.run(bmc.drop)
        thread.shutdown(wait=False)


def main() -> None:
    # stdout carries frames only: anything printed by a library goes to stderr instead
    out_fd = os.dup(1)
    os.dup2(2, 1)
    handler = logging.StreamHandler(sys.stderr)  # the agent's log: same level, same format
    handler.setFormatter(_Formatter())
    logging.getLogger().handlers[:] = [handler]
    logging.getLogger().setLevel(int(os.environ.get(LOG_LEVEL_ENV, logging.INFO)))
    asyncio.run(serve(out_fd))


if __name__ == "__main__":
    main()
