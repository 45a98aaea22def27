"""A CI-sized soak: controller and agent hosts killed -9 while agents stream; nothing lost or doubled."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import ROOT, env

pytestmark = pytest.mark.integration


def test_soak_short_kills_lose_nothing_but_counted_gaps(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--agents", "6", "--hosts", "2",
         "--duration", "20", "--controller-kill-period", "7", "--controller-down", "2",
         "--agent-kill-period", "5", "--small-spool-agents", "1", "--small-spool-batches", "1",
         "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=180, env=env(), cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    verdict = json.loads(proc.stdout[proc.stdout.index("{"): proc.stdout.rindex("}") + 1])
    assert verdict["lost_unexplained"] == 0 and verdict["never_generated"] == 0
    assert verdict["agents_with_several_epochs"] == 0
    assert verdict["generated"] >= 6 * 15  # every agent kept generating through the kills
    assert verdict["lost_in_gaps"] > 0 and verdict["gaps_recorded"] >= verdict["lost_in_gaps"]
    assert "controller killed 2x" in proc.stdout and "agent hosts killed" in proc.stdout
