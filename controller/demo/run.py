"""Runs the demo: controller and agent subprocesses, optional simulated labs, TUI or text summary."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from controller.demo.net import free_port
from hotspare import model

LAB_MODULES = ["controller.demo.snmp_lab", "controller.demo.ipmi_lab"]
# Needs nothing installed, so it runs even with --no-labs: the spares demo's failing disk.
BUILTIN_LABS = ["controller.demo.disk_lab"]


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
    for name in (LAB_MODULES if with_labs else []) + BUILTIN_LABS:
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
    threading.Thread(target=seed_stock, args=(demo,), name="demo-stock", daemon=True).start()
    return demo


def seed_stock(demo: Demo, timeout_seconds: float = 60.0) -> bool:
    """Import the demo's stock file once the agent has made the `demo` site known."""
    from controller.demo.disk_lab import STOCK_CSV
    from hotspare import spares_csv
    from hotspare.client import ClientError, ControllerClient

    rows = spares_csv.parse(STOCK_CSV.read_text(encoding="utf-8"), STOCK_CSV.name)

    async def load() -> int:
        async with ControllerClient(demo.address, timeout_seconds=2) as client:
            if await client.spares.stock("demo"):
                return 0  # a restarted demo keeps its stock and its ledger
            return await client.spares.import_rows(rows, STOCK_CSV.name, "demo",
                                                   "demo stock file")

    deadline = time.monotonic() + timeout_seconds
    last = ""
    for _ in range(int(timeout_seconds) + 1):  # bounded; the deadline ends it first
        try:
            count = asyncio.run(load())
            demo.notes.append(f"spares: stock file imported ({count} rows)")
            return True
        except ClientError as exc:  # controller not up yet, or the site not known yet
            last = str(exc)
        if time.monotonic() > deadline:
            break
        time.sleep(1.0)
    demo.notes.append(f"spares: stock file not imported: {last}")
    return False


async def _spares_line(address: str) -> str:
    from hotspare.client import ControllerClient

    async with ControllerClient(address, timeout_seconds=2) as client:
        report = await client.spares.report()
        held = await client.spares.reservations(open_only=True)
    below = [ln for ln in report.lines if ln.below_reorder_point]
    return (f"spares: {len(below)} part(s) below reorder point"
            f" ({', '.join(f'{ln.part_number}@{ln.site} order {ln.order_quantity}' for ln in below)})"
            f"; {len(held)} reservation(s)"
            f" ({', '.join(f'{r.part_number} for {r.asset_id} {r.component_id}' for r in held)})")


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
        with contextlib.suppress(ClientError):
            print(f"  {asyncio.run(_spares_line(demo.address))}"[:240], file=out)
        out.flush()
    return count
