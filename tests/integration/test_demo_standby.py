"""The demo's hot-standby group: ready within 30 s, and its drill lab files steer it."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pytest

from tests.helpers import Proc, cli, cli_json, free_port, hotspare_cmd, wait_for

pytestmark = pytest.mark.integration


def test_demo_core_banking_ready_within_30s_and_the_lab_steers_it(tmp_path: Path) -> None:
    if shutil.which("ipmi_sim") is None:
        pytest.skip("ipmi_sim not installed")
    port = free_port()
    data = tmp_path / "demo"
    started = time.monotonic()
    demo = Proc(hotspare_cmd("demo", "--no-tui", "--duration", "120", "--data-dir", str(data),
                             "--port", str(port)), tmp_path / "demo.log")
    addr = f"127.0.0.1:{port}"
    try:
        def ready() -> dict[str, object] | None:
            if not demo.alive():
                raise AssertionError(demo.log())
            proc = cli("standby", "show", "core-banking", "--controller", addr, "--json")
            doc = json.loads(proc.stdout) if proc.returncode == 0 else None
            return doc if doc and doc["verdict"] == "ready" else None

        doc = wait_for(ready, 30, 0.5, "core-banking ready")
        print(f"\ndemo: core-banking ready {time.monotonic() - started:.1f}s after start")
        roles = {m["asset_id"]: m["role"] for m in doc["members"]}  # type: ignore[attr-defined]
        assert roles == {"rack1-server1": "active", "rack1-server2": "standby"}
        assert (data / "lab" / "bmc" / "rack1-server1" / "power").read_text().strip() == "1"
        state_file = data / "lab" / "standby" / "rack1-server2.json"
        assert (data / "lab" / "standby" / "rack1-server2" / "etc" / "app.conf").exists()
        state = json.loads(state_file.read_text())
        state["lag_seconds"] = 30
        state_file.write_text(json.dumps(state))

        def lagging() -> bool:
            doc = cli_json("standby", "show", "core-banking", "--controller", addr)
            return "lag_over_limit" in {r["code"] for r in doc["reasons"]}

        wait_for(lagging, 15, 0.5, "lag over limit from the lab file")
        groups = cli_json("standby", "list", "--controller", addr)["groups"]
        assert [g["name"] for g in groups] == ["core-banking"]
        assert groups[0]["verdict"] == "not_ready" and groups[0]["switchover_allowed"] is False
    finally:
        demo.stop(timeout=30)

    def leftovers() -> list[str]:  # the demo's controller, agent and labs end with it
        found = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                if str(data) in cmd:
                    found.append(cmd)
        return found

    wait_for(lambda: not leftovers(), 20, 0.5, "no process of the demo left")


def test_demo_port_taken_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = cli("demo", "--no-tui", "--no-labs", "--data-dir", str(tmp_path / "d"), "--port",
                   str(port), "--duration", "1")
    assert proc.returncode == 1 and f"port {port}" in proc.stderr and "--port" in proc.stderr
    assert "Traceback" not in proc.stderr
