"""Agent commands end to end: a repeated command id never runs twice, even after both restart."""

from __future__ import annotations

import time

import grpc
import pytest

from controller.demo.ipmi_lab import PASSWORD, USER, IpmiSim
from hotspare.v1 import agent_pb2, control_pb2, control_pb2_grpc
from tests.helpers import ControllerProc, cli_json, wait_for

pytestmark = pytest.mark.integration


def _config(tmp_path, sim: IpmiSim) -> str:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[bmc1]\npassword = "{PASSWORD}"\n')
    secrets.chmod(0o600)
    return (f'[agent]\nid = "cmd-agent"\nstate_dir = "{tmp_path / "agent-state"}"\n'
            f'[agent.asset]\nid = "poller"\n[agent.stream]\nflush_interval_seconds = 0.2\n'
            f'[collectors.local]\nenabled = false\n[collectors.ipmi]\ninterval_seconds = 2\n'
            f'timeout_seconds = 2\ncall_timeout_seconds = 1\n'
            f'state_dir = "{tmp_path / "agent-state"}"\n[[collectors.ipmi.bmcs]]\n'
            f'address = "{sim.address}"\nuser = "{USER}"\nsecrets_file = "{secrets}"\n'
            f'password_key = "bmc1.password"\nasset = "srv-a"\n')


def _power_off(address: str, command_id: str) -> control_pb2.PowerResult:
    with grpc.insecure_channel(address) as channel:
        return control_pb2_grpc.ControlServiceStub(channel).Power(control_pb2.PowerRequest(
            asset_id="srv-a", action=agent_pb2.POWER_ACTION_OFF, command_id=command_id,
            requested_by="test", timeout_seconds=10), timeout=30)


def _seen(address: str, since_ms: int = 0) -> bool:
    """The agent is connected and has reported the BMC since `since_ms`."""
    try:
        doc = cli_json("readings", "srv-a", "--controller", address)
    except AssertionError:
        return False
    return any(r["sensor_id"] == "ipmi:reachability" and r["time_unix_ms"] > since_ms
               for r in doc["readings"])


def test_agent_command_id_runs_once_across_agent_and_controller_restarts(tmp_path,
                                                                        running_controller,
                                                                        start_agent):
    sim = IpmiSim(tmp_path, "bmc1", "SN0001")
    try:
        config = _config(tmp_path, sim)
        agent = start_agent(running_controller.address, config, name="first")
        wait_for(lambda: _seen(running_controller.address), 30, 0.3, "BMC seen")
        first = _power_off(running_controller.address, "fence-once-1").result
        assert first.outcome == agent_pb2.COMMAND_OUTCOME_CONFIRMED, first
        assert sim.power() == "off"
        sim.ipmitool("power", "on")  # someone switches it back on by hand
        assert sim.power() == "on"
        # both restart: the controller forgets the id (its dedupe is in memory today); the
        # agent's journal in its state dir does not
        agent.stop()
        running_controller.stop()
        restarted_ms = int(time.time() * 1000)
        controller = ControllerProc(running_controller.data_dir)
        try:
            controller.wait_ready()
            start_agent(controller.address, config, name="second")
            wait_for(lambda: _seen(controller.address, restarted_ms), 30, 0.3, "BMC seen again")
            again = _power_off(controller.address, "fence-once-1").result
            assert again.outcome == first.outcome and again.message == first.message
            assert again.finished_unix_ms == first.finished_unix_ms  # the first result
            assert sim.power() == "on"  # never ran twice
            fresh = _power_off(controller.address, "fence-once-2").result
            assert fresh.outcome == agent_pb2.COMMAND_OUTCOME_CONFIRMED and sim.power() == "off"
        finally:
            controller.stop()
    finally:
        sim.cleanup()
