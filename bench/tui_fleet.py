"""TUI at fleet scale: a real controller with 10,000 assets, the real app driven through Pilot."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotspare.client import ControllerClient  # noqa: E402
from hotspare.v1 import types_pb2  # noqa: E402
from tests.fakes.fleet_feed import FleetFeed  # noqa: E402
from tests.helpers import ControllerProc  # noqa: E402
from tui.app import HotSpareApp  # noqa: E402
from tui.screens.asset import AssetScreen  # noqa: E402
from tui.screens.fleet import FleetScreen  # noqa: E402

GOALS = {"first full table": 1.0, "keystroke p95": 0.100, "7-character search": 0.300,
         "burst of 1,000 applied": 0.200}
SEARCH = "r042-sr"  # 7 characters: the 40 servers of rack r042


async def until(predicate: Callable[[], object], pilot: object, seconds: float = 60.0) -> None:
    """Let the app run until predicate holds; bounded in time and count."""
    for _ in range(int(seconds / 0.005)):
        if predicate():
            return
        await pilot.pause(0.005)  # type: ignore[attr-defined]
    raise AssertionError("condition not reached in time")


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(len(samples) * 0.95 + 0.5) - 1)]


async def listing(address: str) -> tuple[float, float]:
    """Seconds for the whole fleet in one ListAssets, and for the first page of 200."""
    async with ControllerClient(address, 60) as client:
        started = time.perf_counter()
        await client.list_assets()
        whole = time.perf_counter() - started
        started = time.perf_counter()
        await client.list_assets_page(200)
        return whole, time.perf_counter() - started


async def drive(address: str, feed: FleetFeed, count: int, rounds: int,
                profile: bool = False) -> dict[str, float]:
    out: dict[str, float] = {}
    started = time.perf_counter()
    app = HotSpareApp(address)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: isinstance(app.screen, FleetScreen), pilot)
        fleet = app.screen
        assert isinstance(fleet, FleetScreen)
        table = fleet.table
        await until(lambda: table.row_count >= 36, pilot)
        await pilot.pause()
        out["first screen of rows"] = time.perf_counter() - started
        await until(lambda: fleet.loaded and table.row_count == count, pilot)
        await pilot.pause()
        out["first full table"] = time.perf_counter() - started

        async def key(k: str, done: Callable[[], object]) -> float:
            t = time.perf_counter()
            await pilot.press(k)
            await until(done, pilot)
            await pilot.pause()
            return time.perf_counter() - t

        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        samples: dict[str, list[float]] = {"sort": [], "move": [], "open": [], "back": []}
        for i in range(rounds):
            want = not fleet.worst_first
            samples["sort"].append(await key("p", lambda w=want: fleet.worst_first == w))  # type: ignore[misc]
            for _ in range(3):
                row = table.cursor_row
                samples["move"].append(await key("down", lambda r=row: table.cursor_row == r + 1))  # type: ignore[misc]
            samples["open"].append(await key("enter", lambda: isinstance(app.screen, AssetScreen)
                                             and app.screen.detail is not None))
            samples["back"].append(await key("escape", lambda: app.screen is fleet))
            del i
        every = [s for v in samples.values() for s in v]
        for name, v in samples.items():
            out[f"keystroke {name} p95"] = p95(v)
        out["keystroke p95"] = p95(every)
        if fleet.worst_first:
            await pilot.press("p")
        await pilot.pause()

        await pilot.press("slash")
        t = time.perf_counter()
        await pilot.press(*SEARCH)
        await until(lambda: fleet.index.query == SEARCH and table.row_count == 40, pilot)
        await pilot.pause()
        out["7-character search"] = time.perf_counter() - t
        t = time.perf_counter()
        await pilot.press("escape")
        await until(lambda: table.row_count == count, pilot)
        await pilot.pause()
        out["clear search (back to 10,000 rows)"] = time.perf_counter() - t
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumtime").print_stats(40)

        await pilot.press("p")  # problems first: the burst reorders the table too
        await pilot.pause()
        applied: list[float] = []
        original = fleet.apply_changes

        def timed(summaries: list) -> None:  # type: ignore[type-arg]
            t0 = time.perf_counter()
            original(summaries)
            applied.append(time.perf_counter() - t0)

        fleet.apply_changes = timed  # type: ignore[method-assign]
        burst = feed.ids[5::10][:1000]
        t = time.perf_counter()
        await asyncio.to_thread(feed.send, feed.readings(burst, 91.0, types_pb2.STATUS_WARNING,
                                                         "inlet above 85 C"))
        sent = time.perf_counter()
        await until(lambda: all(fleet.index.summaries[a].worst_status.label == "warning"
                                for a in burst), pilot)
        await pilot.pause()
        out["burst of 1,000 applied"] = sum(applied)
        out["burst: stored by controller"] = sent - t
        out["burst: send to screen (incl. 0.25 s push coalescing)"] = time.perf_counter() - t
        out["burst: pushed updates"] = len(applied)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10, help="rounds of sort/move/open/back")
    parser.add_argument("--profile", action="store_true", help="profile keystrokes and search")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctl = ControllerProc(Path(tmp) / "data")
        ctl.wait_ready()
        feed = FleetFeed(ctl.address, args.assets)
        try:
            feed.fill()
            whole, page = asyncio.run(listing(ctl.address))
            figures = asyncio.run(drive(ctl.address, feed, args.assets, args.rounds, args.profile))
        finally:
            feed.close()
            ctl.stop()
    print(f"assets={args.assets} rounds={args.rounds} terminal=120x40 cores={os.cpu_count()}")
    print(f"ListAssets, whole fleet in one answer: {whole:.3f} s; first page of 200: {page:.3f} s")
    for name, value in figures.items():
        goal = GOALS.get(name)
        if name == "burst: pushed updates":
            print(f"{name}: {value:.0f}")
            continue
        verdict = "" if goal is None else f"  goal <= {goal * 1000:.0f} ms: " + (
            "met" if value <= goal else "NOT met")
        print(f"{name}: {value * 1000:.0f} ms{verdict}")


if __name__ == "__main__":
    main()
