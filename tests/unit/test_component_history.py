"""Component history: a new serial in the same slot closes the old part's record and opens a new one."""

from __future__ import annotations

from pathlib import Path

from controller.store import IngestItem, Store
from hotspare import model

K, S = model.ReadingKind, model.Status


def _disk(serial: str) -> model.Component:
    return model.Component("disk:sda", "srv1", "disk", "Seagate", "ST4000DM000", "ST4000DM000",
                           serial, "CC54", capacity_bytes=4_000_787_030_016, fru=True)


def _verdict(t_ms: int, verdict: str, status: model.Status) -> model.Reading:
    return model.Reading("srv1", "disk:sda:health", K.DISK_HEALTH, None, "", status, verdict,
                         t_ms, labels={"verdict": verdict, "serial": "Z1"})


def test_component_history_replacement_keeps_the_failed_part(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    store.ingest([IngestItem("ag", 1, 1, model.Batch(readings=(_verdict(1000, "failing",
                                                                        S.CRITICAL),),
                                                      components=(_disk("Z1"),)))])
    store.ingest([IngestItem("ag", 1, 2, model.Batch(components=(_disk("Z1"),)))])
    assert store.fleet.component_history("srv1") == store.fleet.component_records("srv1")

    result = store.ingest([IngestItem("ag", 1, 3, model.Batch(components=(_disk("W9"),)))])

    (replaced,) = result.replaced_components
    assert replaced.component.serial == "Z1" and replaced.replaced_by_serial == "W9"
    assert replaced.last_verdict == "failing" and replaced.removed_ms > 0
    assert [c.serial for c in store.fleet.components("srv1")] == ["W9"]
    history = store.fleet.component_history("srv1", "disk:sda")
    assert [(h.component.serial, h.current) for h in history] == [("Z1", False), ("W9", True)]
    assert history[0].removed_ms <= history[1].first_seen_ms
    assert history[0].component.model == "ST4000DM000"


def test_component_history_same_serial_or_missing_serial_is_not_a_replacement(tmp_path: Path
                                                                               ) -> None:
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    store.ingest([IngestItem("ag", 1, 1, model.Batch(components=(_disk("Z1"),)))])
    store.ingest([IngestItem("ag", 1, 2, model.Batch(components=(_disk("Z1"),)))])
    store.ingest([IngestItem("ag", 1, 3, model.Batch(components=(_disk(""),)))])  # unreadable
    assert [h.component.serial for h in store.fleet.component_history("srv1")] == ["Z1"]
    assert store.fleet.components("srv1")[0].serial == "Z1"


def test_component_history_survives_reopening_the_database(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    store.ingest([IngestItem("ag", 1, 1, model.Batch(components=(_disk("Z1"),)))])
    store.ingest([IngestItem("ag", 1, 2, model.Batch(components=(_disk("W9"),)))])
    store.close()
    again = Store(tmp_path / "db.sqlite")
    again.migrate()
    assert [h.component.serial for h in again.fleet.component_history()] == ["Z1", "W9"]
