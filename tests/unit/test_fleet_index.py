"""FleetIndex: sort orders kept up to date, narrowing search, changed-id reporting."""

from __future__ import annotations

import dataclasses

from hotspare import model
from tests.fakes.tui_client import summary
from tui.fleet_index import FleetIndex, haystack


def test_fleet_index_upsert_reports_only_changed_ids():
    index = FleetIndex()
    first = [summary(i) for i in range(10)]
    assert index.upsert(first) == {s.asset.asset_id for s in first}
    assert index.upsert(first) == set()
    bumped = dataclasses.replace(first[3], worst_status=model.Status.CRITICAL)
    assert index.upsert([bumped, first[4]]) == {bumped.asset.asset_id}


def test_fleet_index_problems_order_follows_updates():
    index = FleetIndex()
    fleet = [summary(i) for i in range(300)]
    index.upsert(fleet)  # bulk path: one sort
    index.set_mode("problems")
    ids = index.visible()
    assert index.summaries[ids[0]].alert_level == 1
    ok = next(s for s in fleet if s.worst_status is model.Status.OK)
    index.upsert([dataclasses.replace(ok, alert_level=1, worst_status=model.Status.CRITICAL)])
    assert ok.asset.asset_id in index.visible()[:20]
    index.set_mode("asset")
    assert index.visible() == sorted(s.asset.asset_id for s in fleet)


def test_fleet_index_bulk_and_single_inserts_give_the_same_order():
    fleet = [summary(i) for i in range(600)]
    bulk, single = FleetIndex(), FleetIndex()
    bulk.upsert(fleet)
    for s in reversed(fleet):
        single.upsert([s])
    for mode in ("asset", "problems"):
        bulk.set_mode(mode)
        single.set_mode(mode)
        assert bulk.visible() == single.visible()


def test_fleet_index_search_narrows_and_widens():
    index = FleetIndex()
    index.upsert([summary(i) for i in range(200)])
    index.set_query("r001")
    assert len(index.visible()) == 40
    index.set_query("r001 warning")  # narrows: searched within the last matches
    narrowed = index.visible()
    assert narrowed and all(haystack(index.summaries[k]).count("warning") for k in narrowed)
    index.set_query("r00")  # widens: searched over everything again
    assert len(index.visible()) == 200
    index.set_query("")
    assert len(index.visible()) == 200


def test_fleet_index_updates_respect_the_query():
    index = FleetIndex()
    fleet = [summary(i) for i in range(50)]
    index.upsert(fleet)
    index.set_query("critical")
    before = set(index.visible())
    ok = next(s for s in fleet if s.worst_status is model.Status.OK)
    index.upsert([dataclasses.replace(ok, worst_status=model.Status.CRITICAL)])
    assert set(index.visible()) == before | {ok.asset.asset_id}
    index.remove([ok.asset.asset_id])
    assert set(index.visible()) == before
