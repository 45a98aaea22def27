"""Test helpers: free ports, bounded waits, subprocesses of the real hotspare CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port on 127.0.0.1 that was free a moment ago (TCP by default, UDP with SOCK_DGRAM)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    predicate: Callable[[], T], timeout_seconds: float = 15.0, interval_seconds: float = 0.1,
    what: str = "condition",
) -> T:
    """Poll until predicate returns something truthy; bounded in time and count."""
    deadline = time.monotonic() + timeout_seconds
    attempts = int(timeout_seconds / interval_seconds) + 1
    last: T | None = None
    for _ in range(attempts):
        last = predicate()
        if last:
            return last
        if time.monotonic() > deadline:
            break
        time.sleep(interval_seconds)
    raise AssertionError(f"timed out after {timeout_seconds}s waiting for {what} (last: {last!r})")


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e["PYTHONUNBUFFERED"] = "1"
    return e


def hotspare_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "hotspare", *args]


def cli(*args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    """Run the real hotspare CLI in a subprocess."""
    return subprocess.run(hotspare_cmd(*args), capture_output=True, text=True, timeout=timeout,
                          env=env(), cwd=ROOT)


def cli_json(*args: str) -> Any:
    proc = cli(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


class Proc:
    """A subprocess we started; stopped by its own PID only."""

    def __init__(self, args: list[str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.popen = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, env=env(),
                                      cwd=ROOT)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill9(self) -> None:
        if self.alive():
            self.popen.kill()
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 10.0) -> int:
        if self.alive():
            self.popen.terminate()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._log.close()
        return int(self.popen.returncode)


def controller_healthy(address: str) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(address) as ch:
        try:
            resp = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.RpcError:
            return False
    return resp.status == health_pb2.HealthCheckResponse.SERVING


class ControllerProc(Proc):
    """`hotspare controller run` on a free port with its own data dir."""

    def __init__(self, data_dir: Path, port: int | None = None, extra: list[str] | None = None):
        self.port = port or free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.data_dir = data_dir
        super().__init__(
            hotspare_cmd("controller", "run", "--listen", self.address, "--data-dir",
                         str(data_dir), *(extra or [])),
            data_dir.parent / f"controller-{self.port}.log",
        )

    def wait_ready(self, timeout: float = 20.0) -> None:
        def ready() -> bool:
            if not self.alive():
                raise AssertionError(f"controller exited early:\n{self.log()}")
            return controller_healthy(self.address)

        wait_for(ready, timeout, 0.1, "controller health SERVING")


class AgentProc(Proc):
    """`hotspare agent run` with a config file written by the test."""

    def __init__(self, workdir: Path, controller: str, config_text: str, name: str = "agent"):
        self.config_path = workdir / f"{name}.toml"
        self.config_path.write_text(config_text)
        super().__init__(
            hotspare_cmd("--log-level", "debug", "agent", "run", "--config",
                         str(self.config_path), "--controller", controller),
            workdir / f"{name}.log",
        )


async def pilot_wait(predicate: Callable[[], object], pilot: Any, seconds: float = 15.0) -> None:
    """Let a Textual app run until predicate holds; bounded in time and count."""
    for _ in range(int(seconds / 0.1)):
        if predicate():
            return
        await pilot.pause(0.1)
    raise AssertionError("condition not reached in time")
