"""Switchover benchmark: from a dead primary to the standby active, fencing confirmed by BMC read-back.

Real processes on loopback: a controller with automatic failover on (2 consecutive bad checks),
two ipmi_sim BMCs polled by a poller agent, each member's own agent probing the simulated
application every 0.5 s. Each run kills the primary's agent (its probe and heartbeat stop) and
times, from the controller's own journal: detection (death -> switchover requested), fence (power
off), confirm (power read back off), promote, verify (the new active reports active). Between runs
the old primary is powered on as a standby and the controller restarts (so "no automatic
fail-back" does not stop the next run, and every run also passes S10's fresh-evidence gate).
Peers for comparison (PRODUCT.md): keepalived/VRRP 3-4 s without fencing; Pacemaker 3 s token
timeout + fence_ipmilan; Patroni 30-45 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from controller.demo import standby_lab
from controller.demo.ipmi_lab import PASSWORD, USER, IpmiSim
from tests.helpers import AgentProc, ControllerProc, cli_json, wait_for

MEMBERS = ("srv-a", "srv-b")
PROBE_SECONDS = 0.5


def agent_toml(asset: str, lab: standby_lab.Lab) -> str:
    block = next(b for b in lab.agent_toml.split("[[collectors.standby.members]]")[1:]
                 if f'asset = "{asset}"' in b)
    return (f'[agent]\nid = "agent-{asset}"\nstate_dir = "state-{asset}"\n'
            f'[agent.asset]\nid = "{asset}"\n[agent.stream]\nflush_interval_seconds = 0\n'
            f"[collectors.local]\nenabled = false\n[collectors.standby]\n"
            f"interval_seconds = {PROBE_SECONDS:g}\ntimeout_seconds = 0.45\n"
            "[[collectors.standby.members]]" + block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workdir", type=Path, help="keep logs here (default: a temp dir)")
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run(args.workdir, args.runs)
        return
    with tempfile.TemporaryDirectory() as tmp_text:
        run(Path(tmp_text), args.runs)


def run(tmp: Path, runs: int) -> None:
    if shutil.which("ipmi_sim") is None:
        raise SystemExit("ipmi_sim is not installed (apt-get install openipmi)")
    bmcs = {m: IpmiSim(tmp / "bmc", f"bmc-{m}", f"SN-{m}") for m in MEMBERS}
    lab = standby_lab.start_lab(tmp / "lab", MEMBERS, None, PROBE_SECONDS)
    for m in MEMBERS:
        lab.agent_toml = lab.agent_toml.replace(str(lab.state_dir / m / "power"),
                                                str(bmcs[m].power_file))
    group = lab.controller_toml.replace('"srv-a" = "srv-a", "srv-b" = "srv-b"',
                                        '"srv-a" = "bmc-srv-a", "srv-b" = "bmc-srv-b"')
    config = tmp / "controller.toml"
    config.write_text("[standby]\n" + group + "drill_max_age_days = 0\n"
                      "[standby.groups.auto_failover]\nenabled = true\nconsecutive_checks = 2\n"
                      "window_seconds = 1\n")
    secrets = tmp / "bmc-secrets.toml"
    secrets.write_text(f'[lab]\npassword = "{PASSWORD}"\n')
    secrets.chmod(0o600)
    poller = ('[agent]\nid = "bmc-poller"\nstate_dir = "state-poller"\n[agent.asset]\n'
              'id = "poller"\n[agent.stream]\nflush_interval_seconds = 0\n'
              "[collectors.local]\nenabled = false\n"
              f'[collectors.ipmi]\ninterval_seconds = 1\ntimeout_seconds = 1\n'
              f'state_dir = "{tmp / "ipmi-state"}"\n')
    for m, sim in bmcs.items():
        poller += (f'[[collectors.ipmi.bmcs]]\naddress = "{sim.address}"\nuser = "{USER}"\n'
                   f'secrets_file = "{secrets}"\npassword_key = "lab.password"\n'
                   f'asset = "bmc-{m}"\n')
    controller = ControllerProc(tmp / "data", extra=["--config", str(config)])
    controller.wait_ready()
    agents = {"poller": AgentProc(tmp, controller.address, poller, "poller")}
    for m in MEMBERS:
        agents[m] = AgentProc(tmp, controller.address, agent_toml(m, lab), f"agent-{m}")
    rows = []
    try:
        for i in range(runs):
            rows.append(one_run(tmp, controller, agents, lab, bmcs, config, i))
            controller = rows[-1].pop("controller")  # type: ignore[assignment]
            r = rows[-1]
            print(f"run {i + 1:2d}: total {r['total']:.2f}s = detection {r['detection']:.2f} "
                  f"+ fence {r['fence']:.2f} + confirm {r['confirm_off']:.2f} + promote "
                  f"{r['promote']:.2f} + verify {r['verify']:.2f}", flush=True)
    finally:
        for a in agents.values():
            a.stop()
        controller.stop()
        for sim in bmcs.values():
            sim.stop()
    print(json.dumps({"runs": len(rows)}))
    for key in ("total", "detection", "fence", "confirm_off", "promote", "verify"):
        values = [float(r[key]) for r in rows]
        print(f"{key:<12} median {statistics.median(values):.2f}s  max {max(values):.2f}s")
    median = statistics.median(float(r["total"]) for r in rows)
    print(f"goal: median <= 3 s from the primary's death to the standby active with fencing "
          f"confirmed: {'met' if median <= 3 else 'missed'} ({median:.2f}s; ratio {median / 3:.2f})")


def one_run(tmp: Path, controller: ControllerProc, agents: dict[str, AgentProc],
            lab: standby_lab.Lab, bmcs: dict[str, IpmiSim], config: Path, i: int
            ) -> dict[str, object]:
    def show() -> dict[str, object]:
        return dict(cli_json("standby", "show", "core-banking", "--controller",
                             controller.address))

    doc = wait_for(lambda: (lambda d: d if d["verdict"] in ("ready", "degraded") else None)(
        show()), 60, 0.2, "group ready")
    active = next(m["asset_id"] for m in doc["members"] if m["role"] == "active")  # type: ignore
    before = len(cli_json("failover", "history", "core-banking", "--controller",
                          controller.address)["switchovers"])
    died_ms = int(time.time() * 1000)
    agents[active].kill9()  # the primary dies: its probe and heartbeat stop

    def finished() -> dict[str, object] | None:
        items = cli_json("failover", "history", "core-banking", "--controller",
                         controller.address)["switchovers"]
        return items[0] if len(items) > before and items[0]["state"] in (
            "done", "failed", "blocked") else None

    sw = wait_for(finished, 60, 0.1, "automatic failover")
    if sw["state"] != "done":
        raise SystemExit(f"run {i}: switchover {sw['state']}: {sw['outcome_reason']}")
    steps = {s["step"]: s for s in sw["steps"]}  # type: ignore[union-attr]
    out: dict[str, object] = {
        "total": (steps["verify"]["finished_unix_ms"] - died_ms) / 1000,
        "detection": (int(sw["requested_unix_ms"]) - died_ms) / 1000}  # type: ignore[call-overload]
    for name in ("fence", "confirm_off", "promote", "verify"):
        s = steps[name]
        out[name] = (s["finished_unix_ms"] - s["started_unix_ms"]) / 1000
    # restore: the old primary comes back powered on as a standby; a fresh controller
    state_file = lab.state_file(active)
    state = json.loads(state_file.read_text())
    state.update(role="standby", lag_seconds=0.2)
    state_file.write_text(json.dumps(state))
    bmcs[active].power_file.write_text("1\n")
    agents[active] = AgentProc(tmp, controller.address, agent_toml(active, lab), f"agent-{active}")
    controller.stop()
    controller = ControllerProc(controller.data_dir, port=controller.port,
                                extra=["--config", str(config)])
    controller.wait_ready()
    out["controller"] = controller
    return out


if __name__ == "__main__":
    main()
