"""Ingest benchmark: N simulated agents stream to a real controller vs plain sqlite3 executemany."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from controller.store import Store  # noqa: E402
from tests.helpers import controller_healthy, free_port, wait_for  # noqa: E402

SENSORS_PER_AGENT = 200


def _batch_bytes(agent_id: str, epoch: int, seq: int, readings: int, t0: int) -> bytes:
    from hotspare.v1 import agent_pb2, types_pb2

    msg = agent_pb2.AgentMessage(batch=agent_pb2.ReadingBatch(
        agent_id=agent_id, stream_epoch=epoch, seq=seq,
        readings=[types_pb2.Reading(asset_id=f"{agent_id}-host", sensor_id=f"s{i % SENSORS_PER_AGENT}",
                                    kind=types_pb2.READING_KIND_TEMPERATURE, value=20.0 + i % 7,
                                    unit="C", status=types_pb2.STATUS_OK,
                                    time_unix_ms=t0 + i // SENSORS_PER_AGENT)
                  for i in range(readings)]))
    return msg.SerializeToString()


def _agent_process(address: str, agent_id: str, batch_size: int, seconds: float, window: int,
                   results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import grpc

    from hotspare.v1 import agent_pb2, agent_pb2_grpc

    epoch = os.getpid()
    t0 = int(time.time() * 1000) - 3_600_000
    per_batch_ms = batch_size // SENSORS_PER_AGENT + 1
    template = agent_pb2.AgentMessage()
    template.ParseFromString(_batch_bytes(agent_id, epoch, 1, batch_size, t0))
    acked = 0
    sent = 0
    deadline = time.monotonic() + seconds
    import queue
    import threading

    credits: queue.Queue[int] = queue.Queue()
    for _ in range(window):
        credits.put(1)

    def requests():
        nonlocal sent
        yield agent_pb2.AgentMessage(hello=agent_pb2.Hello(agent_id=agent_id, stream_epoch=epoch,
                                                           interval_seconds=60))
        while time.monotonic() < deadline:
            try:
                credits.get(timeout=1)
            except queue.Empty:
                continue
            sent += 1
            msg = agent_pb2.AgentMessage()
            msg.CopyFrom(template)
            msg.batch.seq = sent
            base = t0 + sent * per_batch_ms
            for i, r in enumerate(msg.batch.readings):
                r.time_unix_ms = base + i // SENSORS_PER_AGENT
            yield msg

    started = time.monotonic()
    with grpc.insecure_channel(address) as channel:
        call = agent_pb2_grpc.AgentServiceStub(channel).Stream(requests())
        last = 0
        for msg in call:
            if msg.WhichOneof("body") == "ack" and msg.ack.highest_seq > last:
                for _ in range(msg.ack.highest_seq - last):
                    credits.put(1)
                last = msg.ack.highest_seq
                acked = last
                if time.monotonic() >= deadline and acked >= sent:
                    break
        elapsed = time.monotonic() - started
        call.cancel()
    _ = threading
    results.put((acked * batch_size, elapsed))


def end_to_end(agents: int, batch_size: int, seconds: float, window: int,
               config_text: str | None = None, code_root: Path = ROOT) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        address = f"127.0.0.1:{port}"
        env = dict(os.environ, PYTHONPATH=str(code_root))
        log = open(Path(tmp) / "controller.log", "wb")  # noqa: SIM115
        extra: list[str] = []
        if config_text is not None:
            (Path(tmp) / "controller.toml").write_text(config_text)
            extra = ["--config", str(Path(tmp) / "controller.toml")]
        proc = subprocess.Popen([sys.executable, "-m", "hotspare", "--log-level", "warning",
                                 "controller", "run", "--listen", address, "--data-dir", tmp,
                                 *extra],
                                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=code_root)
        try:
            wait_for(lambda: controller_healthy(address), 20, 0.1, "controller")
            results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
            procs = [multiprocessing.Process(target=_agent_process,
                                             args=(address, f"bench-{i}", batch_size, seconds,
                                                   window, results)) for i in range(agents)]
            for p in procs:
                p.start()
            outs = [results.get(timeout=seconds + 60) for _ in procs]
            for p in procs:
                p.join(timeout=10)
            total = sum(n for n, _ in outs)
            elapsed = max(e for _, e in outs)
            store = Store(Path(tmp) / "hotspare.sqlite")
            stored = store.fleet.count_readings()
            store.close()
        finally:
            proc.terminate()
            proc.wait(timeout=15)
            log.close()
    assert stored == total, f"acked {total} readings but {stored} stored"
    return total / elapsed, total


def plain_sqlite(total_rows: int, batch_size: int) -> float:
    """The floor: executemany of the same rows into the same schema, one commit per batch."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "ref.sqlite")
        store.migrate()
        store.close()
        conn = sqlite3.connect(Path(tmp) / "ref.sqlite", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        t0 = 0
        started = time.monotonic()
        done = 0
        sensors = SENSORS_PER_AGENT * 4
        while done < total_rows:
            rows = [((done + i) % sensors + 1, t0 + (done + i) // sensors, 21.0, 1)
                    for i in range(batch_size)]
            conn.execute("BEGIN")
            conn.executemany("INSERT OR REPLACE INTO readings (sensor_key, time_ms, value, status)"
                             " VALUES (?, ?, ?, ?)", rows)
            conn.execute("COMMIT")
            done += batch_size
        elapsed = time.monotonic() - started
        conn.close()
    return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1000, help="readings per batch")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--window", type=int, default=4, help="unacked batches per agent")
    parser.add_argument("--security-baseline", metavar="GIT_REF", default="",
                        help="also run the controller of GIT_REF (before issue 14: no guard, "
                             "ownership or limits) in the same run and print the ratio")
    args = parser.parse_args()
    if args.security_baseline:
        security_ratio(args)
        return
    rate, total = end_to_end(args.agents, args.batch, args.seconds, args.window)
    ref = plain_sqlite(max(total, 200_000), args.batch)
    print(f"agents={args.agents} batch={args.batch} seconds={args.seconds:g} cores={os.cpu_count()}")
    print(f"end-to-end stored: {rate:,.0f} readings/s ({total:,} readings, all verified in SQLite)")
    print(f"plain sqlite3 executemany (same schema, same batch size): {ref:,.0f} rows/s")
    print(f"ratio end-to-end / plain sqlite3: {rate / ref:.3f}")
    print(f"target >= 30,000 readings/s: {'met' if rate >= 30_000 else 'NOT met'}")


def security_ratio(args: argparse.Namespace) -> None:
    """Security on (this tree) vs off (GIT_REF), alternated twice, best of each."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.security_baseline],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        on: list[float] = []
        off: list[float] = []
        for _ in range(2):
            off.append(end_to_end(args.agents, args.batch, args.seconds, args.window,
                                  code_root=Path(tmp))[0])
            on.append(end_to_end(args.agents, args.batch, args.seconds, args.window)[0])
    print(f"agents={args.agents} batch={args.batch} seconds={args.seconds:g} cores={os.cpu_count()}")
    print(f"security off ({args.security_baseline}): {max(off):,.0f} readings/s "
          f"(runs: {', '.join(f'{x:,.0f}' for x in off)})")
    print(f"security on (guard, ownership, limits): {max(on):,.0f} readings/s "
          f"(runs: {', '.join(f'{x:,.0f}' for x in on)})")
    print(f"ratio on / off: {max(on) / max(off):.3f} (target >= 0.85)")


if __name__ == "__main__":
    main()
