"""Running a member's probe (a command printing JSON, or an HTTP endpoint) and checking its answer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hotspare.standby import Role
from hotspare.threads import run_blocking

MAX_OUTPUT_BYTES = 64 * 1024


class ProbeError(Exception):
    """The probe could not give a usable answer; the message says why (shown as the reason)."""


@dataclass(frozen=True, slots=True)
class ProbeAnswer:
    """A member's state as its probe reported it; bad fields are reported, not guessed."""

    role: Role
    role_text: str
    lag_seconds: float | None = None
    lag_problem: str = ""  # why lag_seconds is unusable (negative, not a number)
    lag_measured_unix_ms: int = 0  # 0: at the probe's time
    healthy: bool | None = None
    heartbeat_unix_ms: int = 0  # 0: the probe's answer itself is the heartbeat
    detail: str = ""


def _number(doc: dict[str, Any], key: str) -> tuple[float | None, str]:
    if key not in doc or doc[key] is None:
        return None, ""
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"{key} is not a number ({str(value)[:40]!r})"
    if not math.isfinite(value):
        return None, f"{key} is not finite"
    if value < 0:
        return None, f"{key} is negative ({value:g})"
    return float(value), ""


def parse_answer(text: str) -> ProbeAnswer:
    """Check a probe's JSON (see docs/standby.md); raises ProbeError saying what is wrong."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        snippet = text.strip()[:60]
        raise ProbeError(f"output is not JSON ({exc.msg} at char {exc.pos}): {snippet!r}") \
            from None
    if not isinstance(doc, dict):
        raise ProbeError(f"output must be a JSON object, got {type(doc).__name__}")
    role_text = doc.get("role")
    if not isinstance(role_text, str):
        raise ProbeError("missing \"role\" (active, standby or unknown)")
    lag, lag_problem = _number(doc, "lag_seconds")
    measured, measured_problem = _number(doc, "lag_measured_unix_ms")
    heartbeat, hb_problem = _number(doc, "heartbeat_unix_ms")
    if measured_problem:
        lag, lag_problem = None, measured_problem
    healthy = doc.get("healthy")
    if healthy is not None and not isinstance(healthy, bool):
        raise ProbeError(f"\"healthy\" must be true or false, got {healthy!r}")
    if hb_problem:
        raise ProbeError(hb_problem)
    detail = doc.get("detail", "")
    return ProbeAnswer(
        role=Role.parse(role_text), role_text=role_text[:40], lag_seconds=lag,
        lag_problem=lag_problem, lag_measured_unix_ms=int(measured or 0), healthy=healthy,
        heartbeat_unix_ms=int(heartbeat or 0), detail=str(detail)[:200])


async def run_command(argv: Sequence[str], timeout_seconds: float) -> str:
    """Run the probe command; its stdout on exit status 0, else ProbeError with the reason."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
    except (FileNotFoundError, PermissionError) as exc:
        raise ProbeError(f"cannot run probe {argv[0]!r}: {exc.strerror}") from None
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout_seconds)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(proc.wait(), 2.0)
        raise ProbeError(f"probe timed out after {timeout_seconds:g}s (killed)") from None
    if proc.returncode != 0:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
        raise ProbeError(f"probe exited with status {proc.returncode}: {last[0][:120]}".rstrip(": "))
    if len(out) > MAX_OUTPUT_BYTES:
        raise ProbeError(f"probe printed {len(out)} bytes (limit {MAX_OUTPUT_BYTES})")
    return out.decode(errors="replace")


def _get(url: str, timeout_seconds: float) -> str:
    req = urllib.request.Request(url, headers={"User-Agent": "hotspare-agent",
                                               "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_seconds) as resp:
            body: bytes = resp.read(MAX_OUTPUT_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ProbeError(f"probe endpoint answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ProbeError(f"probe endpoint unreachable: {reason}") from None
    if len(body) > MAX_OUTPUT_BYTES:
        raise ProbeError(f"probe endpoint sent more than {MAX_OUTPUT_BYTES} bytes")
    return body.decode(errors="replace")


async def fetch_url(url: str, timeout_seconds: float) -> str:
    """GET the probe endpoint in a worker thread, bounded by the timeout."""
    try:
        return await asyncio.wait_for(run_blocking(_get, url, timeout_seconds),
                                      timeout_seconds + 1.0)
    except TimeoutError:
        raise ProbeError(f"probe endpoint timed out after {timeout_seconds:g}s") from None
