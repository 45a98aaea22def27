"""Every profile against real devices' walks (tests/data/snmp): ids, values, no false alarms."""

from __future__ import annotations

import collections
import math
from pathlib import Path

import pytest

from agent.collectors.snmp.interpret import CounterState
from agent.collectors.snmp.profiles import builtin_profiles
from hotspare import model
from tests import snmprec

S = model.Status
WALKS = sorted(snmprec.DATA.rglob("*.snmprec"))
# Alarms the devices themselves report in these walks (checked against the walk), so not false.
REAL_CONDITIONS = {
    ("arista-dcs-7150s-52-cl", "ent:100350213:power_mw"),  # "Sensor value 5 is below the low
    ("arista-dcs-7150s-52-cl", "ent:100350213:dbm"),       # critical threshold (398)" (Arista)
    ("cisco-c3560", "cisco:temp:SW#1, Sensor#1, YELLOW"),  # ciscoEnvMonTemperatureState warning
    ("snmpsim-linux-full-walk", "hr:storage:/export"),     # 94 % used: a real, nearly full disk
}


def _walk(name: str) -> dict[str, object]:
    return snmprec.load(next(p for p in WALKS if p.stem == name))  # type: ignore[return-value]


def _by_id(name: str) -> dict[str, model.Reading]:
    return {r.sensor_id: r for r in snmprec.readings(_walk(name))}  # type: ignore[arg-type]


def test_snmp_walks_are_there():
    assert len(WALKS) >= 15


@pytest.mark.parametrize("path", WALKS, ids=lambda p: p.stem)
def test_snmp_walk_every_profile_gives_unique_ids_stable_across_polls(path: Path):
    walk = snmprec.load(path)
    everything = list(builtin_profiles().values())  # stricter than the chosen ones
    counters = CounterState()
    first = [r.sensor_id for r in snmprec.readings(walk, everything, counters, 1_000_000)]
    again = [r.sensor_id for r in snmprec.readings(walk, everything, counters, 1_060_000)]
    dups = [k for k, n in collections.Counter(first).items() if n > 1]
    assert not dups, f"{path.stem}: duplicate sensor ids {dups[:5]}"
    assert not [i for i in first if "::" in i or i.endswith(":")]  # no empty template parts
    assert set(first) <= set(again)  # the same ids next poll (rates join on the second)


@pytest.mark.parametrize("path", WALKS, ids=lambda p: p.stem)
def test_snmp_walk_no_false_alarms(path: Path):
    walk = snmprec.load(path)
    counters = CounterState()
    for now_ms in (1_000_000, 1_060_000):  # two polls: rates and alarm-on-change both settle
        got = snmprec.readings(walk, None, counters, now_ms)
    alarms = {(path.stem, r.sensor_id) for r in got if r.status in (S.WARNING, S.CRITICAL)}
    assert alarms <= REAL_CONDITIONS, sorted(alarms - REAL_CONDITIONS)
    for r in got:
        assert r.value is None or math.isfinite(r.value)
        assert r.status is not S.UNKNOWN or r.reason


def test_snmp_walk_rfc1628_three_phase_eaton_93e():
    got = _by_id("eaton-93e-80")
    # values straight from the walk, scaled per RFC 1628 (0.1 Hz, 0.1 A, 0.1 V for the battery)
    assert got["ups:input:3:voltage"].value == 233 and got["ups:input:1:frequency"].value == 50.0
    assert got["ups:input:1:current"].value == 21.0
    assert got["ups:output:1:current"].value == 27.0 and got["ups:output:1:power"].value == 5100
    assert got["ups:output:3:load"].value == 12 and got["ups:output_frequency"].value == 49.0
    assert got["ups:battery_voltage"].value == 521.0 and got["ups:battery_temperature"].value == 25
    assert got["ups:minutes_remaining"].value == 1092 and got["ups:seconds_on_battery"].value == 0
    assert got["ups:bypass:2:voltage"].value == 230 and got["ups:bypass_frequency"].value == 50.0
    assert got["ups:alarms_present"].value == 0 and got["ups:on_battery"].status is S.OK
    assert got["xups:output:1:power"].unit == "W"  # Eaton's own MIB read alongside


def test_snmp_walk_rfc1628_sentinels_and_absent_phases():
    huawei = _by_id("huawei-gse200m")
    for sensor in ("ups:minutes_remaining", "ups:charge", "ups:battery_temperature"):
        assert huawei[sensor].value is None and huawei[sensor].status is S.UNKNOWN
        assert "not available" in huawei[sensor].reason  # -1 in the walk
    assert huawei["ups:battery_voltage"].value == 538.5
    assert huawei["ups:input:1:voltage"].value == 2369  # this card reports decivolts: as served
    one_phase = _by_id("phoenixtec-power")
    assert "ups:input:1:voltage" in one_phase and one_phase["ups:input:1:voltage"].value == 238
    assert "ups:input:2:voltage" not in one_phase and "ups:input:3:voltage" not in one_phase
    assert not [k for k in one_phase if k.startswith("ups:bypass:")]  # all-zero bypass: absent


