"""Soak load: one process hosting many simulated agents (the real AgentStream and spool each)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.config import SpoolConfig, StreamConfig  # noqa: E402
from agent.stream import AgentStream  # noqa: E402
from hotspare import model  # noqa: E402

SENSOR_ID = "soak:counter"


class Ledger:
    """Append-only lines in a file; each write reaches the kernel at once (survives kill -9)."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, line: str) -> None:
        os.write(self._fd, (line + "\n").encode())


def asset_of(agent_id: str) -> str:
    return f"{agent_id}-host"


async def _generate(stream: AgentStream, agent_id: str, base_ms: int, interval_ms: int,
                    ledger: Ledger, stop: asyncio.Event) -> None:
    """Reading n of an agent has value n and time base + n * interval; each n is made once."""
    last_n = (int(time.time() * 1000) - base_ms) // interval_ms  # a restart does not backfill
    while not stop.is_set():
        n = (int(time.time() * 1000) - base_ms) // interval_ms
        if n > last_n:
            last_n = n
            t = base_ms + n * interval_ms
            ledger.write(f"gen {agent_id} {n}")  # handed over from here on
            stream.submit(model.Batch(readings=(model.Reading(
                asset_of(agent_id), SENSOR_ID, model.ReadingKind.LOAD, float(n), "",
                model.Status.OK, time_unix_ms=t),)))
        next_ms = base_ms + (last_n + 1) * interval_ms
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, next_ms / 1000 - time.time()))


async def main(args: argparse.Namespace) -> None:
    ledger = Ledger(args.ledger)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    streams: list[AgentStream] = []
    for agent_id in args.agent_ids.split(","):
        small = agent_id in set(args.small_spool.split(","))
        cfg = StreamConfig(controller=args.controller, backoff_initial_seconds=0.2,
                           backoff_max_seconds=1.0,
                           max_pending_batches=args.small_spool_batches if small else 100_000)

        def on_gaps(gaps: list[model.Gap], agent_id: str = agent_id) -> None:
            for g in gaps:
                ledger.write("gap " + json.dumps({"agent": agent_id, "asset": g.asset_id,
                                                  "from": g.from_unix_ms, "to": g.to_unix_ms,
                                                  "readings": g.readings_dropped}))

        stream = AgentStream(agent_id, cfg, [model.Asset(asset_of(agent_id), model.AssetKind.SERVER)],
                             ["soak"], args.interval_ms / 1000,
                             spool=SpoolConfig(state_dir=args.state_dir), on_gaps=on_gaps)
        await stream.open()
        stream.start()
        streams.append(stream)
    gens = [asyncio.create_task(_generate(s, s.agent_id, args.base_ms, args.interval_ms, ledger,
                                          stop)) for s in streams]
    await stop.wait()
    await asyncio.gather(*gens)
    # drain: wait (bounded) until the controller has acknowledged everything, then stop
    deadline = time.monotonic() + args.drain_seconds
    while time.monotonic() < deadline and any(s.pending_count for s in streams):
        for s in streams:
            s.flush()
        await asyncio.sleep(0.2)
    await asyncio.gather(*(s.stop() for s in streams))
    left = sum(s.pending_count for s in streams)
    print(f"soak host stopped: {len(streams)} agents, {left} batches unacknowledged", flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--controller", required=True)
    p.add_argument("--agent-ids", required=True, help="comma-separated")
    p.add_argument("--state-dir", type=Path, required=True)
    p.add_argument("--ledger", type=Path, required=True)
    p.add_argument("--base-ms", type=int, required=True)
    p.add_argument("--interval-ms", type=int, default=1000)
    p.add_argument("--small-spool", default="", help="agent ids whose spool holds few batches")
    p.add_argument("--small-spool-batches", type=int, default=3)
    p.add_argument("--drain-seconds", type=float, default=30.0)
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
