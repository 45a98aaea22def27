"""The smartctl command runner: a seam (tests inject one) and the real subprocess with a timeout."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass


class SmartctlUnavailable(Exception):
    """smartctl cannot be run at all (missing, not permitted); the message says why."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one smartctl invocation returned."""

    exit_status: int
    stdout: str
    stderr: str = ""


Runner = Callable[[Sequence[str], float], Awaitable[RunResult]]


async def run_smartctl(argv: Sequence[str], timeout_seconds: float) -> RunResult:
    """Run smartctl; kill it when the timeout passes (raises TimeoutError)."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise SmartctlUnavailable(f"{argv[0]} not found (install smartmontools)") from exc
    except PermissionError as exc:
        raise SmartctlUnavailable(f"{argv[0]} not permitted: {exc.strerror}") from exc
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout_seconds)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise
    return RunResult(int(proc.returncode or 0), out.decode(errors="replace"),
                     err.decode(errors="replace"))
