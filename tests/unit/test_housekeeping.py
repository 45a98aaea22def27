"""Housekeeping: forgetting a decommissioned asset; the demo keeps its own data dir."""

from __future__ import annotations

from pathlib import Path

from controller.alerts.engine import AlertEngine
from controller.alerts.rules import default_rules
from controller.config import DEFAULT_DATA_DIR
from controller.store import IngestItem, Store
from hotspare import model
from hotspare.cli import build_parser

K, S = model.ReadingKind, model.Status


def test_forget_asset_removes_it_with_its_readings_and_alerts(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    engine = AlertEngine(default_rules())

    def batch(asset: str, seq: int, t: int) -> list[model.Reading]:
        readings = [model.Reading(asset, "psu1", K.PSU, 0.0, "", S.CRITICAL, "failed", t, "PSU1"),
                    model.Reading(asset, "cpu", K.CPU, 10.0, "%", S.OK, "", t, "CPU")]
        store.ingest([IngestItem("ag", 1, seq, model.Batch(
            readings=tuple(readings), gaps=(model.Gap(asset, 0, 1, 1, "x"),)))])
        return readings

    for seq, asset in enumerate(("old", "keep"), start=1):
        changes = engine.process(batch(asset, seq, 1000 + seq), 2000)
        store.alerts.save_alert_changes(changes)
    assert {a.asset_id for a in store.alerts.load_alerts(0)} == {"old", "keep"}

    removed = store.fleet.forget_asset("old")
    engine.forget("old")
    assert removed["assets"] == 1 and removed["alerts"] == 1 and removed["readings"] == 2
    assert removed["gaps"] == 1 and removed["sensors"] == 2
    assert [a.asset_id for a, _ in store.fleet.assets()] == ["keep"]
    assert {a.asset_id for a in store.alerts.load_alerts(0)} == {"keep"}
    assert {r.asset_id for r in store.fleet.latest_readings()} == {"keep"}
    assert {k[1] for k in engine.open} == {"keep"}
    assert store.fleet.forget_asset("old")["assets"] == 0  # nothing left to forget
    # the asset reporting again comes back as new (the sensor key cache was cleared)
    batch("old", 3, 5000)
    assert {r.asset_id for r in store.fleet.latest_readings()} == {"keep", "old"}


def test_demo_uses_its_own_data_dir() -> None:
    args = build_parser().parse_args(["demo"])
    assert Path(args.data_dir) != Path(DEFAULT_DATA_DIR)
    assert args.data_dir == "hotspare-demo-data"
