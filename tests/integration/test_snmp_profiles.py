"""Each shipped profile against snmpsim serving the project's own device recordings."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
from pathlib import Path

import pytest

from agent.collectors import CollectorContext
from agent.collectors.snmp.collector import SnmpCollector, SnmpConfig, Target
from agent.collectors.snmp.session import Credentials
from hotspare import model
from tests.helpers import ROOT, free_port

pytestmark = pytest.mark.integration
S = model.Status


def _snmpsim() -> str | None:
    for candidate in (os.environ.get("HOTSPARE_SNMPSIM", ""),
                      str(ROOT / ".venv-snmpsim" / "bin" / "snmpsim-command-responder")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def snmpsim(tmp_path_factory):
    exe = _snmpsim()
    if exe is None:
        pytest.skip("snmpsim not installed (make test installs it into .venv-snmpsim)")
    port = free_port(socket.SOCK_DGRAM)
    log = tmp_path_factory.mktemp("snmpsim") / "snmpsim.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [exe, f"--data-dir={ROOT / 'controller' / 'demo' / 'data' / 'snmprec'}",
             f"--agent-udpv4-endpoint=127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT,
            env=dict(os.environ, SNMPSIM_ALLOW_ROOT="true"), stdin=subprocess.DEVNULL)
    try:
        for _ in range(150):  # bounded: about 15 s for snmpsim to index the recordings
            done = subprocess.run(["snmpget", "-v2c", "-c", "apc-ups", "-t", "0.3", "-r", "0",
                                   f"127.0.0.1:{port}", "1.3.6.1.2.1.1.3.0"],
                                  capture_output=True, timeout=10)
            if done.returncode == 0 or proc.poll() is not None:
                break
        if proc.poll() is not None:
            raise AssertionError(log.read_text())
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _poll(address: str, community: str, pinned: tuple[str, ...] = ()):
    host, port = address.split(":")
    target = Target(host, int(port), Credentials("2c", community=community),
                    model.Asset(community, model.AssetKind.NETWORK), 2.0, 1, pinned)
    coll = SnmpCollector(SnmpConfig(targets=(target,), interval_seconds=10, timeout_seconds=10),
                         CollectorContext("t", "h", lambda b: None))
    result = asyncio.run(coll.poll(coll.devices[0]))
    return result, {r.sensor_id: r for r in result.batch.readings}


def test_profile_cisco_envmon_entity_vrrp_if(snmpsim):
    result, got = _poll(snmpsim, "cisco-switch")
    assert {"cisco-envmon", "entity-mib", "vrrp-mib", "if-mib", "system"} <= set(result.profiles)
    assert (got["cisco:temp:Inlet"].value, got["cisco:temp:Inlet"].status) == (28, S.OK)
    assert got["cisco:temp:Outlet"].status is S.WARNING
    assert got["cisco:temp:CPU"].status is S.CRITICAL
    assert got["cisco:temp:CPU"].labels["upper_critical"] == "80"
    assert got["cisco:fan:Fan 2"].status is S.CRITICAL
    assert "not functioning" in got["cisco:fan:Fan 2"].reason
    assert got["cisco:psu:PS2"].status is S.CRITICAL and got["cisco:psu:PS1"].status is S.OK
    assert got["vrrp:10.1"].kind is model.ReadingKind.STANDBY_ROLE
    assert got["vrrp:10.1"].reason == "master" and got["vrrp:11.2"].reason == "backup"
    # oper down on the first poll: reported, alarmed only once seen going from up to down
    assert got["if:Gi1/0/2:status"].status is S.OK and "oper down" in got[
        "if:Gi1/0/2:status"].reason
    assert "if:Gi1/0/3:status" not in got  # administratively down
    comps = {c.component_id: c for c in result.batch.components}
    assert comps["ent:1"].type == "chassis" and comps["ent:1"].serial == "FOC1234X0AB"
    assert comps["ent:2"].type == "psu" and comps["ent:2"].fru
    assert result.batch.assets[0].vendor == "Cisco"


def test_profile_apc_powernet(snmpsim):
    result, got = _poll(snmpsim, "apc-ups")
    assert "apc-powernet" in result.profiles
    assert got["apc:battery_status"].status is S.OK
    assert got["apc:battery_replace"].status is S.WARNING
    assert got["apc:capacity"].value == 87 and got["apc:capacity"].unit == "%"
    assert got["apc:runtime"].value == 1620.0 and got["apc:runtime"].unit == "s"
    assert got["apc:output_status"].status is S.WARNING and "battery" in got[
        "apc:output_status"].reason
    assert got["apc:load"].value == 41
    (ups,) = result.batch.components
    assert ups.model == "Smart-UPS 3000" and ups.serial == "AS1234567890"
    assert result.batch.assets[0].kind is model.AssetKind.UPS


def test_profile_rfc1628_ups(snmpsim):
    result, got = _poll(snmpsim, "rfc1628-ups")
    assert "ups-mib" in result.profiles
    assert got["ups:battery_status"].status is S.CRITICAL and "low" in got[
        "ups:battery_status"].reason
    assert got["ups:minutes_remaining"].status is S.CRITICAL
    assert got["ups:seconds_on_battery"].unit == "s"
    assert got["ups:charge"].status is S.CRITICAL and got["ups:charge"].value == 18
    assert got["ups:on_battery"].status is S.WARNING and "on battery" in got[
        "ups:on_battery"].reason
    assert got["ups:output:1:load"].value == 55
    assert got["ups:input:1:voltage"].status is S.CRITICAL  # no input voltage: mains lost


def test_profile_synology_and_lm_sensors(snmpsim):
    result, got = _poll(snmpsim, "synology-nas")
    assert {"synology", "lm-sensors"} <= set(result.profiles)
    assert got["syno:system_fan"].status is S.CRITICAL
    assert got["syno:disk:Disk 2:status"].status is S.CRITICAL
    assert got["syno:disk:Disk 1:temperature"].value == 36
    assert got["syno:raid:Volume 1"].status is S.CRITICAL and "degraded" in got[
        "syno:raid:Volume 1"].reason
    assert got["lm:temp:CPU Core 0"].value == 52.0
    assert got["lm:fan:fan1"].status is S.CRITICAL  # 0 RPM
    assert got["lm:volt:in0"].value == 1.2
    models = {c.model for c in result.batch.components}
    assert {"DS1821+", "WD80EFZZ", "ST8000VN004"} <= models
    assert result.batch.assets[0].kind is model.AssetKind.STORAGE


def test_profile_pinning(snmpsim):
    result, got = _poll(snmpsim, "cisco-switch", ("system",))
    assert result.profiles == ["system"]
    assert "cisco:temp:Inlet" not in got and "snmp:uptime" in got


@pytest.fixture(scope="module")
def shipped_snmpsim(tmp_path_factory):
    """snmpsim serving the recordings it ships itself (a real Linux host's full walk)."""
    exe = _snmpsim()
    if exe is None:
        pytest.skip("snmpsim not installed (make test installs it into .venv-snmpsim)")
    found = sorted(Path(exe).resolve().parents[1].glob("lib/python3*/site-packages/snmpsim/data"))
    if not found:
        pytest.skip("snmpsim's own recordings are not where its package keeps them")
    port = free_port(socket.SOCK_DGRAM)
    log = tmp_path_factory.mktemp("snmpsim-shipped") / "snmpsim.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([exe, f"--data-dir={found[0]}",
                                 f"--agent-udpv4-endpoint=127.0.0.1:{port}"], stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=dict(os.environ, SNMPSIM_ALLOW_ROOT="true"))
    try:
        for _ in range(150):  # bounded
            done = subprocess.run(["snmpget", "-v2c", "-c", "recorded/linux-full-walk", "-t",
                                   "0.3", "-r", "0", f"127.0.0.1:{port}", "1.3.6.1.2.1.1.3.0"],
                                  capture_output=True, timeout=10)
            if done.returncode == 0 or proc.poll() is not None:
                break
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_profile_snmpsim_shipped_linux_walk(shipped_snmpsim):
    result, got = _poll(shipped_snmpsim, "recorded/linux-full-walk")
    assert {"system", "if-mib", "host-resources"} <= set(result.profiles)
    assert got["snmp:reachability"].status is S.OK
    assert any(k.startswith("if:") and k.endswith(":status") for k in got)
    assert any(k.startswith("hr:storage:") for k in got)
    assert all(r.status is not S.UNKNOWN or r.reason for r in got.values())


