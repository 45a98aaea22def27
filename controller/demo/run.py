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

from controller.demo import standby_lab
from controller.demo.ipmi_lab import DEMO_SERVERS
from hotspare import model
from hotspare.errors import HotSpareError
from hotspare.standby import GroupReadiness

# (module, folder under <data-dir>/lab): SNMP devices, and BMCs in lab/bmc/<asset>/ (power file)
LAB_MODULES = [("controller.demo.snmp_lab", "snmp"), ("controller.demo.ipmi_lab", "bmc")]


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


class DemoError(HotSpareError):
    """The demo cannot start as asked (port taken, say); the message says what to do."""


def check_port(port: int) -> int:
    """The port itself if free on 127.0.0.1; the demo never silently serves elsewhere."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the gRPC server does
        try:
            s.bind(("127.0.0.1", port))
        except OSError as exc:
            raise DemoError(f"port {port} on 127.0.0.1 is not available ({exc.strerror}); "
                            "choose another with --port") from None
    return port


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "hotspare", *args], stdout=out,
                                stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL)


def _start_labs(demo: Demo, lab_dir: Path) -> tuple[list[str], str]:
    """SNMP devices, BMCs and the drill lab; one lab failing leaves the rest running."""
    fragments: list[str] = []
    bmc_dir: Path | None = None
    for name, sub in LAB_MODULES:
        try:
            module: Any = importlib.import_module(name)
            lab = module.start_lab(lab_dir / sub)
        except Exception as exc:
            demo.notes.append(f"{name.rsplit('.', 1)[-1]}: not started ({exc})")
            continue
        demo.labs.append(lab)
        fragments.append(lab.agent_toml)
        if sub == "bmc":
            bmc_dir = lab_dir / sub
    servers = DEMO_SERVERS
    standby = standby_lab.start_lab(lab_dir, servers, bmc_dir)
    demo.labs.append(standby)
    fragments.append(standby.agent_toml)
    return fragments, standby.controller_toml


def start(data_dir: Path, port: int, with_labs: bool = True) -> Demo:
    """Start the labs, the controller and one agent that polls this machine and the labs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    address = f"127.0.0.1:{check_port(port)}"
    demo = Demo(data_dir=data_dir, address=address)
    fragments: list[str] = []
    controller_toml = "[controller]\n"
    if with_labs:
        more, group_toml = _start_labs(demo, data_dir / "lab")
        fragments += more
        # drills are not required until the demo rehearses one itself (drill_max_age_days = 0)
        controller_toml += "[standby]\n" + group_toml + "drill_max_age_days = 0\n"
    ctl_config = data_dir / "demo-controller.toml"
    ctl_config.write_text(controller_toml)
    demo.procs.append(_spawn(["controller", "run", "--config", str(ctl_config), "--listen",
                              address, "--data-dir", str(data_dir)], data_dir / "controller.log"))
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


async def _summaries(address: str) -> tuple[list[model.AssetSummary], list[GroupReadiness]]:
    from hotspare.client import ControllerClient

    async with ControllerClient(address, timeout_seconds=2) as client:
        return await client.list_assets(), await client.failover.list_groups()


def print_summary(demo: Demo, duration_seconds: float, out: Any = sys.stdout) -> int:
    """Print a short text summary every few seconds; returns the number of assets last seen."""
    from hotspare.client import ClientError
    from hotspare.render import headline_text

    deadline = time.monotonic() + duration_seconds
    count = 0
    while time.monotonic() < deadline:
        time.sleep(min(3.0, max(0.0, deadline - time.monotonic())))
        try:
            summaries, groups = asyncio.run(_summaries(demo.address))
        except ClientError as exc:
            print(f"[demo] waiting for controller: {exc}", file=out, flush=True)
            continue
        count = len(summaries)
        print(f"[demo] {time.strftime('%H:%M:%S')} {count} assets", file=out)
        for s in summaries:
            print(f"  {s.asset.asset_id:<28} {s.asset.kind.value:<8} {s.worst_status.label:<8}"
                  f" {headline_text(s)}  {s.worst_reason}"[:160], file=out)
        for g in groups:
            why = "; ".join(r.code for r in g.reasons) or "no reasons"
            print(f"  group {g.name:<22} {g.verdict.value:<10} active: "
                  f"{', '.join(g.active) or 'none'}  ({why})", file=out)
        out.flush()
    return count
