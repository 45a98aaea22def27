"""Demo disks: a stand-in smartctl replays real captures, one of them turned failing, plus stock."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
STANDIN = Path(__file__).resolve().parent / "smartctl_standin.py"
STOCK_CSV = DATA / "spares-stock.csv"


@dataclass
class Lab:
    """Two disks behind a stand-in smartctl: a failing 14 TB HDD and a healthy NVMe SSD."""

    agent_toml: str

    def stop(self) -> None:
        """Nothing runs: the stand-in is started by the agent for each read."""


def failing(capture: str) -> str:
    """The same capture with the overall-health check failed (smartctl exit bit 3)."""
    doc = json.loads(capture)
    doc["smart_status"] = {"passed": False}
    doc.setdefault("smartctl", {})["exit_status"] = 8
    return json.dumps(doc)


def start_lab(workdir: Path) -> Lab:
    captures = workdir / "captures"
    captures.mkdir(parents=True, exist_ok=True)
    hdd = (DATA / "smartctl" / "wdc-wd140edfz.json").read_text()
    (captures / "_dev_sda.json").write_text(failing(hdd))
    shutil.copy(DATA / "smartctl" / "intel-ssdpeknw010t8.json", captures / "_dev_nvme0.json")
    wrapper = workdir / "smartctl"
    wrapper.write_text(f'#!/bin/sh\nSMARTCTL_FAKE_DIR="{captures}" exec "{sys.executable}"'
                       f' "{STANDIN}" "$@"\n')
    wrapper.chmod(0o755)
    return Lab(
        f'[collectors.smart]\nsmartctl = "{wrapper}"\ninterval_seconds = 5\n'
        'timeout_seconds = 5\n'
        '[[collectors.smart.devices]]\nname = "/dev/sda"\ntype = "sat"\n'
        '[[collectors.smart.devices]]\nname = "/dev/nvme0"\ntype = "nvme"\n')
