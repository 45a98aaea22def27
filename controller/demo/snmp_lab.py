"""Simulated SNMP gear for the demo: snmpsim serving HotSpare's own recordings on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from controller.demo.net import free_port, stop_process

RECORDINGS = Path(__file__).resolve().parent / "data" / "snmprec"
DEVICES = {  # community (recording) -> asset id, kind, rack
    "cisco-switch": ("rack1-switch", "network", "rack1"),
    "apc-ups": ("row1-ups", "ups", "row1"),
    "synology-nas": ("rack1-nas", "storage", "rack1"),
}


def _snmpsim() -> str:
    root = Path(__file__).resolve().parents[2]
    for candidate in (os.environ.get("HOTSPARE_SNMPSIM", ""),
                      str(root / ".venv-snmpsim" / "bin" / "snmpsim-command-responder"),
                      shutil.which("snmpsim-command-responder") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("snmpsim is not installed (make test installs it into .venv-snmpsim)")


@dataclass
class Lab:
    """The running simulator and the agent TOML that polls it."""

    proc: subprocess.Popen[bytes]
    agent_toml: str

    def stop(self) -> None:
        stop_process(self.proc)


def start_lab(workdir: Path) -> Lab:
    exe = _snmpsim()
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port(socket.SOCK_DGRAM)
    log = (workdir / "snmpsim.log").open("ab")
    proc = subprocess.Popen([exe, f"--data-dir={RECORDINGS}",
                             f"--agent-udpv4-endpoint=127.0.0.1:{port}"], stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=dict(os.environ, SNMPSIM_ALLOW_ROOT="true"))
    log.close()
    time.sleep(0.5)
    if proc.poll() is not None:
        raise RuntimeError(f"snmpsim exited: {(workdir / 'snmpsim.log').read_text()[-300:]}")
    secrets = workdir / "snmp-secrets.toml"
    secrets.write_text("".join(f'{c.replace("-", "_")} = "{c}"\n' for c in DEVICES))
    secrets.chmod(0o600)
    toml = "[collectors.snmp]\ninterval_seconds = 10\ntimeout_seconds = 9\n"
    for community, (asset, kind, rack) in DEVICES.items():
        toml += (f'[[collectors.snmp.targets]]\naddress = "127.0.0.1:{port}"\nversion = "2c"\n'
                 f'secrets_file = "{secrets}"\ncommunity_key = "{community.replace("-", "_")}"\n'
                 f'allow_insecure = "demo simulator (snmpsim selects the device by community)"\n'
                 f'asset = "{asset}"\nkind = "{kind}"\nrack = "{rack}"\nsite = "demo"\n'
                 "timeout_seconds = 3\n")
    return Lab(proc, toml)
