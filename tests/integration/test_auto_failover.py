"""Automatic failover by policy against real processes: damped, fenced, promoted; the old active
rejoins demoted with the new epoch; the members' own logs prove it (tests/failover_checker.py)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.failover_checker import check_lab, read_roles
from tests.helpers import cli_json, wait_for
from tests.standby_pair import Pair, running_pair

pytestmark = pytest.mark.integration
AUTO = "[standby.groups.auto_failover]\nenabled = true\nconsecutive_checks = 2\n"


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pair]:
    with running_pair(tmp_path, monkeypatch, group_toml=AUTO) as p:
        yield p


def test_auto_failover_fences_the_paused_primary_and_demotes_it_when_it_returns(pair: Pair
                                                                                ) -> None:
    pair.wait_verdict("ready", seconds=40)
    primary_agent = pair.agents[1]  # srv-a's own agent: its probe and heartbeat
    os.kill(primary_agent.pid, signal.SIGSTOP)  # the primary hangs
    paused_at = time.monotonic()
    try:
        def automatic() -> dict[str, object] | None:
            items = cli_json("failover", "history", "core-banking", "--controller",
                             pair.controller.address)["switchovers"]
            return next((s for s in items if s["automatic"] and s["state"] == "done"), None)

        sw = wait_for(automatic, 45, 0.2, "automatic failover done")
        print(f"\nautomatic failover done {time.monotonic() - paused_at:.1f}s after the pause")
        assert sw["requested_by"] == "policy" and sw["mode"] == "failover"
        assert [s["step"] for s in sw["steps"]] == [  # type: ignore[union-attr]
            "preflight", "fence", "confirm_off", "promote", "verify"]
        assert pair.bmcs["srv-a"].power() == "off"
    finally:
        os.kill(primary_agent.pid, signal.SIGCONT)
    # a technician powers the old primary back on; it still believes it is active
    pair.bmcs["srv-a"].power_file.write_text("1\n")

    def rejoined() -> bool:
        changes = read_roles(pair.lab.state_dir / "srv-a.roles.log")
        return any(c.role == "standby" and c.epoch == 1 for c in changes)

    wait_for(rejoined, 40, 0.3, "old primary demoted with the new epoch")
    members = {m["asset_id"]: m["role"] for m in pair.show()["members"]}  # type: ignore
    assert members == {"srv-a": "standby", "srv-b": "active"} or members["srv-b"] == "active"
    promotions = {c.command_id for c in read_roles(pair.lab.state_dir / "srv-b.roles.log")
                  if c.role == "active"}
    assert check_lab(pair.lab.state_dir, {m: s.power_file for m, s in pair.bmcs.items()},
                     "srv-a", promotions) == []
    # no automatic fail-back: srv-b stays active although srv-a is healthy again
    time.sleep(3)
    items = cli_json("failover", "history", "core-banking", "--controller",
                     pair.controller.address)["switchovers"]
    assert sum(1 for s in items if s["automatic"]) == 1
