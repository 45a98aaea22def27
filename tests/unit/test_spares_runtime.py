"""The spares runtime on a real Database: reservations after a commit, the readiness hook."""

from __future__ import annotations

import asyncio
from pathlib import Path

from controller.alerts.engine import Changes
from controller.spares.runtime import SparesRuntime
from controller.store import Database, IngestItem
from hotspare import model
from hotspare.spares import ImportRow

K, S = model.ReadingKind, model.Status


def test_spares_runtime_reserves_after_commit_and_answers_readiness(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite")
    runtime = SparesRuntime(db)
    assert runtime.check("standby-1") is None  # no plan yet: unknown, not "fine"
    host = model.Asset("standby-1", model.AssetKind.SERVER, location=model.Location(site="lon"))
    psu = model.Component("psu:1", "standby-1", "psu", "Delta", "DPS-550", "DPS-550", "PS1")
    failing = model.Reading("standby-1", "psu:1:status", K.PSU, None, "", S.CRITICAL, "fault",
                            1000)

    async def scenario() -> None:
        db.write_at_start(runtime.load)
        assert runtime.check("standby-1") == []  # nothing installed yet
        runtime.start()
        try:
            result = await db.fleet.ingest([IngestItem("ag", 1, 1, model.Batch(
                assets=(host,), components=(psu,), readings=(failing,)))], lambda r, n: Changes())
            runtime.on_committed(result)
            for _ in range(100):  # bounded: the runtime task runs on this loop
                if await db.spares.reservations(open_only=True):
                    break
                await asyncio.sleep(0.02)
            (res,) = await db.spares.reservations(open_only=True)
            assert (res.part_number, res.site, res.serial) == ("DPS-550", "lon", "PS1")
            for _ in range(100):
                if runtime.check("standby-1"):
                    break
                await asyncio.sleep(0.02)
            (gap,) = runtime.check("standby-1") or []
            assert gap.code == "spare_missing" and gap.member == "standby-1"
            assert "0 on hand, 1 reserved" in gap.message
            await db.spares.change_stock(ImportRow(0, "DPS-550", "lon", 2), "ann", "delivery")
            runtime.stock_changed()
            for _ in range(100):
                if runtime.check("standby-1") == []:
                    break
                await asyncio.sleep(0.02)
            assert runtime.check("standby-1") == []  # one free spare left after the reserved
        finally:
            await runtime.stop()

    try:
        asyncio.run(scenario())
    finally:
        db.close()
