"""Runs the demo: controller and agent subprocesses, optional simulated labs, TUI or text summary."""

from __future__ import annotations

import asyncio
import importlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from controller.demo.net import free_port
from hotspare import model

LAB_MODULES = ["controller.demo.snmp_lab", "controller.demo.ipmi_lab"]


class Lab(Protocol):
    """A set of simulated devices the demo agent polls."""

    agent_toml: str

    def stop(self) -> None: ...


@dataclass
class Demo:
    """Processes and labs the demo started (and will stop, by PID)."""

    data_dir: Path
    address: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    labs: list[Lab] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        for lab in self.labs:
            try:
                lab.stop()
            except Exception as exc:  # a lab failing to stop must not hide the others
                self.notes.append(f"lab stop failed: {exc}")


def pick_port(preferred: int) -> int:
    """The preferred port if free on 127.0.0.1, else any free one."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            pass
    return free_port()


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "hotspare", *args], stdout=out,
                                stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL)


def start(data_dir: Path, port: int, with_labs: bool = True) -> Demo:
    """Start the controller, the labs and one agent that polls this machine and the labs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    address = f"127.0.0.1:{pick_port(port)}"
    demo = Demo(data_dir=data_dir, address=address)
    demo.procs.append(_spawn(["controller", "run", "--listen", address, "--data-dir",
                              str(data_dir)], data_dir / "controller.log"))
    fragments = []
    if with_labs:
        for name in LAB_MODULES:
            try:
                module: Any = importlib.import_module(name)
            except ImportError:
                continue
            try:
                lab = module.start_lab(data_dir / name.rsplit(".", 1)[-1])
            except Exception as exc:  # one lab failing leaves the rest of the demo running
                demo.notes.append(f"{name}: not started ({exc})")
                continue
            demo.labs.append(lab)
            fragments.append(lab.agent_toml)
    host = socket.gethostname()
    config = data_dir / "demo-agent.toml"
    config.write_text(
        f'[agent]\nid = "demo-{host}"\n[agent.asset]\nid = "{host}"\nsite = "demo"\n'
        '[agent.stream]\nflush_interval_seconds = 0.5\n'
        "[collectors.local]\ninterval_seconds = 2\ntimeout_seconds = 2\n" + "\n".join(fragments)
    )
    demo.procs.append(_spawn(["agent", "run", "--config", str(config), "--controller", address],
                             data_dir / "agent.log"))
    return demo


async def _summaries(address: str) -> list[model.AssetSummary]:
    from hotspare.client import ControllerClient

    async with ControllerClient(address, timeout_seconds=2) as client:
        return await client.list_assets()


def print_summary(demo: Demo, duration_seconds: float, out: Any = sys.stdout) -> int:
    """Print a short text summary every few seconds; returns the number of assets last seen."""
    from hotspare.client import ClientError
    from hotspare.render import headline_text

    deadline = time.monotonic() + duration_seconds
    count = 0
    while time.monotonic() < deadline:
        time.sleep(min(3.0, max(0.0, deadline - time.monotonic())))
        try:
            summaries = asyncio.run(_summaries(demo.address))
        except ClientError as exc:
            print(f"[demo] waiting for controller: {exc}", file=out, flush=True)
            continue
        count = len(summaries)
        print(f"[demo] {time.strftime('%H:%M:%S')} {count} assets", file=out)
        for s in summaries:
            print(f"  {s.asset.asset_id:<28} {s.asset.kind.value:<8} {s.worst_status.label:<8}"
                  f" {headline_text(s)}  {s.worst_reason}"[:160], file=out)
        out.flush()
    return count
