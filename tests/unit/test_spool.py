"""The agent's durable spool: persisted epoch and seqs, bounds by bytes, age and count, gaps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.spool import Spool, SpoolError, SpoolLimits, spool_path
from hotspare import convert, model
from hotspare.v1 import agent_pb2

NOW_MS = 1_700_000_000_000


def _batch(asset: str, times_ms: list[int], sensor: str = "t") -> model.Batch:
    return model.Batch(readings=tuple(
        model.Reading(asset, sensor, model.ReadingKind.TEMPERATURE, 20.0, "C", time_unix_ms=t)
        for t in times_ms))


@pytest.fixture
def spool_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


def _open(spool_dir: Path, limits: SpoolLimits | None = None, agent_id: str = "a1") -> Spool:
    spool = Spool(spool_path(spool_dir, agent_id), agent_id, limits or SpoolLimits())
    spool.open()
    return spool


@pytest.fixture
def fresh_spool(spool_dir: Path) -> Iterator[Spool]:
    spool = _open(spool_dir)
    yield spool
    spool.close()


def _decoded(spool: Spool) -> list[agent_pb2.ReadingBatch]:
    return [agent_pb2.ReadingBatch.FromString(b) for _, b in spool.read(spool.seqs)]


def test_spool_epoch_seq_and_unacked_batches_survive_reopen(spool_dir):
    spool = _open(spool_dir)
    epoch = spool.epoch
    assert epoch > 0 and spool.last_seq == 0
    assert spool.append([_batch("h", [1, 2])], NOW_MS).seqs == [1]
    assert spool.append([_batch("h", [3]), _batch("h", [4])], NOW_MS).seqs == [2, 3]
    assert spool.ack(1) == 1
    spool.close()
    again = _open(spool_dir)
    try:
        assert (again.epoch, again.last_seq, again.seqs) == (epoch, 3, [2, 3])
        msgs = _decoded(again)
        assert [(m.stream_epoch, m.seq, m.agent_id) for m in msgs] == [(epoch, 2, "a1"),
                                                                       (epoch, 3, "a1")]
        assert convert.batch_from_pb(msgs[0]) == _batch("h", [3])
        again.ack(3)
    finally:
        again.close()
    third = _open(spool_dir)
    try:  # everything acked: the seq still continues, never reused
        assert third.seqs == [] and third.append([_batch("h", [5])], NOW_MS).seqs == [4]
    finally:
        third.close()


def test_spool_full_by_count_drops_oldest_and_records_a_gap_per_asset(spool_dir):
    spool = _open(spool_dir, SpoolLimits(max_batches=2))
    try:
        spool.append([model.Batch(readings=_batch("h", [10, 30]).readings
                                  + _batch("sw", [20]).readings)], NOW_MS)
        spool.append([_batch("h", [40])], NOW_MS)
        result = spool.append([_batch("h", [50])], NOW_MS)
        assert result.dropped_seqs == [1] and result.seqs == [3]
        assert result.dropped_batches_total == 1
        by_asset = {g.asset_id: g for g in result.gaps}
        assert (by_asset["h"].from_unix_ms, by_asset["h"].to_unix_ms,
                by_asset["h"].readings_dropped) == (10, 30, 2)
        assert (by_asset["sw"].from_unix_ms, by_asset["sw"].readings_dropped) == (20, 1)
        assert "spool full" in by_asset["h"].reason
        newest = convert.batch_from_pb(_decoded(spool)[-1])
        assert set(newest.gaps) == set(result.gaps)  # the gap travels with the next batch
        assert _decoded(spool)[-1].dropped_batches_total == 1
    finally:
        spool.close()


def test_spool_dropping_a_batch_that_carries_gaps_keeps_those_gaps(spool_dir):
    spool = _open(spool_dir, SpoolLimits(max_batches=1))
    try:
        spool.append([_batch("h", [1])], NOW_MS)
        first = spool.append([_batch("h", [2])], NOW_MS).gaps
        second = spool.append([_batch("h", [3])], NOW_MS)
        assert [g.from_unix_ms for g in first] == [1]
        assert sorted(g.from_unix_ms for g in second.gaps) == [1, 2]
        assert [g.from_unix_ms for g in second.new_gaps] == [2]
    finally:
        spool.close()


def test_spool_bounded_by_bytes(spool_dir):
    spool = _open(spool_dir, SpoolLimits(max_bytes=64 * 1024))
    try:
        for i in range(200):
            spool.append([_batch("h", list(range(i * 50, i * 50 + 50)))], NOW_MS)
        assert spool.total_bytes <= 64 * 1024
        assert 0 < len(spool.seqs) < 200 and spool.dropped_batches_total == 200 - len(spool.seqs)
        assert spool.seqs[-1] == 200
    finally:
        spool.close()


def test_spool_drops_batches_older_than_max_age(spool_dir):
    spool = _open(spool_dir, SpoolLimits(max_age_seconds=60))
    try:
        spool.append([_batch("h", [5])], NOW_MS - 61_000)
        spool.append([_batch("h", [6])], NOW_MS - 30_000)
        result = spool.append([_batch("h", [7])], NOW_MS)
        assert result.dropped_seqs == [1] and spool.seqs == [2, 3]
        assert [(g.from_unix_ms, g.readings_dropped) for g in result.gaps] == [(5, 1)]
        assert "max_age_seconds=60" in result.gaps[0].reason
    finally:
        spool.close()


def test_spool_remove_forgets_a_rejected_batch(fresh_spool):
    fresh_spool.append([_batch("h", [1]), _batch("h", [2])], NOW_MS)
    assert fresh_spool.remove(1) and not fresh_spool.remove(1)
    assert fresh_spool.seqs == [2]


def test_spool_in_use_by_another_agent_is_refused(fresh_spool, spool_dir):
    with pytest.raises(SpoolError, match="in use by another agent process"):
        _open(spool_dir)


def test_spool_of_another_agent_id_is_refused(spool_dir):
    path = spool_path(spool_dir, "a1")
    _open(spool_dir).close()
    other = Spool(path, "b2", SpoolLimits())
    with pytest.raises(SpoolError, match="belongs to agent 'a1', not 'b2'"):
        other.open()
    other.close()


def test_spool_corrupt_file_is_moved_aside_and_a_fresh_one_started(spool_dir):
    spool_dir.mkdir()
    path = spool_path(spool_dir, "a1")
    path.write_bytes(b"this is not a database" * 100)
    spool = _open(spool_dir)
    try:
        assert spool.seqs == [] and spool.epoch > 0
        assert list(spool_dir.glob("spool-a1.sqlite.corrupt-*"))
    finally:
        spool.close()


def test_spool_of_a_newer_schema_is_refused(spool_dir):
    import sqlite3

    spool_dir.mkdir()
    with sqlite3.connect(spool_path(spool_dir, "a1")) as conn:
        conn.execute("PRAGMA user_version=99")
    spool = Spool(spool_path(spool_dir, "a1"), "a1", SpoolLimits())
    with pytest.raises(SpoolError, match="newer HotSpare agent"):
        spool.open()
    spool.close()


def test_spool_path_is_safe_for_any_agent_id(tmp_path):
    assert spool_path(tmp_path, "rack 1/srv:2").name == "spool-rack_1_srv_2.sqlite"


async def test_spool_write_failure_becomes_a_gap_sent_with_the_next_batch(tmp_path, monkeypatch):
    import sqlite3

    from agent.config import SpoolConfig, StreamConfig
    from agent.stream import AgentStream

    stream = AgentStream("a1", StreamConfig(), [], [], 1.0,
                         spool=SpoolConfig(state_dir=tmp_path / "state"))
    await stream.open()
    try:
        real_append = stream.spool.append

        def disk_full(*args, **kwargs):
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(stream.spool, "append", disk_full)
        for t in (10, 20):
            stream.submit(_batch("h", [t]))
            await stream._spool_buffer()
        assert stream.pending_count == 0
        monkeypatch.setattr(stream.spool, "append", real_append)
        stream.submit(_batch("h", [30]))
        await stream._spool_buffer()
        assert stream.pending_count == 1
        bodies = await stream._worker.run(stream.spool.read, stream.spool.seqs)  # its one thread
        sent = convert.batch_from_pb(agent_pb2.ReadingBatch.FromString(bodies[0][1]))
        assert [r.time_unix_ms for r in sent.readings] == [30]
        assert [(g.asset_id, g.from_unix_ms, g.to_unix_ms, g.readings_dropped) for g in sent.gaps] \
            == [("h", 10, 20, 2)]  # two failed writes, one merged gap
        assert "disk is full" in sent.gaps[0].reason
    finally:
        await stream.stop()
