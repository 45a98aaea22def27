"""Spares storage and runtime on a real SQLite file: ledger, all-or-nothing import, reservations."""

from __future__ import annotations

from pathlib import Path

import pytest

from controller.spares.plan import PartLife, plan
from controller.spares.readiness import spares_for
from controller.spares.runtime import apply, build_catalogue, build_report
from controller.store import IngestItem, Store
from controller.store.spares import SparesError
from hotspare import model
from hotspare.spares import ImportRow, StockItem

K, S = model.ReadingKind, model.Status


@pytest.fixture
def fresh_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db.sqlite")
    store.migrate()
    host = model.Asset("srv1", model.AssetKind.SERVER, location=model.Location(site="lon"))
    store.ingest([IngestItem("ag", 1, 1, model.Batch(assets=(host,),
                                                      components=(_disk("Z1"), _disk("Y2", "sdb"))))])
    return store


def _disk(serial: str, dev: str = "sda") -> model.Component:
    return model.Component(f"disk:{dev}", "srv1", "disk", "Seagate", "ST4000DM000", "ST4000DM000",
                           serial, fru=True)


def _verdict(verdict: str, status: model.Status, serial: str = "Z1") -> model.Reading:
    return model.Reading("srv1", "disk:sda:health", K.DISK_HEALTH, None, "", status, verdict,
                         1000, labels={"verdict": verdict, "serial": serial})


def _seen(store: Store, seq: int, verdict: str, status: model.Status, serial: str = "Z1") -> int:
    """Ingest a verdict reading as the agent would send it, then run the spares unit of work."""
    reading = _verdict(verdict, status, serial)
    result = store.ingest([IngestItem("ag", 1, seq, model.Batch(readings=(reading,)))])
    return apply(store, [reading], result.replaced_components, 1000 * seq)


def test_spares_stock_add_and_remove_are_recorded_with_who_and_why(fresh_store: Store) -> None:
    sp = fresh_store.spares
    item = sp.change_stock(ImportRow(0, "ST4000DM000", "lon", 3), "ann", "delivery PO-7")
    assert (item.on_hand, item.site) == (3, "lon")
    item = sp.change_stock(ImportRow(0, "ST4000DM000", "lon", 1), "bob", "used for rack 4",
                           remove=True)
    assert item.on_hand == 2
    log = sp.changes("ST4000DM000")
    assert [(c.who, c.why, c.delta_on_hand, c.on_hand_after) for c in log] == [
        ("bob", "used for rack 4", -1, 2), ("ann", "delivery PO-7", 3, 3)]


def test_spares_remove_more_than_there_is_is_refused_with_the_numbers(fresh_store: Store) -> None:
    sp = fresh_store.spares
    sp.change_stock(ImportRow(0, "ST4000DM000", "lon", 2), "ann", "delivery")
    with pytest.raises(SparesError, match=r"cannot remove 5 on hand.*there are 2 on hand"):
        sp.change_stock(ImportRow(0, "ST4000DM000", "lon", 5), "bob", "oops", remove=True)
    assert sp.stock()[0].on_hand == 2


def test_spares_unknown_site_is_refused_unless_new(fresh_store: Store) -> None:
    with pytest.raises(SparesError, match=r"unknown site 'par'.*known: lon"):
        fresh_store.spares.change_stock(ImportRow(0, "X", "par", 1), "ann", "x")
    assert fresh_store.spares.change_stock(ImportRow(0, "X", "par", 1), "ann", "x",
                                           new_site=True).on_hand == 1


