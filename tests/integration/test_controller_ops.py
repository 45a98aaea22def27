"""`hotspare controller check|backup`, and a controller that refuses a damaged database at start."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from tests.fakes.agent_stream import ScriptedAgent
from tests.helpers import ControllerProc, cli, free_port, wait_for

pytestmark = pytest.mark.integration


def test_controller_backup_online_and_check(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ctl = ControllerProc(data)
    ctl.wait_ready()
    agent = ScriptedAgent(ctl.address, "ops-agent", "ops-host")
    try:
        for i in range(20):
            agent.send("temp", 40 + i, int(time.time() * 1000) + i)
        wait_for(lambda: sqlite3.connect(data / "hotspare.sqlite").execute(
            "SELECT count(*) FROM readings").fetchone()[0] >= 20, 15, 0.2, "readings stored")
        backup = tmp_path / "backup.sqlite"
        proc = cli("controller", "backup", str(backup), "--data-dir", str(data), "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["backup"] == str(backup)
        assert backup.stat().st_mode & 0o077 == 0  # the copy is private like the original
        with sqlite3.connect(backup) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM readings").fetchone()[0] >= 20
        again = cli("controller", "backup", str(backup), "--data-dir", str(data))
        assert again.returncode == 1 and "already exists" in again.stderr
        check = cli("controller", "check", "--data-dir", str(data), "--json")
        assert check.returncode == 0 and json.loads(check.stdout)["ok"] is True
    finally:
        agent.close()
        ctl.stop()


def test_controller_refuses_a_database_damaged_mid_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ctl = ControllerProc(data)
    ctl.wait_ready()
    agent = ScriptedAgent(ctl.address, "ops-agent", "ops-host")
    for i in range(200):
        agent.send(f"s{i}", float(i), int(time.time() * 1000))
    agent.close()
    assert ctl.stop() == 0
    db = data / "hotspare.sqlite"
    with sqlite3.connect(db) as conn:  # everything into the main file, then damage its middle
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(db.read_bytes())
    assert len(raw) > 8 * 4096
    start, end = len(raw) // 3 // 4096 * 4096, 2 * len(raw) // 3 // 4096 * 4096
    for page in range(start, end, 4096):  # b-tree pages past the header page, left intact
        raw[page + 8: page + 4000] = b"\xff" * 3992
    db.write_bytes(bytes(raw))
    check = cli("controller", "check", "--data-dir", str(data))
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert len(check.stderr.strip().splitlines()) == 1, check.stderr
    proc = cli("controller", "run", "--listen", f"127.0.0.1:{free_port()}", "--data-dir",
               str(data), timeout=20)
    assert proc.returncode == 1 and "controller cannot start" in proc.stderr
    assert "Traceback" not in proc.stderr and "backup" in proc.stderr
