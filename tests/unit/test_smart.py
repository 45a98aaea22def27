"""SMART parsing and verdicts over real captures; the collector through its runner seam."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agent.collectors import CollectorContext
from agent.collectors.smart.collector import SmartCollector, SmartConfig
from agent.collectors.smart.parse import (
    ParseError,
    ScannedDevice,
    decode_ata_raw,
    parse_disk,
    parse_scan,
)
from agent.collectors.smart.runner import RunResult, SmartctlUnavailable
from agent.collectors.smart.verdict import Verdict, assess
from hotspare import model

DATA = Path(__file__).resolve().parents[1] / "data" / "smartctl"


def _report(name: str):
    return parse_disk((DATA / name).read_text(), "/dev/x")


# file -> (verdict, reason fragments that must all appear, model, capacity bytes)
EXPECTED = {
    "ST3500418AS_11.json": (Verdict.AT_RISK, ["attribute 5 ", "attribute 188 "], "ST3500418AS",
                            500107862016),
    "MB0500EBNCR_13.json": (Verdict.AT_RISK, ["attribute 187 "], "MB0500EBNCR", 500107862016),
    "HGST_HUS724020ALE640_28.json": (Verdict.HEALTHY, [], "HGST HUS724020ALE640", 2000398934016),
    "WDC_WD20EFRX-68EUZN0_17.json": (Verdict.HEALTHY, [], "WDC WD20EFRX-68EUZN0", 2000398934016),
    "SAMSUNG_MZ7WD240HAFV-00003_21.json": (Verdict.HEALTHY, [], "SAMSUNG MZ7WD240HAFV-00003",
                                           240057409536),
    "sat-Micron_5100_Pro___52x0___5300_SSDs-Micron_5300_MTFDDAK1T9TDS-sda.json": (
        Verdict.AT_RISK, ["attribute 188 (command_timeouts) raw 29"], "Micron_5300_MTFDDAK1T9TDS",
        1920383410176),
    "HITACHI_H109060SESUN600G_9.json": (Verdict.HEALTHY, [], "HITACHI H109060SESUN600G",
                                        600127266816),
    "SEAGATE_ST373453LC_26.json": (Verdict.AT_RISK, ["grown defect list 260"], "SEAGATE ST373453LC",
                                   73407820800),
    "INTEL_SSDPE2KX080T8_1.json": (Verdict.HEALTHY, [], "INTEL SSDPE2KX080T8", 8001563222016),
    "KXG60ZNV512G_TOSHIBA_2.json": (Verdict.HEALTHY, [], "KXG60ZNV512G TOSHIBA", 512110190592),
    "SAMSUNG_MZVL21T0HCLR-00B00_23.json": (Verdict.HEALTHY, [], "SAMSUNG MZVL21T0HCLR-00B00",
                                           1024209543168),
    "nvme-null-INTEL_SSDPE2KX020T7-nvme6.json": (Verdict.HEALTHY, [], "INTEL SSDPE2KX020T7",
                                                 2000398934016),
    "scrutiny-smart-ata.json": (Verdict.HEALTHY, [], "WDC WD140EDFZ-11A0VA0", 14000519643136),
    "scrutiny-smart-nvme.json": (Verdict.HEALTHY, [], "INTEL SSDPEKNW010T8", 1024209543168),
    "scrutiny-smart-scsi.json": (Verdict.AT_RISK, ["grown defect list 56"], "SEAGATE ST4000NM0043",
                                 4000787030016),
    "scrutiny-smart-sat.json": (Verdict.HEALTHY, [], "", 0),
    "scrutiny-smart-megaraid0.json": (Verdict.HEALTHY, [], "WD4000FYYX", 4000787030016),
    "scrutiny-smart-raid.json": (Verdict.UNKNOWN, ["no SMART data"], "Intel Raid 1 Volume",
                                 1000202043392),
    "scrutiny-smart-fail.json": (Verdict.UNKNOWN, ["device open failed", "Open failed"], "", 0),
}


def test_smart_every_capture_is_covered():
    assert sorted(EXPECTED) == sorted(p.name for p in DATA.glob("*.json"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_smart_capture_verdict_reasons_identity(name):
    verdict, fragments, model_name, capacity = EXPECTED[name]
    report = _report(name)
    result = assess(report)
    assert result.verdict is verdict, result
    for fragment in fragments:
        assert fragment in result.text, (fragment, result.text)
    if verdict is Verdict.HEALTHY:
        assert not result.reasons
    assert report.identity.model == model_name
    assert report.identity.capacity_bytes == capacity


def test_smart_readings_of_an_ata_disk():
    r = _report("ST3500418AS_11.json")
    assert r.temperature_celsius == 32 and r.power_on_hours == 44670 and r.power_cycles == 26
    assert r.ata_watch == {5: 1, 187: 0, 188: 1, 197: 0, 198: 0}
    assert r.smart_passed is True and r.identity.rotation_rate_rpm == 7200


def test_smart_nvme_wear_only_past_the_limit():
    worn = _report("nvme-null-INTEL_SSDPE2KX020T7-nvme6.json")
    assert worn.nvme["percentage_used"] == 75
    assert "wear" not in assess(worn).text
    doc = json.loads((DATA / "nvme-null-INTEL_SSDPE2KX020T7-nvme6.json").read_text())
    doc["nvme_smart_health_information_log"]["percentage_used"] = 93
    result = assess(parse_disk(json.dumps(doc), "/dev/nvme6"))
    assert result.verdict is Verdict.AT_RISK and "wear 93% used >= 90%" in result.text


def test_smart_nvme_critical_warning_and_spare_are_failing():
    doc = json.loads((DATA / "INTEL_SSDPE2KX080T8_1.json").read_text())
    log = doc["nvme_smart_health_information_log"]
    log["critical_warning"] = 0b1000
    log["available_spare"] = 5
    result = assess(parse_disk(json.dumps(doc), "/dev/nvme0"))
    assert result.verdict is Verdict.FAILING
    assert "read-only" in result.text and "available spare 5% below threshold" in result.text


def test_smart_overall_failed_and_exit_bit_3_are_failing():
    doc = json.loads((DATA / "WDC_WD20EFRX-68EUZN0_17.json").read_text())
    doc["smart_status"]["passed"] = False
    result = assess(parse_disk(json.dumps(doc), "/dev/sda", exit_status=8))
    assert result.verdict is Verdict.FAILING
    assert "FAILED" in result.text and "exit bit 3" in result.text


def test_smart_exit_bits_decoded_not_treated_as_failure():
    report = _report("HGST_HUS724020ALE640_28.json")
    assert report.exit_status == 64 and report.exit_bits == [6]
    result = assess(report)
    assert result.verdict is Verdict.HEALTHY and "error log has entries" in result.text


def test_smart_seagate_188_low_16_bits():
    assert decode_ata_raw(188, (5 << 32) | (7 << 16) | 3, seagate=True) == 3
    assert decode_ata_raw(188, 70000, seagate=False) == 70000
    assert decode_ata_raw(5, 1 << 20, seagate=True) == 1 << 20


def test_smart_growth_is_at_risk_and_verdict_recovers():
    doc = json.loads((DATA / "HITACHI_H109060SESUN600G_9.json").read_text())
    before = parse_disk(json.dumps(doc), "/dev/sdb")
    doc["scsi_error_counter_log"]["read"]["total_uncorrected_errors"] = 0
    doc["scsi_grown_defect_list"] = 0
    assert assess(before).verdict is Verdict.HEALTHY
    from agent.collectors.smart.verdict import defect_counters

    prev = defect_counters(before)
    grown = dict(doc, scsi_grown_defect_list=3)
    result = assess(parse_disk(json.dumps(grown), "/dev/sdb"), prev)
    assert result.verdict is Verdict.AT_RISK and "grew from 0 to 3" in result.text


def test_smart_standby_is_unknown_not_woken():
    doc = {"smartctl": {"exit_status": 2, "messages": [
        {"string": "Device is in STANDBY mode, exit(2)", "severity": "information"}]},
        "device": {"name": "/dev/sdc", "type": "sat"}}
    result = assess(parse_disk(json.dumps(doc), "/dev/sdc"))
    assert result.verdict is Verdict.UNKNOWN and "not woken" in result.text


def test_smart_scan_without_devices_key_means_none():
    assert parse_scan('{"smartctl": {"exit_status": 0}}') == []
    megaraid = parse_scan((DATA / "scan" / "smartctl_scan_megaraid.json").read_text())
    assert [d.key for d in megaraid] == ["/dev/bus/0@megaraid,0", "/dev/bus/0@megaraid,1"]
    with pytest.raises(ParseError):
        parse_scan("not json")


# ---- the collector through its runner seam -------------------------------------------------

class Replay:
    """A runner that answers like smartctl from captures; records the argv it was given."""

    def __init__(self, files: dict[str, str], scan: str | None = None, hang: set[str] = frozenset()):
        self.files, self.scan, self.hang = files, scan, hang
        self.calls: list[list[str]] = []

    async def __call__(self, argv, timeout):
        self.calls.append(list(argv))
        if "--scan-open" in argv:
            return RunResult(0, self.scan or '{"smartctl": {"exit_status": 0}}')
        key = ScannedDevice(argv[-1], argv[argv.index("-d") + 1] if "-d" in argv else "").key
        if key in self.hang:
            raise TimeoutError
        text = (DATA / self.files[key]).read_text()
        status = json.loads(text).get("smartctl", {}).get("exit_status", 0)
        return RunResult(int(status), text)


def _collector(runner, devices=(), scan=True):
    config = SmartConfig(scan=scan, devices=tuple(devices), interval_seconds=300,
                         timeout_seconds=60, per_disk_timeout_seconds=1)
    ctx = CollectorContext("ag", "host", lambda b: None, wall_clock_ms=lambda: 1_000)
    return SmartCollector(config, ctx, runner=runner)


def _by_sensor(batch):
    return {r.sensor_id: r for r in batch.readings}


def test_smart_collector_reads_scanned_and_raid_disks():
    scan = json.dumps({"devices": [{"name": "/dev/sda", "type": "sat"},
                                   {"name": "/dev/nvme0", "type": "nvme"}]})
    runner = Replay({"/dev/sda": "ST3500418AS_11.json", "/dev/nvme0": "INTEL_SSDPE2KX080T8_1.json",
                     "/dev/bus/0@sat+megaraid,0": "scrutiny-smart-megaraid0.json"}, scan)
    coll = _collector(runner, [ScannedDevice("/dev/bus/0", "sat+megaraid,0")])
    batch = asyncio.run(coll.collect())
    got = _by_sensor(batch)
    assert got["disk:/dev/sda:health"].status is model.Status.WARNING
    assert "attribute 5" in got["disk:/dev/sda:health"].reason
    assert got["disk:/dev/sda:ata_5"].value == 1
    assert got["disk:/dev/nvme0:health"].status is model.Status.OK
    assert got["disk:/dev/bus/0@sat+megaraid,0:temperature"].value == 36
    assert ["smartctl", "--json", "-x", "-n", "standby", "-d", "sat+megaraid,0",
            "/dev/bus/0"] in runner.calls
    assert all("-n" in c and "standby" in c for c in runner.calls if "--scan-open" not in c)
    comps = {c.component_id: c for c in batch.components}
    assert comps["disk:/dev/bus/0@sat+megaraid,0"].model == "WD4000FYYX"
    assert comps["disk:/dev/nvme0"].labels["media"] == "ssd"
    assert comps["disk:/dev/sda"].capacity_bytes == 500107862016
    # non-healthy first verdicts are events, healthy ones are not
    assert [e.sensor for e in batch.events] == ["disk:/dev/sda"]


def test_smart_collector_timeout_is_unknown_then_recovers():
    runner = Replay({"/dev/sda": "WDC_WD20EFRX-68EUZN0_17.json"}, hang={"/dev/sda"})
    coll = _collector(runner, [ScannedDevice("/dev/sda", "sat")], scan=False)
    first = _by_sensor(asyncio.run(coll.collect()))["disk:/dev/sda:health"]
    assert first.status is model.Status.UNKNOWN and "timed out" in first.reason
    runner.hang = set()
    batch = asyncio.run(coll.collect())
    assert _by_sensor(batch)["disk:/dev/sda:health"].status is model.Status.OK
    assert batch.events and batch.events[0].direction == "unknown -> healthy"


def test_smart_collector_smartctl_missing_is_unavailable():
    async def missing(argv, timeout):
        raise SmartctlUnavailable("smartctl not found (install smartmontools)")

    batch = asyncio.run(_collector(missing).collect())
    (reading,) = batch.readings
    assert reading.status is model.Status.UNKNOWN and "unavailable: smartctl not found" in reading.reason


def test_smart_real_runner_reports_missing_binary():
    from agent.collectors.smart.runner import run_smartctl

    with pytest.raises(SmartctlUnavailable, match="not found"):
        asyncio.run(run_smartctl(["/nonexistent/smartctl", "--scan-open"], 1))
