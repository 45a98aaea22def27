"""Switchovers against real processes, proven by the members' own logs (tests/failover_checker.py)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.failover_checker import check_lab, read_roles
from tests.helpers import ControllerProc, cli, cli_json, hotspare_cmd, wait_for
from tests.standby_pair import Pair, running_pair

pytestmark = pytest.mark.integration


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pair]:
    with running_pair(tmp_path, monkeypatch) as p:
        yield p


def switch(pair: Pair, *args: str, timeout: float = 90.0) -> tuple[int, dict[str, object]]:
    proc = cli("failover", "switchover", "core-banking", "--controller",
               pair.controller.address, "--json", *args, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, (json.loads(proc.stdout) if proc.stdout.strip() else {})


def roles(pair: Pair) -> dict[str, str]:
    return {m["asset_id"]: m["role"] for m in pair.show()["members"]}  # type: ignore[attr-defined]


def bmc_power_files(pair: Pair) -> dict[str, Path]:
    return {m: sim.power_file for m, sim in pair.bmcs.items()}


def test_switchover_planned_dry_run_repeat_history_and_drill(pair: Pair) -> None:
    pair.wait_verdict("ready", seconds=40)
    code, plan = switch(pair, "--reason", "maintenance", "--dry-run")
    assert code == 0 and plan["state"] == "planned" and plan["dry_run"] is True
    assert [s["step"] for s in plan["steps"]] == [  # type: ignore[index]
        "preflight", "demote", "wait_demoted", "promote", "verify"]
    assert (plan["from"], plan["to"], plan["epoch"]) == ("srv-a", "srv-b", 1)
    assert roles(pair) == {"srv-a": "active", "srv-b": "standby"}  # a dry run changes nothing

    code, sw = switch(pair, "--reason", "maintenance", "--request-id", "r-planned", "--yes")
    assert code == 0 and sw["state"] == "done", sw
    assert all(s["state"] == "done" for s in sw["steps"])  # type: ignore[index,union-attr]
    assert wait_for(lambda: roles(pair) == {"srv-a": "standby", "srv-b": "active"}, 15, 0.3)
    promote_lines = read_roles(pair.lab.state_dir / "srv-b.roles.log")
    assert [(c.role, c.epoch, c.command_id) for c in promote_lines] == [
        ("active", 1, "r-planned/promote")]

    # the same request id runs once: the first record comes back, nothing happens again
    code, again = switch(pair, "--reason", "maintenance", "--request-id", "r-planned", "--yes")
    assert code == 0 and again["request_id"] == "r-planned" and again["steps"] == sw["steps"]
    assert len(read_roles(pair.lab.state_dir / "srv-b.roles.log")) == 1

    history = cli_json("failover", "history", "core-banking", "--controller",
                       pair.controller.address)["switchovers"]
    assert history[0]["request_id"] == "r-planned" and history[0]["requested_by"]
    assert [s["step"] for s in history[0]["steps"]][-1] == "verify"

    proc = cli("drill", "run", "core-banking", "--controller", pair.controller.address,
               "--yes", "--json", timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    drill = json.loads(proc.stdout)
    assert drill["outcome"] == "succeeded" and len(drill["switchovers"]) == 2
    print(f"\ndrill: switch over and back in {drill['total_seconds']:.2f}s")
    assert roles(pair) == {"srv-a": "standby", "srv-b": "active"}
    drills = cli_json("drill", "history", "--controller", pair.controller.address)["drills"]
    assert drills[0]["drill_id"] == drill["drill_id"]
    assert pair.show()["last_drill_unix_ms"] > 0
    assert check_lab(pair.lab.state_dir, bmc_power_files(pair), "srv-a") == []


def test_switchover_refused_when_lag_is_missing(pair: Pair) -> None:
    pair.wait_verdict("ready", seconds=40)
    state = pair.state("srv-b")
    del state["lag_seconds"]
    pair.lab.state_file("srv-b").write_text(json.dumps(state))
    pair.wait_verdict("not_ready", "lag_missing")
    code, sw = switch(pair, "--reason", "try", "--yes")
    assert code == 3 and sw["state"] == "refused" and "lag" in str(sw["outcome_reason"])
    assert roles(pair)["srv-a"] == "active"
    assert read_roles(pair.lab.state_dir / "srv-b.roles.log") == []


def test_switchover_failover_fences_confirms_then_promotes(pair: Pair) -> None:
    pair.wait_verdict("ready", seconds=40)
    # the primary hangs: its agent, probe and heartbeat stop, but its server is still powered
    pair.agents[1].kill9()
    wait_for(lambda: roles(pair)["srv-a"] == "unknown", 30, 0.3, "primary silent")
    code, sw = switch(pair, "--mode", "failover", "--reason", "primary dead",
                      "--request-id", "r-fail", "--yes")
    assert code == 0 and sw["state"] == "done", sw
    steps = [s["step"] for s in sw["steps"]]  # type: ignore[union-attr]
    assert steps == ["preflight", "fence", "confirm_off", "promote", "verify"]
    assert "reads power off" in sw["steps"][2]["detail"]  # type: ignore[index]
    assert roles(pair)["srv-b"] == "active"
    problems = check_lab(pair.lab.state_dir, bmc_power_files(pair), "srv-a", {"r-fail/promote"})
    assert problems == []


def test_switchover_blocked_when_fencing_fails_then_confirmed_by_hand(pair: Pair) -> None:
    pair.wait_verdict("ready", seconds=40)
    pair.bmcs["srv-a"].stop()  # the BMC is gone: fencing cannot be confirmed
    pair.wait_verdict("not_ready", "fencing_unreachable")
    code, refused = switch(pair, "--mode", "failover", "--reason", "primary dead", "--yes")
    assert code == 3 and refused["state"] == "refused"  # pre-flight: no fencing path
    started = time.monotonic()
    code, sw = switch(pair, "--mode", "failover", "--reason", "primary dead", "--yes",
                      "--force", "BMC down; operator at the rack")
    assert code == 4 and sw["state"] == "blocked", sw
    assert "nothing promoted" in str(sw["outcome_reason"])
    assert read_roles(pair.lab.state_dir / "srv-b.roles.log") == []  # S3: nothing promoted

    def level1() -> dict[str, object] | None:
        alerts = cli_json("alerts", "--controller", pair.controller.address)["alerts"]
        return next((a for a in alerts if a["rule"] == "fencing_unconfirmed"
                     and a["state"] == "firing"), None)

    alert = wait_for(level1, 10, 0.2, "level-1 fencing alert")
    print(f"\nblocked + level-1 alert {time.monotonic() - started:.1f}s after the request "
          "(fence deadline 8 s)")
    assert alert["level"] == 1
    proc = cli("failover", "confirm-fenced", "core-banking", "--reason",
               "pulled both power cords, checked by J. Doe", "--yes", "--json",
               "--controller", pair.controller.address, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    done = json.loads(proc.stdout)
    assert done["state"] == "done" and done["to"] == "srv-b"
    assert any(s["step"] == "confirm_off_manual" and "J. Doe" in s["detail"]
               for s in done["steps"])
    wait_for(lambda: level1() is None, 10, 0.3, "fencing alert resolved")


@pytest.mark.parametrize(("slow", "step"), [("srv-a", "demote"), ("srv-b", "promote")])
def test_switchover_resumes_after_controller_kill9_without_repeating(
        pair: Pair, slow: str, step: str) -> None:
    """The controller dies while a step's side effect is under way; it resumes, never repeats."""
    pair.wait_verdict("ready", seconds=40)
    pair.set_state(slow, **{f"{step}_delay_seconds": 3})  # the member takes 3 s for this step
    proc = subprocess.Popen(hotspare_cmd(
        "failover", "switchover", "core-banking", "--reason", "kill test", "--yes",
        "--request-id", "r-kill", "--controller", pair.controller.address),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def started() -> bool:
        doc = cli_json("failover", "history", "core-banking", "--controller",
                       pair.controller.address)["switchovers"]
        return bool(doc) and any(s["step"] == step and s["state"] == "started"
                                 for s in doc[0]["steps"])

    wait_for(started, 30, 0.1, f"{step} step started")
    pair.controller.kill9()  # the controller dies while the member is working on the step
    proc.wait(timeout=30)
    restarted = ControllerProc(pair.controller.data_dir, port=pair.controller.port,
                               extra=["--config", str(pair.controller.data_dir.parent /
                                                      "controller.toml")])
    pair.controller = restarted
    restarted.wait_ready()

    def finished() -> dict[str, object] | None:
        doc = cli_json("failover", "history", "core-banking", "--controller",
                       restarted.address)["switchovers"]
        return doc[0] if doc and doc[0]["state"] == "done" else None

    sw = wait_for(finished, 40, 0.3, "resumed switchover done")
    assert sw["request_id"] == "r-kill"
    role = "standby" if step == "demote" else "active"
    acted = [c.command_id for c in read_roles(pair.lab.state_dir / f"{slow}.roles.log")
             if c.role == role]
    assert acted == [f"r-kill/{step}"]  # resumed, never repeated
    assert check_lab(pair.lab.state_dir, bmc_power_files(pair), "srv-a") == []


def test_switchover_fails_cleanly_when_the_standby_agent_dies_mid_way(pair: Pair) -> None:
    pair.wait_verdict("ready", seconds=40)
    pair.set_state("srv-b", promote_delay_seconds=2)
    proc = subprocess.Popen(hotspare_cmd(
        "failover", "switchover", "core-banking", "--reason", "agent dies", "--yes", "--json",
        "--controller", pair.controller.address), stdout=subprocess.PIPE, text=True)

    def promoting() -> bool:
        doc = cli_json("failover", "history", "core-banking", "--controller",
                       pair.controller.address)["switchovers"]
        return bool(doc) and any(s["step"] == "promote" and s["state"] == "started"
                                 for s in doc[0]["steps"])

    wait_for(promoting, 30, 0.1, "promote started")
    pair.agents[2].kill9()  # srv-b's own agent dies while promoting
    out, _ = proc.communicate(timeout=90)
    sw = json.loads(out)
    assert proc.returncode == 1 and sw["state"] == "failed", sw
    assert "promote" in str(sw["outcome_reason"]) or "verify" in str(sw["outcome_reason"])
    # whatever the member did on its own, never two actives and epochs only go up
    assert check_lab(pair.lab.state_dir, bmc_power_files(pair), "srv-a") == []


def test_switchover_refused_when_the_audit_cannot_be_written(pair: Pair) -> None:
    """S7: no audit record, no switchover: nothing is demoted, fenced or promoted."""
    pair.wait_verdict("ready", seconds=40)
    db = pair.controller.data_dir / "hotspare.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TRIGGER audit_broken BEFORE INSERT ON audit_log "
                     "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    proc = cli("failover", "switchover", "core-banking", "--reason", "audit test", "--yes",
               "--controller", pair.controller.address, timeout=60)
    assert proc.returncode != 0 and "audit" in proc.stderr, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert roles(pair) == {"srv-a": "active", "srv-b": "standby"}
    assert read_roles(pair.lab.state_dir / "srv-a.roles.log") == []
    assert read_roles(pair.lab.state_dir / "srv-b.roles.log") == []
