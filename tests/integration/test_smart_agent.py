"""The smart collector inside a real agent, a stand-in smartctl replaying real captures, a real controller."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.helpers import ROOT, cli, cli_json, wait_for

pytestmark = pytest.mark.integration

DATA = ROOT / "tests" / "data" / "smartctl"
FAKE = ROOT / "tests" / "fakes" / "smartctl.py"

AGENT = """
[agent]
id = "smart-agent"
[agent.asset]
id = "disk-host"
[agent.stream]
flush_interval_seconds = 0.2
[collectors.local]
interval_seconds = 1
timeout_seconds = 1
[collectors.smart]
smartctl = "{fake}"
interval_seconds = 1
timeout_seconds = 1
per_disk_timeout_seconds = 1
[[collectors.smart.devices]]
name = "/dev/bus/0"
type = "sat+megaraid,0"
"""


@pytest.fixture
def fake_disks(tmp_path, monkeypatch):
    root = tmp_path / "disks"
    root.mkdir()
    (root / "scan.json").write_text(json.dumps({"devices": [
        {"name": "/dev/sda", "type": "sat"}, {"name": "/dev/nvme0", "type": "nvme"},
        {"name": "/dev/sdz", "type": "sat"}]}))
    shutil.copy(DATA / "ST3500418AS_11.json", root / "_dev_sda.json")
    shutil.copy(DATA / "nvme-null-INTEL_SSDPE2KX020T7-nvme6.json", root / "_dev_nvme0.json")
    shutil.copy(DATA / "scrutiny-smart-megaraid0.json", root / "_dev_bus_0@sat+megaraid,0.json")
    monkeypatch.setenv("SMARTCTL_FAKE_DIR", str(root))
    return root


def test_smart_agent_readings_verdicts_and_inventory_reach_controller(
        running_controller, start_agent, fake_disks):
    start_agent(running_controller.address, AGENT.format(fake=FAKE))
    addr = running_controller.address

    def readings():
        try:
            doc = cli_json("readings", "disk-host", "--controller", addr)
        except AssertionError:
            return None
        got = {r["sensor_id"]: r for r in doc["readings"]}
        wanted = ["disk:/dev/sda:health", "disk:/dev/nvme0:health", "disk:/dev/sdz:health",
                  "disk:/dev/bus/0@sat+megaraid,0:health"]
        return got if all(w in got for w in wanted) else None

    got = wait_for(readings, 20, 0.3, "disk readings at the controller")
    sda = got["disk:/dev/sda:health"]
    assert sda["status"] == "warning" and sda["labels"]["verdict"] == "at-risk"
    assert "attribute 5" in sda["reason"] and "attribute 188" in sda["reason"]
    assert got["disk:/dev/sda:ata_5"]["value"] == 1
    nvme = got["disk:/dev/nvme0:health"]
    assert nvme["status"] == "ok" and "wear" not in nvme["reason"]
    assert got["disk:/dev/nvme0:nvme_percentage_used"]["value"] == 75
    missing = got["disk:/dev/sdz:health"]
    assert missing["status"] == "unknown" and "device open failed" in missing["reason"]
    raid = got["disk:/dev/bus/0@sat+megaraid,0:temperature"]
    assert raid["value"] == 36
    doc = cli_json("readings", "disk-host", "--controller", addr)
    comps = {c["component_id"]: c for c in doc["components"]}
    assert comps["disk:/dev/bus/0@sat+megaraid,0"]["model"] == "WD4000FYYX"
    assert comps["disk:/dev/sda"]["capacity_bytes"] == 500107862016
    events = [e for e in doc["events"] if e["type"] == "verdict_changed"]
    assert any(e["sensor"] == "disk:/dev/sda" for e in events)
    # the disk recovers when its evidence does: the verdict follows
    shutil.copy(DATA / "WDC_WD20EFRX-68EUZN0_17.json", fake_disks / "_dev_sda.json")

    def recovered():
        doc = cli_json("readings", "disk-host", "--controller", addr)
        r = next(r for r in doc["readings"] if r["sensor_id"] == "disk:/dev/sda:health")
        return r["status"] == "ok"

    wait_for(recovered, 15, 0.3, "verdict recovers")
    doc = cli_json("readings", "disk-host", "--controller", addr)
    assert any(e["direction"] == "at-risk -> healthy" for e in doc["events"])


def test_smart_probe_cli_json(fake_disks):
    proc = cli("smart", "probe", "/dev/sda", "/dev/bus/0@sat+megaraid,0", "--smartctl", str(FAKE),
               "--json")
    assert proc.returncode == 0, proc.stderr
    disks = {d["device"]: d for d in json.loads(proc.stdout)["disks"]}
    assert disks["/dev/sda"]["verdict"] == "at-risk"
    assert disks["/dev/bus/0@sat+megaraid,0"]["identity"]["model"] == "WD4000FYYX"
    text = cli("smart", "probe", "--smartctl", str(FAKE))
    assert text.returncode == 0 and "/dev/sda: AT-RISK" in text.stdout
    assert "reason: attribute 5" in text.stdout


def test_smart_probe_cli_missing_smartctl():
    proc = cli("smart", "probe", "--smartctl", "/nonexistent/smartctl")
    assert proc.returncode == 1 and "not found" in proc.stderr and "Traceback" not in proc.stderr
