"""End to end: a real agent streams this machine's readings to a real controller."""

from __future__ import annotations

import socket

import psutil
import pytest

from tests.helpers import cli_json, wait_for

pytestmark = pytest.mark.integration

AGENT_TOML = """
[agent]
id = "e2e-agent"
[agent.asset]
id = "{asset}"
site = "dc1"
rack = "r12"
[agent.stream]
flush_interval_seconds = 0.2
[collectors.local]
interval_seconds = 1
timeout_seconds = 1
"""


def test_end_to_end_local_readings_match_psutil(running_controller, start_agent):
    asset = f"host-{socket.gethostname()}"
    start_agent(running_controller.address, AGENT_TOML.format(asset=asset))

    def has_readings():
        doc = cli_json("readings", asset, "--controller", running_controller.address)
        kinds = {r["kind"] for r in doc["readings"]}
        return doc if {"cpu", "memory", "filesystem"} <= kinds else None

    doc = wait_for(lambda: _safe(has_readings), 15, 0.5, "cpu/memory/filesystem readings")
    by_id = {r["sensor_id"]: r for r in doc["readings"]}
    assert abs(by_id["memory"]["value"] - psutil.virtual_memory().percent) < 10
    assert 0 <= by_id["cpu"]["value"] <= 100
    root = by_id.get("fs:/")
    assert root is not None, sorted(by_id)
    assert abs(root["value"] - psutil.disk_usage("/").percent) < 2
    assets = cli_json("assets", "--controller", running_controller.address)["assets"]
    mine = [a for a in assets if a["asset_id"] == asset]
    assert mine and mine[0]["location"]["rack"] == "r12" and mine[0]["agent_up"] is True


def _safe(fn):
    try:
        return fn()
    except AssertionError:
        return None


def test_end_to_end_agent_down_makes_readings_unknown(tmp_path, start_agent):
    from tests.helpers import ControllerProc, cli

    ctl = ControllerProc(tmp_path / "data")
    ctl.wait_ready()
    try:
        agent = start_agent(ctl.address, AGENT_TOML.format(asset="live-host").replace(
            'id = "e2e-agent"', 'id = "live-agent"'))
        wait_for(lambda: _safe(lambda: _agent_up(ctl.address, "live-host") is True), 15, 0.3,
                 "agent up")
        assert agent.stop() == 0
        wait_for(lambda: _safe(lambda: _agent_up(ctl.address, "live-host") is False), 15, 0.3,
                 "agent reported down after 3 intervals")
        doc = cli_json("readings", "live-host", "--controller", ctl.address)
        assert doc["readings"] and all(r["status"] == "unknown" for r in doc["readings"])
        assert all("down" in r["reason"] for r in doc["readings"])
        assert doc["asset"]["status"] == "unknown"
        assert cli("assets", "--controller", ctl.address).returncode == 0
    finally:
        assert ctl.stop() == 0  # SIGTERM: graceful shutdown, exit status 0
    assert "controller stopped" in ctl.log()


def _agent_up(address, asset):
    assets = cli_json("assets", "--controller", address)["assets"]
    return next((a["agent_up"] for a in assets if a["asset_id"] == asset), None)
