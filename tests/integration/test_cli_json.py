"""Every CLI command with --json prints JSON a program can parse; a test names each one."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from controller.demo.ipmi_lab import PASSWORD, USER, IpmiSim
from hotspare.cli import build_parser
from tests.fakes.agent_stream import ScriptedAgent
from tests.helpers import ROOT, ControllerProc, cli, wait_for

pytestmark = pytest.mark.integration

# every command that takes --json -> the test that runs it and parses its output
COVERED: dict[str, str] = {
    "audit": "tests/integration/test_security.py::"
             "test_audit_records_acts_and_verify_names_an_edited_deleted_or_reordered_record",
    "user": "tests/integration/test_security.py::test_users_roles_tokens_and_totp",
    "assets": "tests/integration/test_cli_json.py::test_cli_json_controller_commands",
    "assets forget": "tests/integration/test_cli_json.py::test_cli_json_controller_commands",
    "readings": "tests/integration/test_cli_json.py::test_cli_json_controller_commands",
    "alerts": "tests/integration/test_cli_json.py::test_cli_json_controller_commands",
    "alerts show": "tests/integration/test_cli_json.py::test_cli_json_controller_commands",
    "silence list": "tests/integration/test_cli_json.py::test_cli_json_controller_commands",
    "maintenance list": "tests/integration/test_cli_json.py::test_cli_json_controller_commands",
    "power": "tests/integration/test_ipmi.py::test_ipmi_power_off_confirmed_by_read_back_and_recorded",
    "ipmi probe": "tests/integration/test_cli_json.py::test_cli_json_ipmi_probe",
    "smart probe": "tests/integration/test_smart_agent.py::test_smart_probe_cli_json",
    "snmp probe": "tests/integration/test_snmp.py::test_snmp_probe_cli",
    "controller check": "tests/integration/test_controller_ops.py::"
                        "test_controller_backup_online_and_check",
    "controller backup": "tests/integration/test_controller_ops.py::"
                         "test_controller_backup_online_and_check",
    "history": "tests/tui/test_fleet_live_pilot.py::test_cli_history_json_agrees_with_asset_screen",
    "standby list": "tests/integration/test_demo_standby.py::"
                    "test_demo_core_banking_ready_within_30s_and_the_lab_steers_it",
    "standby show": "tests/integration/test_standby.py::"
                    "test_standby_readiness_follows_every_fault_and_recovers",
    "failover preflight": "tests/integration/test_standby.py::"
                          "test_standby_readiness_follows_every_fault_and_recovers",
    "failover switchover": "tests/integration/test_switchover.py::"
                           "test_switchover_planned_dry_run_repeat_history_and_drill",
    "failover history": "tests/integration/test_switchover.py::"
                        "test_switchover_planned_dry_run_repeat_history_and_drill",
    "failover confirm-fenced": "tests/integration/test_switchover.py::"
                               "test_switchover_blocked_when_fencing_fails_then_confirmed_by_hand",
    "drill run": "tests/integration/test_switchover.py::"
                 "test_switchover_planned_dry_run_repeat_history_and_drill",
    "drill history": "tests/integration/test_switchover.py::"
                     "test_switchover_planned_dry_run_repeat_history_and_drill",
    "spares parts": "tests/integration/test_spares_flow.py::"
                    "test_spares_failing_disk_reserves_report_shows_it_and_replacement_consumes",
    "spares report": "tests/integration/test_spares_flow.py::"
                     "test_spares_failing_disk_reserves_report_shows_it_and_replacement_consumes",
    "spares reservations": "tests/integration/test_spares_flow.py::"
                           "test_spares_failing_disk_reserves_report_shows_it_and_replacement_consumes",
    "spares stock add": "tests/integration/test_spares_flow.py::"
                        "test_spares_bad_input_is_refused_with_file_line_and_numbers",
    "spares stock import": "tests/integration/test_spares_flow.py::"
                           "test_spares_bad_input_is_refused_with_file_line_and_numbers",
    "spares stock list": "tests/integration/test_spares_flow.py::"
                         "test_spares_bad_input_is_refused_with_file_line_and_numbers",
    "spares stock log": "tests/integration/test_spares_flow.py::"
                        "test_spares_bad_input_is_refused_with_file_line_and_numbers",
    "spares stock receive": "tests/integration/test_spares_flow.py::"
                            "test_spares_bad_input_is_refused_with_file_line_and_numbers",
    "spares stock remove": "tests/integration/test_spares_flow.py::"
                           "test_spares_bad_input_is_refused_with_file_line_and_numbers",
}

CONFIG = """
[alerts]
tick_seconds = 0.2
[[alerts.rules]]
name = "hot_inlet"
level = 2
kinds = ["temperature"]
sensor = "inlet"
condition = "above"
threshold = 80
recover = 70
summary = "inlet too hot"
hint = "check the CRAC unit"
"""


def _json_commands() -> list[str]:
    found: list[str] = []

    def walk(parser, prefix: list[str]) -> None:
        for action in parser._actions:
            if "--json" in getattr(action, "option_strings", ()):
                found.append(" ".join(prefix))
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                for name, sub in choices.items():
                    walk(sub, [*prefix, name])

    walk(build_parser(), [])
    return found


def test_cli_json_every_command_is_covered_by_a_named_test():
    commands = _json_commands()
    assert "ipmi probe" in commands and "alerts show" in commands
    assert sorted(commands) == sorted(COVERED), "a command gained or lost --json: cover it here"
    for command, where in COVERED.items():
        path, _, name = where.partition("::")
        assert f"def {name}(" in (ROOT / path).read_text(), (command, where)


@pytest.fixture
def alerting_controller(tmp_path: Path) -> Iterator[ControllerProc]:
    conf = tmp_path / "controller.toml"
    conf.write_text(CONFIG)
    ctl = ControllerProc(tmp_path / "data", extra=["--config", str(conf)])
    try:
        ctl.wait_ready()
        yield ctl
    finally:
        ctl.stop()


def _json(*args: str) -> dict:
    proc = cli(*args, "--json")
    assert proc.returncode == 0, (args, proc.stderr)
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert isinstance(doc, dict)
    return doc


def test_cli_json_controller_commands(alerting_controller):
    addr = alerting_controller.address
    agent = ScriptedAgent(addr, "json-agent", "json-host")
    try:
        now = int(time.time() * 1000)
        for i, value in enumerate([50, 90, 95]):
            agent.send("inlet", value, now + i)
    finally:
        agent.close()
    ctl = ("--controller", addr)
    assets = _json("assets", *ctl)["assets"]
    assert [a["asset_id"] for a in assets] == ["json-host"] and assets[0]["kind"] == "server"
    readings = _json("readings", "json-host", *ctl)
    assert readings["readings"][0]["sensor_id"] == "inlet" and readings["readings"][0]["value"] == 95
    alerts = wait_for(lambda: _json("alerts", *ctl)["alerts"], 15, 0.2, "the inlet alert")
    assert alerts[0]["asset_id"] == "json-host" and alerts[0]["level"] == 2
    shown = _json("alerts", "show", alerts[0]["alert_id"], *ctl)
    assert shown["alert"]["alert_id"] == alerts[0]["alert_id"] and shown["history"]
    added = cli("silence", "add", "--asset", "json-host", "--duration", "1h", "--reason", "test",
                *ctl)
    assert added.returncode == 0, added.stderr
    silences = _json("silence", "list", *ctl)["silences"]
    assert silences[0]["matcher"]["asset"] == "json-host" and silences[0]["reason"] == "test"
    (held,) = _json("alerts", *ctl)["alerts"]
    assert held["silenced_until_unix_ms"] == silences[0]["expires_ms"]
    assert held["hint"] == "check the CRAC unit"
    listed = cli("alerts", *ctl)
    assert "silenced until" in listed.stdout and "hint: check the CRAC unit" in listed.stdout
    added = cli("maintenance", "add", "--name", "nightly", "--start", "01:00", "--end", "05:00",
                *ctl)
    assert added.returncode == 0, added.stderr
    windows = _json("maintenance", "list", *ctl)["windows"]
    assert [(w["name"], w["start"], w["end"]) for w in windows] == [("nightly", "01:00", "05:00")]
    assert _json("power", "history", *ctl) == {"actions": []}
    forgot = _json("assets", "forget", "json-host", *ctl)
    assert forgot["asset_id"] == "json-host" and forgot["removed"]["assets"] == 1
    assert forgot["removed"]["alerts"] >= 1 and forgot["removed"]["readings"] == 3
    assert _json("assets", *ctl)["assets"] == [] and _json("alerts", *ctl)["alerts"] == []
    again = cli("assets", "forget", "json-host", *ctl)
    assert again.returncode == 1 and "no asset" in again.stderr and "Traceback" not in again.stderr


@pytest.fixture
def bmc(tmp_path: Path) -> Iterator[IpmiSim]:
    sim = IpmiSim(tmp_path, "bmc1", "SN0001")
    yield sim
    sim.cleanup()


def test_cli_json_ipmi_probe(bmc, tmp_path):
    """Was: `AssetKind is not JSON serializable` and a traceback."""
    password = tmp_path / "bmc.pw"
    password.write_text(PASSWORD + "\n")
    password.chmod(0o600)
    doc = _json("ipmi", "probe", bmc.address, "--user", USER, "--password-file", str(password))
    assert doc["reachable"] is True and doc["bmc"] == bmc.address
    assert doc["identity"]["kind"] == "server" and doc["identity"]["serial"] == "SN0001"
    assert any(r["sensor"] == "CPU Temp" for r in doc["readings"])
    assert PASSWORD not in json.dumps(doc)
