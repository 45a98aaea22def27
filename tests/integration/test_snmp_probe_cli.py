"""`hotspare snmp probe` as a subprocess against snmpsim serving real walks: provenance, no secrets."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ROOT, env, free_port, hotspare_cmd
from tests.snmp_lab import COMMUNITY, Snmpd

pytestmark = pytest.mark.integration
WALKS = ROOT / "tests" / "data" / "snmp"
CANARY = f"canary-{secrets.token_hex(6)}"  # the community: the walk's file name under snmpsim


def _snmpsim() -> str | None:
    for candidate in (os.environ.get("HOTSPARE_SNMPSIM", ""),
                      str(ROOT / ".venv-snmpsim" / "bin" / "snmpsim-command-responder")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _walk(name: str) -> dict[str, str]:
    """The recording itself, read independently of the agent's code: OID -> value text."""
    out = {}
    for line in (WALKS / f"{name}.snmprec").read_text(encoding="utf-8",
                                                      errors="replace").splitlines():
        oid, _, rest = line.partition("|")
        out[oid] = rest.partition("|")[2]
    return out


@pytest.fixture(scope="module")
def served_walks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """snmpsim serving two real walks under canary communities: CANARY and CANARY-arista."""
    exe = _snmpsim()
    if exe is None:
        pytest.skip("snmpsim not installed (make test installs it into .venv-snmpsim)")
    data = tmp_path_factory.mktemp("walks")
    shutil.copy(WALKS / "eaton-93e-80.snmprec", data / f"{CANARY}.snmprec")
    shutil.copy(WALKS / "arista-dcs-7150s-52-cl.snmprec", data / f"{CANARY}-arista.snmprec")
    port = free_port(socket.SOCK_DGRAM)
    log = data.parent / "snmpsim.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [exe, f"--data-dir={data}", f"--agent-udpv4-endpoint=127.0.0.1:{port}",
             f"--cache-dir={data.parent / 'cache'}"], stdout=out, stderr=subprocess.STDOUT,
            env=dict(os.environ, SNMPSIM_ALLOW_ROOT="true"), stdin=subprocess.DEVNULL)
    try:
        for _ in range(100):  # bounded: about 10 s for snmpsim to index the recordings
            done = subprocess.run(["snmpget", "-v2c", "-c", CANARY, "-t", "0.3", "-r", "0",
                                   f"127.0.0.1:{port}", "1.3.6.1.2.1.1.2.0"],
                                  capture_output=True, timeout=10)
            if done.returncode == 0 or proc.poll() is not None:
                break
        if proc.poll() is not None:
            raise AssertionError(log.read_text())
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _secret_file(folder: Path, text: str, mode: int = 0o600) -> Path:
    path = folder / "community"
    path.write_text(text + "\n")
    path.chmod(mode)
    return path


def _probe_watching_ps(args: list[str], secret: str) -> tuple[subprocess.CompletedProcess[str],
                                                              int]:
    """Run the real CLI; while it runs, read every process's argv (what `ps` shows)."""
    proc = subprocess.Popen(hotspare_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env(), cwd=ROOT)
    looks = 0
    seen_in_argv = []
    for _ in range(2000):  # bounded: the probe finishes in seconds
        looks += 1
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                argv = cmdline.read_bytes()
            except OSError:
                continue  # the process ended meanwhile
            if secret.encode() in argv:
                seen_in_argv.append(argv.replace(b"\0", b" ").decode(errors="replace"))
        if proc.poll() is not None:
            break
    stdout, stderr = proc.communicate(timeout=60)
    assert not seen_in_argv, seen_in_argv
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), looks


def test_snmp_probe_json_gives_provenance_checked_against_the_walk(served_walks, tmp_path):
    walk = _walk("eaton-93e-80")
    community = _secret_file(tmp_path, CANARY)
    proc, looks = _probe_watching_ps(["snmp", "probe", served_walks, "--version", "2c",
                                      "--allow-insecure", "--community-file", str(community),
                                      "--timeout", "5", "--json"], CANARY)
    assert proc.returncode == 0, proc.stderr
    assert looks >= 1
    assert CANARY not in proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["reachable"] and {"ups-mib", "eaton-xups"} <= set(doc["profiles"])
    got = {r["sensor_id"]: r for r in doc["readings"]}

    oid = "1.3.6.1.2.1.33.1.3.3.1.3.2"  # upsInputVoltage, line 2: RMS volts
    volt = got["ups:input:2:voltage"]
    assert (volt["oids"], volt["raw"]) == ([oid], [int(walk[oid])])
    assert (volt["value"], volt["scale"], volt["unit"]) == (float(walk[oid]), 1.0, "V")
    assert (volt["thresholds"], volt["threshold_source"]) == ({"crit_below": 1.0}, "profile")

    oid = "1.3.6.1.2.1.33.1.3.3.1.2.1"  # upsInputFrequency, line 1: 0.1 Hz
    freq = got["ups:input:1:frequency"]
    assert (freq["oids"], freq["raw"], freq["scale"], freq["unit"]) == (
        [oid], [int(walk[oid])], 0.1, "Hz")
    assert freq["value"] == pytest.approx(int(walk[oid]) / 10)

    oid = "1.3.6.1.2.1.33.1.2.4.0"  # upsEstimatedChargeRemaining
    charge = got["ups:charge"]
    assert (charge["oids"], charge["raw"], charge["unit"]) == ([oid], [int(walk[oid])], "%")
    assert charge["thresholds"] == {"warn_below": 50.0, "crit_below": 20.0}
    assert charge["threshold_source"] == "profile" and charge["status"] == "ok"


