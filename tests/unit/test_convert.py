"""Protobuf <-> domain conversion round-trips every field."""

from __future__ import annotations

import re

import pytest

from hotspare import convert, model


def test_convert_reading_round_trip_with_and_without_value():
    for value in (42.5, None, 0.0):
        r = model.Reading("a", "s", model.ReadingKind.FAN, value, "RPM", model.Status.CRITICAL,
                          "below 500", 1234, "Fan 1", {"k": "v"})
        assert convert.reading_from_pb(convert.reading_to_pb(r)) == r


def test_convert_batch_round_trip():
    batch = model.Batch(
        readings=(model.Reading("a", "cpu", model.ReadingKind.CPU, 5.0, "%", time_unix_ms=1),),
        events=(model.Event("a", "sel:1", 10, "sel", model.Status.WARNING, "PSU1", "assert", "x"),),
        assets=(model.Asset("a", model.AssetKind.UPS, location=model.Location(rack="r")),),
        components=(model.Component("d1", "a", "disk", serial="S", capacity_bytes=10, fru=True),),
        gaps=(model.Gap("a", 100, 200, 7, "spool full: 1 MiB"),),
    )
    msg = convert.batch_to_pb("agent", 3, 9, batch, 2)
    assert (msg.stream_epoch, msg.seq, msg.dropped_batches_total) == (3, 9, 2)
    assert convert.batch_from_pb(msg) == batch


@pytest.mark.parametrize("gap, expected", [
    (model.Gap("", 1, 2, 3), "without asset_id"),
    (model.Gap("a", 5, 2, 3), "ends (2) before it starts (5)"),
])
def test_convert_bad_gap_is_a_conversion_error(gap, expected):
    msg = convert.batch_to_pb("agent", 1, 1, model.Batch(gaps=(gap,)))
    with pytest.raises(convert.ConversionError, match=re.escape(expected)):
        convert.batch_from_pb(msg)


@pytest.mark.parametrize("action", ["power", "fence", "promote", "demote"])
def test_convert_command_round_trip(action):
    cmd = model.Command("c1", "srv", 99, action,
                        model.PowerAction.OFF if action == "power" else None,
                        "" if action == "power" else "g1", 4, "alice", 7.5, "sw-1",
                        "f-1" if action == "promote" else "")
    assert convert.command_from_pb(convert.command_to_pb(cmd)) == cmd


def test_convert_command_without_action_is_an_error():
    from hotspare.v1 import agent_pb2

    with pytest.raises(convert.ConversionError):
        convert.command_from_pb(agent_pb2.Command(command_id="x"))


def test_convert_summary_and_history_round_trip():
    s = model.AssetSummary(model.Asset("a", model.AssetKind.SERVER), model.Status.UNKNOWN,
                           "agent down", 5, "ag", False, ())
    assert convert.summary_from_pb(convert.summary_to_pb(s)) == s
    pts = [model.HistoryPoint(1, 2.0, model.Status.OK), model.HistoryPoint(2, None,
                                                                          model.Status.UNKNOWN)]
    assert convert.history_from_pb(convert.history_to_pb(pts)) == pts