@pytest.fixture(scope="module")
def walks_snmpsim(tmp_path_factory):
    """snmpsim serving the real devices' walks in tests/data/snmp (see SOURCES.md there)."""
    exe = _snmpsim()
    if exe is None:
        pytest.skip("snmpsim not installed (make test installs it into .venv-snmpsim)")
    port = free_port(socket.SOCK_DGRAM)
    log = tmp_path_factory.mktemp("snmpsim-walks") / "snmpsim.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([exe, f"--data-dir={ROOT / 'tests' / 'data' / 'snmp'}",
                                 f"--agent-udpv4-endpoint=127.0.0.1:{port}"], stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=dict(os.environ, SNMPSIM_ALLOW_ROOT="true"))
    try:
        for _ in range(150):  # bounded
            done = subprocess.run(["snmpget", "-v2c", "-c", "eaton-9px-partial", "-t", "0.3",
                                   "-r", "0", f"127.0.0.1:{port}", "1.3.6.1.2.1.1.2.0"],
                                  capture_output=True, timeout=10)
            if done.returncode == 0 or proc.poll() is not None:
                break
        if proc.poll() is not None:
            raise AssertionError(log.read_text())
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_profile_ups_card_without_sysuptime_is_polled(walks_snmpsim):
    """The Eaton 9PX card serves sysObjectID but neither sysDescr nor sysUpTime."""
    result, got = _poll(walks_snmpsim, "eaton-9px-partial")
    assert got["snmp:reachability"].status is S.OK
    assert "eaton-xups" in result.profiles and "snmp:uptime" not in got
    assert got["xups:capacity"].value == 100 and got["xups:runtime"].value == 17218
    assert result.batch.assets[0].vendor == "Eaton"
    assert result.trace["xups:capacity"]["oids"] == ["1.3.6.1.4.1.534.1.2.4.0"]


def test_profile_three_phase_ups_and_arista_over_the_wire(walks_snmpsim):
    result, got = _poll(walks_snmpsim, "eaton-93e-80")
    assert got["ups:output:2:power"].value == 3600 and got["ups:input:1:frequency"].value == 50
    assert not [r for r in got.values() if r.status in (S.WARNING, S.CRITICAL)]
    result, got = _poll(walks_snmpsim, "arista-dcs-7150s-52-cl")
    assert got["ent:100006001:temperature"].value == 28.2
    trace = result.trace["ent:100305212:dbm"]
    assert trace["raw"][0] == 6015 and trace["threshold_source"] == "device"
