"""Readiness benchmark: CPU to keep 1,000 hot-standby groups current at a 5 s probe interval.

A real SQLite database (the controller's own store) holds the latest readings of 2,000 members
and 2,000 BMCs; the readiness runtime then recomputes (a) every group, as the minute's
safety pass does, and (b) the groups whose members changed in one 5 s probe round, as after
ingest commits. The budget is 5 % of one core: 250 ms of CPU per 5 s. Readiness keeps the
evidence in memory, fed by commits, so a probe round costs one evaluation per group; groups are
otherwise re-evaluated when some evidence is due to age out, plus a safety pass over all groups
each minute. The reference in the same run is reading the same latest readings with plain
sqlite3 (the floor any evaluation pays).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from controller.failover.config import StandbyGroup
from controller.failover.runtime import ReadinessRuntime
from controller.store import Database, IngestItem, IngestResult
from hotspare import model
from hotspare.standby import GroupLimits

K, S = model.ReadingKind, model.Status
PROBE_INTERVAL_SECONDS = 5.0
BUDGET_SHARE = 0.05


def member_readings(asset: str, role: str, now_ms: int) -> list[model.Reading]:
    labels = {"interval_seconds": "5"}
    rs = [
        model.Reading(asset, "standby:role", K.STANDBY_ROLE, 1.0 if role == "active" else 0.0,
                      "", S.OK, "", now_ms, labels={**labels, "role": role}),
        model.Reading(asset, "standby:lag", K.REPLICATION_LAG, 0.2, "", S.OK, "", now_ms,
                      labels={**labels, "measured_unix_ms": str(now_ms)}),
        model.Reading(asset, "standby:heartbeat", K.HEARTBEAT, 0.1, "", S.OK, "", now_ms,
                      labels=labels),
        model.Reading(asset, "standby:health", K.APP_HEALTH, 1.0, "", S.OK, "", now_ms,
                      labels=labels),
        model.Reading(asset, "standby:config:app.conf", K.CONFIG_DIGEST, None, "", S.OK, "",
                      now_ms, labels={**labels, "digest": "sha256:aa"}),
    ]
    rs += [model.Reading(asset, f"temp{i}", K.TEMPERATURE, 40.0 + i, "C", S.OK, "", now_ms,
                         labels=labels) for i in range(5)]
    return rs


def bmc_readings(asset: str, now_ms: int) -> list[model.Reading]:
    labels = {"interval_seconds": "5"}
    return [model.Reading(asset, "ipmi:reachability", K.REACHABILITY, 1.0, "", S.OK, "", now_ms,
                          labels=labels),
            model.Reading(asset, "ipmi:power", K.POWER_STATE, 1.0, "", S.OK, "", now_ms,
                          labels=labels)] + [
        model.Reading(asset, f"ipmi:fan{i}", K.FAN, 6000.0, "RPM", S.OK, "", now_ms,
                      labels=labels) for i in range(4)]


async def run(groups_n: int, rounds: int, db_path: Path) -> dict[str, float]:
    db = Database(db_path)
    now = int(time.time() * 1000)
    groups = []
    items = []
    for g in range(groups_n):
        a, b = f"g{g}-a", f"g{g}-b"
        groups.append(StandbyGroup(f"g{g}", (a, b), a, GroupLimits(drill_max_age_days=0),
                                   config_files=("app.conf",),
                                   fencing={a: f"bmc-{a}", b: f"bmc-{b}"}))
        batch = model.Batch(readings=tuple(
            member_readings(a, "active", now) + member_readings(b, "standby", now)
            + bmc_readings(f"bmc-{a}", now) + bmc_readings(f"bmc-{b}", now)))
        items.append(IngestItem("bench", 1, g + 1, batch))
    await db.fleet.ingest(items)
    await db.fleet.register_agent("bench", "h", "v", ["standby"], 5.0, 1, [])
    runtime = ReadinessRuntime(groups, db, None, PROBE_INTERVAL_SECONDS)
    await runtime.refresh()  # warm: sensor caches, first verdicts
    full = []
    for _ in range(rounds):
        t0 = time.process_time()
        await runtime.refresh()
        full.append(time.process_time() - t0)
    # one probe round later every member and BMC sent new readings: the commits carry them in
    later = now + 5000
    fresh = [r for g in range(groups_n) for r in (
        member_readings(f"g{g}-a", "active", later) + member_readings(f"g{g}-b", "standby", later)
        + bmc_readings(f"bmc-g{g}-a", later) + bmc_readings(f"bmc-g{g}-b", later))]
    result = IngestResult(stored_readings=fresh,
                          changed_assets={r.asset_id for r in fresh})
    t0 = time.process_time()
    runtime.on_committed(result)
    await runtime.refresh(set(runtime._dirty))
    dirty = time.process_time() - t0
    verdicts = {r.verdict.value for r in runtime.current.values()}
    db.close()
    conn = sqlite3.connect(db_path)
    t0 = time.process_time()
    for _ in range(rounds):
        conn.execute("SELECT s.asset_id, s.sensor_id, l.value, l.status, l.labels FROM latest l"
                     " JOIN sensors s USING (sensor_key)").fetchall()
    floor = (time.process_time() - t0) / rounds
    conn.close()
    return {"full_cpu_seconds": min(full), "dirty_cpu_seconds": dirty, "floor": floor,
            "verdicts": float(len(verdicts)), "ready": float(verdicts == {"ready"})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--full-pass-seconds", type=float, default=60.0,
                        help="how often the runtime re-evaluates every group regardless")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = asyncio.run(run(args.groups, args.rounds, Path(tmp) / "bench.sqlite"))
    budget = BUDGET_SHARE * PROBE_INTERVAL_SECONDS
    # per 5 s: one pass over the dirty groups (every member changed) plus the safety full passes
    per_window = r["dirty_cpu_seconds"] + PROBE_INTERVAL_SECONDS / args.full_pass_seconds * r[
        "full_cpu_seconds"]
    print(f"groups: {args.groups} (all ready: {bool(r['ready'])})")
    print(f"full re-evaluation: {r['full_cpu_seconds'] * 1000:.1f} ms CPU "
          f"({r['full_cpu_seconds'] / args.groups * 1e6:.0f} us per group)")
    print(f"reference, plain sqlite3 read of the same latest readings: {r['floor'] * 1000:.1f} ms"
          f" (ratio {r['full_cpu_seconds'] / max(r['floor'], 1e-9):.1f}x)")
    print(f"one probe round's commits + re-evaluation: {r['dirty_cpu_seconds'] * 1000:.1f} ms CPU")
    print(f"per {PROBE_INTERVAL_SECONDS:g} s window (full pass every {args.full_pass_seconds:g} s): "
          f"{per_window * 1000:.0f} ms CPU = {per_window / PROBE_INTERVAL_SECONDS * 100:.2f} % of "
          f"one core (budget {BUDGET_SHARE * 100:g} %: ratio {per_window / budget:.2f})")


if __name__ == "__main__":
    main()
