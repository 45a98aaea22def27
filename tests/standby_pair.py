"""A running hot-standby pair for tests: controller, member agents with real probes, ipmi_sim BMCs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from controller.demo import standby_lab
from controller.demo.ipmi_lab import PASSWORD, USER, IpmiSim
from tests.helpers import ROOT, AgentProc, ControllerProc, cli, cli_json, wait_for

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
    text = (f'[agent]\nid = "agent-{asset}"\nstate_dir = "state-{asset}"\n'
            f'[agent.asset]\nid = "{asset}"\nsite = "dc1"\n'
            "[agent.stream]\nflush_interval_seconds = 0.1\n"
            # the test machine's own CPU load is not the member's health here
            "[collectors.local]\nenabled = false\n"
            f"[collectors.standby]\ninterval_seconds = {PROBE_INTERVAL_SECONDS:g}\n"
            "timeout_seconds = 0.9\n[[collectors.standby.members]]" + block)
    if disks is not None:
        text += (f'[collectors.smart]\nsmartctl = "{FAKE_SMARTCTL}"\ninterval_seconds = 1\n'
                 "timeout_seconds = 1\nper_disk_timeout_seconds = 1\n")
    return text


@contextmanager
def running_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra_controller_toml: str = "",
                 group_toml: str = "") -> Iterator[Pair]:
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
    config.write_text(extra_controller_toml + "[standby]\n" + group + "drill_max_age_days = 0\n"
                      + group_toml)
    controller = ControllerProc(tmp_path / "data", extra=["--config", str(config)])
    agents: list[AgentProc] = []
    pair: Pair | None = None
    try:
        controller.wait_ready()
        # the standby's disk has a spare on the shelf, so readiness has no spare_missing reason
        stocked = cli("spares", "stock", "add", "WDC WD20EFRX-68EUZN0", "--site", "dc1",
                      "--quantity", "1", "--new-site", "--why", "test shelf", "--controller",
                      controller.address)
        assert stocked.returncode == 0, stocked.stderr
        secrets = tmp_path / "bmc-secrets.toml"
        secrets.write_text(f'[lab]\npassword = "{PASSWORD}"\n')
        secrets.chmod(0o600)
        poller = ("[agent]\nid = \"bmc-poller\"\nstate_dir = \"state-poller\"\n"
                  "[agent.asset]\nid = \"poller\"\n"
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
        pair = Pair(controller, lab, bmcs, disks, agents)
        yield pair
    finally:
        for a in agents:
            a.stop()
        controller.stop()
        if pair is not None and pair.controller is not controller:  # a test restarted it
            pair.controller.stop()
        for sim in bmcs.values():
            sim.stop()