def test_snmp_probe_json_gives_the_devices_own_thresholds(served_walks, tmp_path):
    """Arista: a sensor's scale from entPhySensorScale/Precision, limits from its own table."""
    walk = _walk("arista-dcs-7150s-52-cl")
    community = _secret_file(tmp_path, f"{CANARY}-arista")
    proc = subprocess.run(
        hotspare_cmd("snmp", "probe", served_walks, "--version", "2c", "--allow-insecure",
                     "--community-file", str(community), "--profile", "entity-sensor-mib",
                     "--timeout", "5", "--json"),
        capture_output=True, text=True, env=env(), cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert CANARY not in proc.stdout + proc.stderr
    got = {r["sensor_id"]: r for r in json.loads(proc.stdout)["readings"]}
    index = "100305202"  # a transceiver's 3.3 V supply
    sensor = "1.3.6.1.2.1.99.1.1.1"
    volt = got[f"ent:{index}:voltage"]
    value_oid, scale_oid, precision_oid = (f"{sensor}.{c}.{index}" for c in (4, 2, 3))
    assert volt["oids"][:3] == [value_oid, scale_oid, precision_oid]
    raw, scale, precision = (int(walk[o]) for o in (value_oid, scale_oid, precision_oid))
    assert volt["raw"][:3] == [raw, scale, precision]
    factor = 10.0 ** (3 * (scale - 9) - precision)  # ENTITY-SENSOR-MIB units and precision
    assert volt["scale"] == pytest.approx(factor) and volt["unit"] == "V"
    assert volt["value"] == pytest.approx(raw * factor)
    thr = "1.3.6.1.4.1.30065.3.12.1.1.1"  # aristaEntSensorThresholdTable, same scale
    expected = {name: pytest.approx(int(walk[f"{thr}.{col}.{index}"]) * factor)
                for name, col in (("warn_below", 1), ("crit_below", 2), ("warn_above", 3),
                                  ("crit_above", 4))}
    assert volt["thresholds"] == expected and volt["threshold_source"] == "device"


def test_snmp_probe_takes_the_community_from_the_environment(served_walks):
    proc = subprocess.run(
        hotspare_cmd("snmp", "probe", served_walks, "--version", "2c", "--allow-insecure",
                     "--profile", "ups-mib", "--timeout", "5", "--json"),
        capture_output=True, text=True, env=dict(env(), HOTSPARE_SNMP_COMMUNITY=CANARY),
        cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["profiles"] == ["ups-mib"] and "ups:charge" in {r["sensor_id"]
                                                               for r in doc["readings"]}
    assert CANARY not in proc.stdout + proc.stderr


@pytest.fixture
def snmpd(tmp_path: Path) -> Iterator[Snmpd]:
    daemon = Snmpd(tmp_path)
    yield daemon
    daemon.stop()


def test_snmp_probe_v2c_against_net_snmp_by_file_only(snmpd, tmp_path):
    community = _secret_file(tmp_path, COMMUNITY)  # fixed, so others' tools may show it in ps
    proc = subprocess.run(hotspare_cmd("snmp", "probe", snmpd.address, "--version", "2c",
                                       "--allow-insecure", "--community-file", str(community),
                                       "--json"),
                          capture_output=True, text=True, env=env(), cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["reachable"] and "host-resources" in doc["profiles"]
    assert COMMUNITY not in proc.stdout + proc.stderr


@pytest.mark.parametrize(("extra", "message"), [
    (["--community", "visible-in-ps"], "--community is refused: a secret on the command line"),
    ([], "SNMPv2c (community in clear text) needs --allow-insecure"),
    (["--allow-insecure"], "v2c needs --community-file FILE, HOTSPARE_SNMP_COMMUNITY"),
])
def test_snmp_probe_refuses_unsafe_or_incomplete_v2c_in_one_line(extra, message):
    proc = subprocess.run(hotspare_cmd("snmp", "probe", "127.0.0.1:9", "--version", "2c",
                                       *extra),
                          capture_output=True, text=True, env=env(), cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert "visible-in-ps" not in proc.stderr


def test_snmp_probe_refuses_a_community_file_others_can_read(tmp_path):
    community = _secret_file(tmp_path, CANARY, mode=0o644)
    proc = subprocess.run(hotspare_cmd("snmp", "probe", "127.0.0.1:9", "--version", "2c",
                                       "--allow-insecure", "--community-file", str(community)),
                          capture_output=True, text=True, env=env(), cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "mode is 0644" in proc.stderr and "chmod 600" in proc.stderr
    assert CANARY not in proc.stderr and "Traceback" not in proc.stderr


def test_snmp_probe_v3_md5_needs_allow_insecure():
    proc = subprocess.run(hotspare_cmd("snmp", "probe", "127.0.0.1:9", "--user", "u",
                                       "--auth-protocol", "md5"),
                          capture_output=True, text=True, env=env(), cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "auth MD5 needs --allow-insecure" in proc.stderr