@pytest.mark.parametrize(("bad", "message"), [
    (ImportRow(3, "PSU-1", "mars", 1), r"stock\.csv:3: unknown site 'mars'"),
    (ImportRow(3, "PSU-1", "lon", 1, serial="S1"), r"stock\.csv:3: duplicate serial 'S1'"),
    (ImportRow(3, "PSU-1", "lon", -2), r"stock\.csv:3: quantity -2"),
])
def test_spares_import_is_all_or_nothing(fresh_store: Store, bad: ImportRow, message: str) -> None:
    rows = [ImportRow(2, "PSU-1", "lon", 1, serial="S1"), bad]
    with pytest.raises(SparesError, match=message):
        fresh_store.spares.import_rows(rows, "stock.csv", "ann", "inventory")
    assert fresh_store.spares.stock() == [] and fresh_store.spares.changes() == []


def test_spares_failing_reserves_recovery_releases(fresh_store: Store) -> None:
    fresh_store.spares.change_stock(ImportRow(0, "ST4000DM000", "lon", 1), "ann", "delivery")
    assert apply(fresh_store, [_verdict("failing", S.CRITICAL)], [], 2000) == 1
    assert apply(fresh_store, [_verdict("failing", S.CRITICAL)], [], 3000) == 0  # no double
    (res,) = fresh_store.spares.reservations(open_only=True)
    assert (res.part_number, res.site, res.serial, res.state) == ("ST4000DM000", "lon", "Z1",
                                                                  "reserved")
    assert fresh_store.spares.stock()[0].reserved == 1
    apply(fresh_store, [_verdict("unknown", S.UNKNOWN)], [], 3500)  # no data changes nothing
    assert fresh_store.spares.reservations(open_only=True)
    apply(fresh_store, [_verdict("healthy", S.OK)], [], 4000)
    assert fresh_store.spares.reservations(open_only=True) == []
    assert fresh_store.spares.reservations()[0].state == "released"


def test_spares_replacement_consumes_the_reservation_and_stock(fresh_store: Store) -> None:
    fresh_store.spares.change_stock(ImportRow(0, "ST4000DM000", "lon", 2), "ann", "delivery")
    _seen(fresh_store, 2, "failing", S.CRITICAL)
    result = fresh_store.ingest([IngestItem("ag", 1, 3, model.Batch(components=(_disk("W9"),)))])
    apply(fresh_store, [_verdict("healthy", S.OK, "W9")], result.replaced_components, 5000)
    (res,) = fresh_store.spares.reservations()
    assert (res.state, res.replaced_by_serial) == ("consumed", "W9")
    assert fresh_store.spares.stock()[0].on_hand == 1
    assert "failed serial Z1 replaced by W9" in fresh_store.spares.changes()[0].why
    lines = build_report(fresh_store, 10_000)
    assert lines[0].failures == 1  # the failure counts against the model


def test_spares_plan_traces_every_number_and_readiness_sees_the_gap(fresh_store: Store) -> None:
    fresh_store.spares.change_stock(
        ImportRow(0, "SPARE-4T", "lon", 0, replaces=("ST4000DM000",), lead_time_days=30),
        "ann", "catalogue")
    _seen(fresh_store, 2, "failing", S.CRITICAL)
    (line,) = build_report(fresh_store, 10_000)
    assert (line.part_number, line.installed, line.reserved, line.lead_time_days) == (
        "SPARE-4T", 2, 1, 30)
    assert line.reorder_point >= 0 and line.order_quantity == line.reorder_point + 1
    assert line.below_reorder_point and "available 0 on hand - 1 reserved" in line.why
    assert [p.serial for p in line.failing] == ["Z1"]
    (gap,) = spares_for("srv1", [line])
    assert gap.code == "spare_missing" and "disk:sda" in gap.message
    assert spares_for("other-host", [line]) == []


def test_plan_at_risk_parts_raise_the_reorder_point() -> None:
    parts = [PartLife(model.Component(f"disk:{i}", f"h{i}", "disk", model="M", part_number="M"),
                      "lon", 0, 0, False) for i in range(1000)]
    stock = [StockItem("M", "lon", on_hand=1)]
    calm = plan(stock, parts, {}, 0)[0]
    risky = plan(stock, parts, {(f"h{i}", f"disk:{i}"): "at-risk" for i in range(30)}, 0)[0]
    assert risky.demand_over_lead_time > calm.demand_over_lead_time
    assert risky.reorder_point > calm.reorder_point
    assert len(risky.at_risk) == 30 and risky.at_risk[0].probability > 0