def test_snmp_walk_eaton_9px_without_sysdescr_or_uptime():
    walk = _walk("eaton-9px-partial")
    assert "1.3.6.1.2.1.1.1.0" not in walk and "1.3.6.1.2.1.1.3.0" not in walk
    got = _by_id("eaton-9px-partial")
    assert got["xups:capacity"].value == 100 and got["xups:runtime"].value == 17218
    assert got["xups:output:1:voltage"].value == 231 and got["xups:battery_state"].reason == \
        "resting"


def test_snmp_walk_entity_sensor_arista_names_scale_dbm_thresholds():
    got = _by_id("arista-dcs-7150s-52-cl")
    cpu = got["ent:100006001:temperature"]  # value 282, precision 1, entPhysicalName empty
    assert cpu.value == 28.2 and cpu.name == "Cpu temp sensor"
    assert cpu.labels["threshold_source"] == "device" and cpu.labels["warn_above"] == "95"
    tx_mw = got["ent:100305212:power_mw"]  # 6015, milli, precision 4 -> 0.6015 mW
    assert tx_mw.value == 0.6015 and tx_mw.unit == "mW"
    tx_dbm = got["ent:100305212:dbm"]
    assert tx_dbm.value == pytest.approx(10 * math.log10(0.6015), abs=1e-6)
    assert float(tx_dbm.labels["crit_above"]) == pytest.approx(10 * math.log10(2.0), abs=1e-4)
    assert "ent:100305212:power" not in got  # optics are not watts readings
    fan = got["ent:100601111:fan"]  # operStatus unavailable(2): not a 0 RPM alarm
    assert fan.status is S.UNKNOWN and "unavailable" in fan.reason


def test_snmp_walk_cisco_entity_sensor_device_thresholds():
    got = _by_id("cisco-n5000")
    outlet = got["cisco:sensor:21598:temperature"]
    assert outlet.name == "Module-1, Outlet" and outlet.value == 40
    assert outlet.labels["warn_above"] == "58" and outlet.labels["crit_above"] == "67"
    assert got["cisco:sensor:25827:dbm"].value == -1.931
    hot = got["cisco:sensor:25885:temperature"]  # thresholds with invalid evaluation: not judged
    assert hot.value == 75.937 and hot.status is S.OK


def test_snmp_walk_storage_excludes_pseudo_and_read_only():
    juniper = _by_id("juniper-mx960-12-3r6-6")
    storage = [k for k in juniper if k.startswith("hr:storage:")]
    assert "hr:storage:/dev/ad0s1a: root file system, mounted on: /" in storage
    assert not [k for k in storage if "/packages/mnt/" in k or k.endswith("/dev")]
    linux = _by_id("snmpsim-linux-full-walk")
    assert "hr:storage:/" in linux


def test_snmp_walk_apc_high_precision_preferred():
    got = _by_id("apc-smart-ups-highprec")
    assert got["apc:capacity"].value == 100.0 and got["apc:battery_temperature"].value == 25.4
    assert got["apc:load"].value == 23.6 and got["apc:input_voltage"].value == 230.1
    assert got["apc:last_transfer_cause"].reason == "blackout"
    assert got["apc:bad_battery_packs"].value == 0 and got["apc:battery_packs"].value == 1


def test_snmp_walk_vendor_detection():
    chosen = {name: {p.name for p in snmprec.profiles_for(_walk(name))} for name in (
        "arista-dcs-7150s-52-cl", "juniper-mx960-12-3r6-6", "huawei-s5720", "h3c-e528-2",
        "eaton-93e-80", "vertiv-power", "cisco-n5000")}
    assert {"arista", "entity-sensor-mib"} <= chosen["arista-dcs-7150s-52-cl"]
    assert "juniper" in chosen["juniper-mx960-12-3r6-6"]
    assert "huawei" in chosen["huawei-s5720"] and "h3c" in chosen["h3c-e528-2"]
    assert {"eaton-xups", "ups-mib"} <= chosen["eaton-93e-80"]
    assert "vertiv" in chosen["vertiv-power"]
    assert "cisco-entity-sensor" in chosen["cisco-n5000"]
    assert "apc-powernet" not in chosen["vertiv-power"]
    pdu = {p.name for p in snmprec.profiles_for(_walk("apc-7902b"))}
    assert "apc-powernet" not in pdu  # an APC rack PDU is not a UPS


@pytest.mark.parametrize("path", WALKS, ids=lambda p: p.stem)
def test_snmp_walk_abb_detected_on_no_other_makers_device(path: Path):
    assert "abb" not in {p.name for p in snmprec.profiles_for(snmprec.load(path))}
