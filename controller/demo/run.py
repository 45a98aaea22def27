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

from controller.demo import standby_lab
from controller.demo.ipmi_lab import DEMO_SERVERS
from hotspare import model
from hotspare.errors import HotSpareError
from hotspare.standby import GroupReadiness

# (module, folder under <data-dir>/lab): SNMP devices, and BMCs in lab/bmc/<asset>/ (power file)
LAB_MODULES = [("controller.demo.snmp_lab", "snmp"), ("controller.demo.ipmi_lab", "bmc")]
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
    for name in BUILTIN_LABS:
        try:
            module: Any = importlib.import_module(name)
            lab = module.start_lab(data_dir / "lab" / "disks")
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
        with contextlib.suppress(ClientError):
            print(f"  {asyncio.run(_spares_line(demo.address))}"[:240], file=out)
        out.flush()
    return count
