"""Standby readiness against real processes: a controller, member agents running real probes, ipmi_sim BMCs.

Each fault is injected through the drill lab's files (the same ones docs/demo.md tells an operator
to edit) and must turn readiness to the right verdict with the right reason code, and back.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from controller.demo import standby_lab
from controller.demo.ipmi_lab import PASSWORD, USER, IpmiSim
from tests.helpers import ROOT, AgentProc, ControllerProc, cli, cli_json, wait_for

pytestmark = pytest.mark.integration

DATA = ROOT / "tests" / "data" / "smartctl"
FAKE_SMARTCTL = ROOT / "tests" / "fakes" / "smartctl.py"
MEMBERS = ("srv-a", "srv-b")
PROBE_INTERVAL_SECONDS = 1.0


@dataclass
class Pair:
    """A running hot-standby pair and everything a test pokes at."""

    controller: ControllerProc
    lab: standby_lab.Lab
    bmcs: dict[str, IpmiSim]
    disks: Path
    agents: list[AgentProc]

    def state(self, asset: str) -> dict[str, object]:
        return dict(json.loads(self.lab.state_file(asset).read_text()))

    def set_state(self, asset: str, **changes: object) -> None:
        state = self.state(asset)
        state.update(changes)
        self.lab.state_file(asset).write_text(json.dumps(state))

    def show(self) -> dict[str, object]:
        return dict(cli_json("standby", "show", "core-banking", "--controller",
                             self.controller.address))

    def wait_verdict(self, verdict: str, code: str | None = None, seconds: float = 20.0
                     ) -> dict[str, object]:
        last: list[object] = []

        def check() -> dict[str, object] | None:
            doc = self.show()
            codes = {r["code"] for r in doc["reasons"]}  # type: ignore[attr-defined]
            last[:] = [doc["verdict"], doc["reasons"]]
            if doc["verdict"] == verdict and (code is None or code in codes):
                return doc
            return None

        try:
            return wait_for(check, seconds, 0.2, f"verdict {verdict} ({code})")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; last seen: {last}") from None


def _agent_toml(asset: str, lab: standby_lab.Lab, disks: Path | None) -> str:
    member = lab.agent_toml.split("[[collectors.standby.members]]")
    block = next(b for b in member[1:] if f'asset = "{asset}"' in b)
    text = (f'[agent]\nid = "agent-{asset}"\n[agent.asset]\nid = "{asset}"\n'
            "[agent.stream]\nflush_interval_seconds = 0.1\n"
            # the test machine's own CPU load is not the member's health here
            "[collectors.local]\nenabled = false\n"
            f"[collectors.standby]\ninterval_seconds = {PROBE_INTERVAL_SECONDS:g}\n"
            "timeout_seconds = 0.9\n[[collectors.standby.members]]" + block)
    if disks is not None:
        text += (f'[collectors.smart]\nsmartctl = "{FAKE_SMARTCTL}"\ninterval_seconds = 1\n'
                 "timeout_seconds = 1\nper_disk_timeout_seconds = 1\n")
    return text


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pair]:
    for tool in ("ipmi_sim", "sdrcomp", "ipmitool"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed")
    disks = tmp_path / "disks"
    disks.mkdir()
    (disks / "scan.json").write_text(json.dumps({"devices": [{"name": "/dev/sda", "type": "sat"}]}))
    shutil.copy(DATA / "WDC_WD20EFRX-68EUZN0_17.json", disks / "_dev_sda.json")
    monkeypatch.setenv("SMARTCTL_FAKE_DIR", str(disks))
    bmc_dir = tmp_path / "lab" / "bmc"
    bmcs = {m: IpmiSim(bmc_dir, f"bmc-{m}", f"SN-{m}") for m in MEMBERS}
    lab = standby_lab.start_lab(tmp_path / "lab", MEMBERS, None, PROBE_INTERVAL_SECONDS)
    for m in MEMBERS:  # the probe reads the BMC's power file: a powered-off server answers nothing
        lab.agent_toml = lab.agent_toml.replace(str(lab.state_dir / m / "power"),
                                                str(bmcs[m].power_file))
    group = lab.controller_toml.replace('"srv-a" = "srv-a", "srv-b" = "srv-b"',
                                        '"srv-a" = "bmc-srv-a", "srv-b" = "bmc-srv-b"')
    config = tmp_path / "controller.toml"
    config.write_text("[standby]\n" + group + "drill_max_age_days = 0\n")
    controller = ControllerProc(tmp_path / "data", extra=["--config", str(config)])
    agents: list[AgentProc] = []
    try:
        controller.wait_ready()
        secrets = tmp_path / "bmc-secrets.toml"
        secrets.write_text(f'[lab]\npassword = "{PASSWORD}"\n')
        secrets.chmod(0o600)
        poller = ("[agent]\nid = \"bmc-poller\"\n[agent.asset]\nid = \"poller\"\n"
                  "[agent.stream]\nflush_interval_seconds = 0.1\n"
                  f"[collectors.ipmi]\ninterval_seconds = 3\ntimeout_seconds = 3\n"
                  f'state_dir = "{tmp_path / "ipmi-state"}"\n')
        for m, sim in bmcs.items():
            poller += (f'[[collectors.ipmi.bmcs]]\naddress = "{sim.address}"\nuser = "{USER}"\n'
                       f'secrets_file = "{secrets}"\npassword_key = "lab.password"\n'
                       f'asset = "bmc-{m}"\n')
        agents.append(AgentProc(tmp_path, controller.address, poller, "poller"))
        agents.append(AgentProc(tmp_path, controller.address, _agent_toml("srv-a", lab, None),
                                "agent-a"))
        agents.append(AgentProc(tmp_path, controller.address, _agent_toml("srv-b", lab, disks),
                                "agent-b"))
        yield Pair(controller, lab, bmcs, disks, agents)
    finally:
        for a in agents:
            a.stop()
        controller.stop()
        for sim in bmcs.values():
            sim.stop()


def test_standby_readiness_follows_every_fault_and_recovers(pair: Pair) -> None:
    doc = pair.wait_verdict("ready", seconds=40)
    members = {m["asset_id"]: m for m in doc["members"]}  # type: ignore[attr-defined]
    assert members["srv-a"]["role"] == "active" and members["srv-b"]["role"] == "standby"
    assert members["srv-b"]["lag_seconds"] == 0.3 and members["srv-a"]["bmc_state"] == "ok"
    assert members["srv-a"]["bmc_power"] == "on"
    addr = pair.controller.address
    pre = cli("failover", "preflight", "core-banking", "--controller", addr, "--json")
    assert pre.returncode == 0 and json.loads(pre.stdout)["preflight"] == "allowed"

    # lag over its limit: measured from the file change to the changed verdict
    changed_at = time.monotonic()
    pair.set_state("srv-b", lag_seconds=12.5)
    doc = pair.wait_verdict("not_ready", "lag_over_limit")
    follow_seconds = time.monotonic() - changed_at
    print(f"\nlag file change -> verdict change: {follow_seconds:.2f}s "
          f"(probe interval {PROBE_INTERVAL_SECONDS:g}s)")
    reason = next(r for r in doc["reasons"] if r["code"] == "lag_over_limit")  # type: ignore
    assert reason["member"] == "srv-b" and reason["value"] == "12.5s" and reason["limit"] == "5s"
    assert reason["age_seconds"] is not None and reason["age_seconds"] < 5
    pre = cli("failover", "preflight", "core-banking", "--controller", addr)
    assert pre.returncode == 3 and "lag_over_limit" in pre.stdout
    pair.set_state("srv-b", lag_seconds=0.3)
    pair.wait_verdict("ready")

    # lag measured long ago is stale, never assumed zero
    pair.set_state("srv-b", lag_seconds=0.0, lag_age_seconds=60)
    pair.wait_verdict("not_ready", "lag_stale")
    pair.set_state("srv-b", lag_age_seconds=0)
    pair.wait_verdict("ready")

    # configuration drift in one file
    conf = pair.lab.config_file("srv-b")
    original = conf.read_text()
    conf.write_text(original.replace("sync", "async"))
    doc = pair.wait_verdict("not_ready", "config_drift")
    drift = next(r for r in doc["reasons"] if r["code"] == "config_drift")  # type: ignore
    assert drift["value"] == "app.conf" and "srv-a" in drift["member"]
    conf.write_text(original)
    pair.wait_verdict("ready")

    # two actives: a level-1 alert, resolved when readiness returns
    pair.set_state("srv-b", role="active")
    pair.wait_verdict("not_ready", "two_actives")

    def alert() -> dict[str, object] | None:
        alerts = cli_json("alerts", "--controller", addr)["alerts"]
        return next((a for a in alerts if a["rule"] == "standby_not_ready"
                     and a["state"] == "firing"), None)

    fired = wait_for(alert, 15, 0.3, "standby_not_ready alert")
    assert fired["level"] == 1 and fired["asset_id"] == "group:core-banking"
    assert "more than one active" in str(fired["reason"])
    pair.set_state("srv-b", role="standby")
    pair.wait_verdict("ready")
    wait_for(lambda: alert() is None, 15, 0.3, "alert resolved")

    # the standby's disk starts failing: the real capture as a failing drive reports itself
    # (overall health FAILED, smartctl exit bit 3)
    doc_fail = json.loads((DATA / "WDC_WD20EFRX-68EUZN0_17.json").read_text())
    doc_fail["smart_status"]["passed"] = False
    doc_fail["smartctl"]["exit_status"] = 8
    (pair.disks / "_dev_sda.json").write_text(json.dumps(doc_fail))
    doc = pair.wait_verdict("not_ready", "standby_unhealthy")
    assert any("disk" in r["message"] for r in doc["reasons"])  # type: ignore[attr-defined]
    shutil.copy(DATA / "WDC_WD20EFRX-68EUZN0_17.json", pair.disks / "_dev_sda.json")
    pair.wait_verdict("ready")

    # the active's BMC dies: no fencing path, not ready; back when it returns
    pair.bmcs["srv-a"].stop()
    pair.wait_verdict("not_ready", "fencing_unreachable")
    pair.bmcs["srv-a"].start()

    def fencing_back() -> bool:
        doc = pair.show()
        return doc["verdict"] in ("ready", "degraded") and not any(
            r["member"] == "srv-a" and r["code"].startswith("fencing")
            for r in doc["reasons"])  # type: ignore[attr-defined]

    # pyghmi's shared I/O loop can stall the other BMC's poll while one reconnects (issue 15),
    # so the other member's fencing path may flicker to degraded here; srv-a's must come back.
    wait_for(fencing_back, 40, 0.3, "fencing path of srv-a back")
