"""Ingest benchmark: N simulated agents stream to a real controller vs plain sqlite3 executemany."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
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
    results.put((acked * batch_size, elapsed))


def _scraper(port: int, every_seconds: float, stop: threading.Event, counts: list[int]) -> None:
    """Scrape /metrics like Prometheus would (here much more often) while the run lasts."""
    while not stop.wait(every_seconds):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            counts.append(len(resp.read()))


def end_to_end(agents: int, batch_size: int, seconds: float, window: int,
               config_text: str | None = None, scrape_every: float | None = None,
               keep_db: Path | None = None, code_root: Path = ROOT
               ) -> tuple[float, int, float]:
    """Readings/s stored, readings stored, controller CPU seconds; with scrape_every the
    controller serves /metrics and is scraped that often; code_root runs another tree's code."""
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        address = f"127.0.0.1:{port}"
        env = dict(os.environ, PYTHONPATH=str(code_root))
        log = open(Path(tmp) / "controller.log", "wb")  # noqa: SIM115
        extra: list[str] = []
        if config_text is not None:
            (Path(tmp) / "controller.toml").write_text(config_text)
            extra = ["--config", str(Path(tmp) / "controller.toml")]
        metrics_port = free_port()
        if scrape_every is not None:
            extra += ["--metrics-listen", f"127.0.0.1:{metrics_port}"]
        stop_scraping = threading.Event()
        scrapes: list[int] = []
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
            scraper = threading.Thread(target=_scraper, args=(metrics_port, scrape_every or 1.0,
                                                              stop_scraping, scrapes), daemon=True)
            if scrape_every is not None:
                scraper.start()
            outs = [results.get(timeout=seconds + 60) for _ in procs]
            stop_scraping.set()
            if scrape_every is not None:
                scraper.join(timeout=10)
                assert scrapes, "metrics were never scraped"
            for p in procs:
                p.join(timeout=10)
            total = sum(n for n, _ in outs)
            elapsed = max(e for _, e in outs)
            store = Store(Path(tmp) / "hotspare.sqlite")
            stored = store.fleet.count_readings()
            store.close()
        finally:
            cpu_seconds = _cpu_seconds(proc.pid)
            proc.terminate()
            proc.wait(timeout=15)
            log.close()
        if keep_db is not None:  # after a clean stop: the WAL is checkpointed into the file
            shutil.copyfile(Path(tmp) / "hotspare.sqlite", keep_db)
    assert stored == total, f"acked {total} readings but {stored} stored"
    return total / elapsed, total, cpu_seconds


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    parser.add_argument("--keep-db", type=Path, help="copy the controller's database here")
    parser.add_argument("--metrics-rounds", type=int, default=0,
                        help="instead: alternate runs without and with /metrics (scraped every"
                             " --scrape-every s), this many of each, and print the ratio")
    parser.add_argument("--scrape-every", type=float, default=1.0)
    parser.add_argument("--paired", action="store_true",
                        help="with --metrics-rounds: run the two controllers at the same time"
                             " (each with half the agents), so both see the same machine load")
    parser.add_argument("--security-baseline", metavar="GIT_REF", default="",
                        help="also run the controller of GIT_REF (before issue 14: no guard, "
                             "ownership or limits) in the same run and print the ratio")
    args = parser.parse_args()
    if args.security_baseline:
        security_ratio(args)
        return
    if args.metrics_rounds:
        compare_metrics(args)
        return
    rate, total, _ = end_to_end(args.agents, args.batch, args.seconds, args.window,
                                keep_db=args.keep_db)
    ref = plain_sqlite(max(total, 200_000), args.batch)
    print(f"agents={args.agents} batch={args.batch} seconds={args.seconds:g} cores={os.cpu_count()}")
    print(f"end-to-end stored: {rate:,.0f} readings/s ({total:,} readings, all verified in SQLite)")
    print(f"plain sqlite3 executemany (same schema, same batch size): {ref:,.0f} rows/s")
    print(f"ratio end-to-end / plain sqlite3: {rate / ref:.3f}")
    print(f"target >= 30,000 readings/s: {'met' if rate >= 30_000 else 'NOT met'}")


def compare_metrics(args: argparse.Namespace) -> None:
    """The cost of metrics on the hot path: the same load with and without /metrics."""
    if args.paired:
        compare_metrics_paired(args)
        return
    off: list[float] = []
    on: list[float] = []
    cpu_off: list[float] = []  # controller CPU microseconds per stored reading
    cpu_on: list[float] = []
    for i in range(args.metrics_rounds):
        runs = [(False, off, cpu_off), (True, on, cpu_on)]
        for metrics, rates, cpus in runs if i % 2 == 0 else reversed(runs):  # ABBA order
            rate, total, cpu = end_to_end(args.agents, args.batch, args.seconds, args.window,
                                          scrape_every=args.scrape_every if metrics else None)
            rates.append(rate)
            cpus.append(cpu / total * 1e6)
    b, m = statistics.median(off), statistics.median(on)
    cb, cm = statistics.median(cpu_off), statistics.median(cpu_on)
    print(f"agents={args.agents} batch={args.batch} seconds={args.seconds:g} "
          f"rounds={args.metrics_rounds} scrape every {args.scrape_every:g}s cores={os.cpu_count()}")
    print(f"metrics off: {b:,.0f} readings/s median  (runs: {', '.join(f'{x:,.0f}' for x in off)})")
    print(f"metrics on:  {m:,.0f} readings/s median  (runs: {', '.join(f'{x:,.0f}' for x in on)})")
    print(f"controller CPU per stored reading: off {cb:.2f} us, on {cm:.2f} us (runs off: "
          f"{', '.join(f'{x:.2f}' for x in cpu_off)}; on: {', '.join(f'{x:.2f}' for x in cpu_on)})")
    print(f"ratio on / off, throughput: {m / b:.3f} (target >= 0.95: "
          f"{'met' if m / b >= 0.95 else 'NOT met'}); CPU efficiency (off/on): {cb / cm:.3f}")


def compare_metrics_paired(args: argparse.Namespace) -> None:
    """Both setups at once, half the agents each: background load hits both alike."""
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    half = max(1, args.agents // 2)
    for _ in range(args.metrics_rounds):
        out: dict[bool, tuple[float, int, float]] = {}

        def run(metrics: bool, out: dict[bool, tuple[float, int, float]] = out) -> None:
            out[metrics] = end_to_end(half, args.batch, args.seconds, args.window,
                                      scrape_every=args.scrape_every if metrics else None)

        threads = [threading.Thread(target=run, args=(m,)) for m in (False, True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 180)
        (off_rate, off_n, off_cpu), (on_rate, on_n, on_cpu) = out[False], out[True]
        ratios.append(on_rate / off_rate)
        cpu_ratios.append((off_cpu / off_n) / (on_cpu / on_n))
        print(f"round: off {off_rate:,.0f}/s ({off_cpu / off_n * 1e6:.2f} us CPU/reading), "
              f"on {on_rate:,.0f}/s ({on_cpu / on_n * 1e6:.2f} us), ratio {ratios[-1]:.3f}",
              flush=True)
    r, c = statistics.median(ratios), statistics.median(cpu_ratios)
    print(f"paired: {args.metrics_rounds} rounds, {half} agents per controller, batch={args.batch},"
          f" {args.seconds:g}s, scrape every {args.scrape_every:g}s, cores={os.cpu_count()}")
    print(f"median ratio on / off, throughput: {r:.3f} (target >= 0.95: "
          f"{'met' if r >= 0.95 else 'NOT met'}); CPU efficiency (off/on): {c:.3f}")


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