def test_spares_reservation_without_stock_still_counts_and_orders(fresh_store: Store) -> None:
    _seen(fresh_store, 2, "failing", S.CRITICAL)
    (line,) = build_report(fresh_store, 10_000)
    assert (line.part_number, line.reserved, line.on_hand) == ("ST4000DM000", 1, 0)
    assert line.order_quantity == line.reorder_point + 1 and line.below_reorder_point


def test_spares_verdict_readings_are_only_the_health_ones(fresh_store: Store) -> None:
    temp = model.Reading("srv1", "disk:sda:temperature", K.TEMPERATURE, 30.0, "C", S.OK, "", 900)
    labelled = model.Reading("srv1", "nvme:0:state", K.OTHER, None, "", S.WARNING, "", 900,
                             labels={"verdict": "at-risk"})
    fresh_store.ingest([IngestItem("ag", 1, 5, model.Batch(readings=(
        temp, labelled, _verdict("failing", S.CRITICAL))))])
    found = {r.sensor_id for r in fresh_store.spares.verdict_readings()}
    assert found == {"disk:sda:health", "nvme:0:state"}


def test_spares_at_risk_reserves_only_when_the_spare_says_so(fresh_store: Store) -> None:
    fresh_store.spares.change_stock(ImportRow(0, "ST4000DM000", "lon", 1), "ann", "delivery")
    _seen(fresh_store, 2, "at-risk", S.WARNING)
    assert fresh_store.spares.reservations() == []  # likely demand, nothing held
    fresh_store.spares.change_stock(ImportRow(0, "ST4000DM000", "lon", 0, reserve_at_risk=True),
                                    "ann", "critical array: hold a spare for at-risk disks")
    _seen(fresh_store, 3, "at-risk", S.WARNING)
    (res,) = fresh_store.spares.reservations(open_only=True)
    assert "is at-risk" in res.reason
    _seen(fresh_store, 4, "failing", S.CRITICAL)  # worse: the same reservation stays
    assert len(fresh_store.spares.reservations()) == 1
    _seen(fresh_store, 5, "healthy", S.OK)
    assert fresh_store.spares.reservations(open_only=True) == []


def test_spares_catalogue_groups_installed_parts_by_site_with_their_spare(fresh_store: Store
                                                                          ) -> None:
    fresh_store.spares.change_stock(
        ImportRow(0, "SPARE-4T", "lon", 1, replaces=("ST4000DM000",)), "ann", "catalogue")
    (entry,) = build_catalogue(fresh_store, 10_000)
    assert (entry.part_key, entry.part_class, entry.spare_part_number) == (
        "ST4000DM000", "disk", "SPARE-4T")
    assert entry.installed_by_site == {"lon": 2} and entry.sources == ("smartctl",)


def test_spares_receive_moves_on_order_to_on_hand_in_one_recorded_change(fresh_store: Store
                                                                          ) -> None:
    sp = fresh_store.spares
    sp.change_stock(ImportRow(0, "PSU-1", "lon", 1, on_order=3, expected_unix_ms=5), "ann", "PO-9")
    item = sp.receive(ImportRow(0, "PSU-1", "lon", 2), "bob", "delivery note DN-1")
    assert (item.on_hand, item.on_order, item.expected_unix_ms) == (3, 1, 5)
    change = sp.changes()[0]
    assert (change.delta_on_hand, change.delta_on_order, change.who) == (2, -2, "bob")
    with pytest.raises(SparesError, match="cannot receive 4 of PSU-1 at lon: only 1 on order"):
        sp.receive(ImportRow(0, "PSU-1", "lon", 4), "bob", "too many")
    assert sp.receive(ImportRow(0, "PSU-1", "lon", 1), "bob", "rest").expected_unix_ms == 0
