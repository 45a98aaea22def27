"""Gaps an agent reports (readings dropped unsent) are stored with the batch and can be read back."""

from __future__ import annotations

from pathlib import Path

from controller.store import IngestItem, Store
from hotspare import model


def test_store_gaps_are_stored_once_with_their_batch(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    gap = model.Gap("srv1", 1000, 5000, 42, "spool full")
    batch = model.Batch(gaps=(gap,))
    store.ingest([IngestItem("ag", 1, 1, batch)])
    store.ingest([IngestItem("ag", 1, 1, batch)])  # a duplicate batch stores nothing twice
    assert store.fleet.gaps("srv1") == [gap]
    assert store.fleet.gaps("srv1", 6000, 9000) == []
    assert store.fleet.gaps(None, 4000, 4500) == [gap]
