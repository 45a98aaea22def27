"""Property: any document smartctl might print yields readings or a per-disk error, never a crash."""

from __future__ import annotations

import asyncio
import contextlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.collectors import CollectorContext
from agent.collectors.smart.collector import SmartCollector, SmartConfig
from agent.collectors.smart.parse import ParseError, ScannedDevice, parse_disk
from agent.collectors.smart.runner import RunResult

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from([
        "smartctl", "exit_status", "messages", "string", "smart_status", "passed",
        "ata_smart_attributes", "table", "id", "raw", "value", "thresh", "flags", "prefailure",
        "nvme_smart_health_information_log", "critical_warning", "percentage_used",
        "available_spare", "available_spare_threshold", "media_errors", "temperature", "current",
        "power_on_time", "hours", "user_capacity", "bytes", "model_name", "serial_number",
        "scsi_grown_defect_list", "scsi_error_counter_log", "read", "total_uncorrected_errors",
        "device", "name", "type", "rotation_rate", "form_factor", "power_cycle_count"]),
        children, max_size=6),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_smart_parse_never_raises_anything_but_parse_error(doc):
    text = json.dumps(doc)
    with contextlib.suppress(ParseError):
        parse_disk(text, "/dev/sda")
    for cut in (len(text) // 2, 1):
        with contextlib.suppress(ParseError):
            parse_disk(text[:cut], "/dev/sda")


@settings(max_examples=100, deadline=None)
@given(json_values, st.integers(min_value=0, max_value=255))
def test_smart_collector_always_returns_readings(doc, exit_status):
    async def runner(argv, timeout):
        return RunResult(exit_status, json.dumps(doc))

    config = SmartConfig(scan=False, devices=(ScannedDevice("/dev/sda", "sat"),))
    coll = SmartCollector(config, CollectorContext("a", "h", lambda b: None), runner=runner)
    batch = asyncio.run(coll.collect())
    health = [r for r in batch.readings if r.sensor_id == "disk:/dev/sda:health"]
    assert len(health) == 1 and health[0].reason
