"""Store: migrations, ingest in one transaction, dedupe by (agent, epoch, seq), queries."""

from __future__ import annotations

from controller.store import IngestItem, Store
from hotspare import model


def _batch(values, t0=1000, asset="a1"):
    return model.Batch(readings=tuple(
        model.Reading(asset, "temp", model.ReadingKind.TEMPERATURE, v, "C", model.Status.OK, "",
                      t0 + i) for i, v in enumerate(values)))


def test_store_migrate_is_idempotent(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    v = store.migrate()
    assert v >= 1 and store.migrate() == v
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"readings", "latest", "sensors", "assets", "events", "commands"} <= tables


def test_store_ingest_dedupes_and_tracks_latest(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    store.fleet.register_agent("ag", "h", "0", ["local"], 5, 1, [model.Asset("a1", model.AssetKind.SERVER)])
    r1 = store.ingest([IngestItem("ag", 1, 1, _batch([1, 2, 3])),
                       IngestItem("ag", 1, 2, _batch([4], t0=2000))])
    assert r1.stored_items == 2 and r1.readings_stored == 4 and r1.highest_seq[("ag", 1)] == 2
    r2 = store.ingest([IngestItem("ag", 1, 2, _batch([99], t0=3000)),
                       IngestItem("ag", 1, 1, _batch([98], t0=3000))])
    assert r2.stored_items == 0 and r2.duplicate_items == 2
    assert store.fleet.count_readings() == 4
    latest = store.fleet.latest_readings(["a1"])
    assert [r.value for r in latest] == [4]
    assert store.fleet.stored_seqs("ag") == {1: (2, 2)}
    hist = store.fleet.history("a1", "temp", 0, 10_000)
    assert [p.value for p in hist] == [1, 2, 3, 4]
    assert len(store.fleet.history("a1", "temp", 0, 10_000, max_points=2)) == 2


def test_store_new_epoch_restarts_sequence(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    store.ingest([IngestItem("ag", 1, 5, _batch([1]))])
    r = store.ingest([IngestItem("ag", 2, 1, _batch([2], t0=5000))])
    assert r.stored_items == 1 and store.fleet.stored_seqs("ag") == {1: (5, 1), 2: (1, 1)}


def test_store_events_and_components_upsert(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    ev = model.Event("a1", "sel:1", 10, "sel", model.Status.CRITICAL, "PSU1", "assert", "failed")
    comp = model.Component("disk:S1", "a1", "disk", model.__name__ and "ACME", "M1", "P1", "S1")
    store.ingest([IngestItem("ag", 1, 1, model.Batch(events=(ev, ev), components=(comp,)))])
    store.ingest([IngestItem("ag", 1, 2, model.Batch(events=(ev,), components=(comp,)))])
    assert store.fleet.events("a1") == [ev]
    assert store.fleet.components("a1") == [comp]
    # an asset referenced only by readings is created so nothing accepted is lost
    store.ingest([IngestItem("ag", 1, 3, _batch([1], asset="new-asset"))])
    assert store.fleet.asset("new-asset") is not None


def test_store_retention_downsamples_to_hourly_and_keeps_latest(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    hour = 3_600_000
    # hour 0: 1, 2, 3 ; hour 1: 10 ; hour 2 (kept raw): 7
    batch = model.Batch(readings=tuple(
        model.Reading("a1", "temp", model.ReadingKind.TEMPERATURE, v, "C",
                      model.Status.WARNING if v == 3 else model.Status.OK, "", t)
        for v, t in ((1, 10), (2, 20), (3, 30), (10, hour + 5), (7, 2 * hour + 5))))
    store.ingest([IngestItem("ag", 1, 1, batch)])
    assert store.fleet.prune_readings(2 * hour + 100) == 4  # cutoff rounds down to whole hours
    assert store.fleet.count_readings() == 1 and len(store.fleet.latest_readings()) == 1
    hist = store.fleet.history("a1", "temp", 0, 3 * hour)
    assert [(p.time_unix_ms, p.value) for p in hist] == [(0, 2.0), (hour, 10.0), (2 * hour + 5, 7)]
    assert hist[0].status is model.Status.WARNING  # the hour keeps its worst status
