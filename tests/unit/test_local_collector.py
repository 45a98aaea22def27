"""Local collector: threshold statuses from PRODUCT.md defaults and honest bandwidth maths."""

from __future__ import annotations

import asyncio

from agent.collectors import CollectorContext
from agent.collectors.local import (
    LocalConfig,
    bandwidth_percent,
    build,
    threshold_status,
    throughput_bits_per_second,
)
from hotspare import model


def test_local_threshold_status_defaults():
    assert threshold_status(79.9, 80)[0] is model.Status.OK
    status, reason = threshold_status(80.0, 80)
    assert status is model.Status.WARNING and "80" in reason
    assert threshold_status(96, 85, 95)[0] is model.Status.CRITICAL


def test_local_bandwidth_percent():
    # 125,000,000 bytes in 1 s = 1 Gbit/s on a 10 Gbit/s link = 10 %
    assert bandwidth_percent((0, 0), (125_000_000, 0), 1.0, 10_000) == 10.0
    assert bandwidth_percent((10, 10), (5, 20), 1.0, 1000) is None  # counter reset
    assert bandwidth_percent((0, 0), (1, 1), 1.0, 0) is None  # unknown link speed
    assert throughput_bits_per_second((0, 0), (0, 1000), 2.0) == 4000.0


def test_local_collector_reads_this_machine():
    ctx = CollectorContext("ag", "host", lambda b: None)
    batch = asyncio.run(build(LocalConfig(), ctx).collect())
    by_kind = {r.kind for r in batch.readings}
    assert {model.ReadingKind.CPU, model.ReadingKind.MEMORY, model.ReadingKind.FILESYSTEM} <= by_kind
    assert all(r.asset_id == "host" and r.time_unix_ms > 0 for r in batch.readings)
