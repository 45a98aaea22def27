"""TUI at fleet scale: a real controller with 10,000 assets, the real app driven through Pilot."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.keys import _character_to_key  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.screen import Screen  # noqa: E402

from hotspare import model  # noqa: E402
from hotspare.client import ControllerClient  # noqa: E402
from hotspare.v1 import types_pb2  # noqa: E402
from tests.fakes.fleet_feed import FleetFeed  # noqa: E402
from tests.fakes.tui_client import FakeClient  # noqa: E402
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


class FirstRender:
    """Time of the first screen update after which a condition holds (Screen._compositor_refresh
    is where Textual writes a frame); Pilot's own idle waits after a key are not counted."""

    def __init__(self) -> None:
        self.predicate: Callable[[], object] | None = None
        self.hit: float | None = None
        original = Screen._compositor_refresh
        watch = self

        def patched(screen: Screen[object]) -> None:
            original(screen)
            if watch.predicate is not None and watch.hit is None and watch.predicate():
                watch.hit = time.perf_counter()

        Screen._compositor_refresh = patched  # type: ignore[method-assign,assignment]

    async def measure(self, pilot: Pilot[None], act: Callable[[], Awaitable[object]],
                      done: Callable[[], object]) -> float:
        self.predicate, self.hit = done, None
        started = time.perf_counter()
        await act()
        await until(lambda: self.hit is not None, pilot)
        self.predicate = None
        assert self.hit is not None
        return self.hit - started


def type_burst(app: HotSpareApp, text: str) -> None:
    """Keys as a fast typist or a paste delivers them: all queued at once, no waits between."""
    driver = app._driver
    assert driver is not None
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


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


async def drive(app: HotSpareApp, send_burst: Callable[[list[str]], Awaitable[object]],
                count: int, rounds: int, profile: bool = False) -> dict[str, float]:
    out: dict[str, float] = {}
    started = time.perf_counter()
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

        watch = FirstRender()

        async def key(k: str, done: Callable[[], object]) -> float:
            return await watch.measure(pilot, lambda: pilot.press(k), done)

        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        samples: dict[str, list[float]] = {"sort": [], "move": [], "open": [], "back": []}
        for _ in range(rounds):
            want = not fleet.worst_first
            samples["sort"].append(await key("p", lambda w=want: fleet.worst_first == w  # type: ignore[misc]
                                             and table.cursor_key is not None))
            for _ in range(3):
                row = table.cursor_row
                samples["move"].append(await key("down", lambda r=row: table.cursor_row == r + 1))  # type: ignore[misc]
            samples["open"].append(await key("enter", lambda: isinstance(app.screen, AssetScreen)
                                             and app.screen.detail is not None))
            samples["back"].append(await key("escape", lambda: app.screen is fleet))
        every = [s for v in samples.values() for s in v]
        for name, v in samples.items():
            out[f"keystroke {name} p50"] = statistics.median(v)
            out[f"keystroke {name} p95"] = p95(v)
        out["keystroke p95"] = p95(every)
        if fleet.worst_first:
            await pilot.press("p")
        await pilot.press("slash")
        await pilot.pause()

        async def burst() -> None:
            type_burst(app, SEARCH)

        done = lambda: fleet.index.query == SEARCH and table.row_count == 40  # noqa: E731
        out["7-character search"] = await watch.measure(pilot, burst, done)
        out["clear search (back to 10,000 rows)"] = await watch.measure(
            pilot, lambda: pilot.press("escape"), lambda: table.row_count == count)
        await pilot.press("slash")
        t = time.perf_counter()
        await pilot.press(*SEARCH)  # one key at a time, Pilot waiting for idle after each
        await until(done, pilot)
        out["7-character search, key by key (incl. Pilot idle waits)"] = time.perf_counter() - t
        await pilot.press("escape")
        await until(lambda: table.row_count == count, pilot)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)

        await pilot.press("p")  # problems first: the burst reorders the table too
        await pilot.pause()
        applied: list[float] = []
        original = fleet.apply_changes

        def timed(summaries: list) -> None:  # type: ignore[type-arg]
            t0 = time.perf_counter()
            original(summaries)
            applied.append(time.perf_counter() - t0)

        fleet.apply_changes = timed  # type: ignore[method-assign]
        changed = sorted(fleet.index.summaries)[5::10][:1000]
        t = time.perf_counter()
        await send_burst(changed)
        sent = time.perf_counter()
        await until(lambda: all(fleet.index.summaries[a].worst_status.label == "warning"
                                for a in changed), pilot)
        await pilot.pause()
        out["burst of 1,000 applied"] = sum(applied)
        out["burst: stored by controller"] = sent - t
        out["burst: send to screen (incl. 0.25 s push coalescing)"] = time.perf_counter() - t
        out["burst: pushed updates"] = len(applied)
    return out


def real_run(count: int, rounds: int, profile: bool) -> tuple[float, float, dict[str, float]]:
    """A controller process fed by one scripted agent stream owning `count` assets."""
    with tempfile.TemporaryDirectory() as tmp:
        ctl = ControllerProc(Path(tmp) / "data")
        ctl.wait_ready()
        feed = FleetFeed(ctl.address, count)
        try:
            feed.fill()
            whole, page = asyncio.run(listing(ctl.address))

            async def send_burst(ids: list[str]) -> None:
                await asyncio.to_thread(feed.send, feed.readings(
                    ids, 91.0, types_pb2.STATUS_WARNING, "inlet above 85 C"))

            figures = asyncio.run(drive(HotSpareApp(ctl.address), send_burst, count, rounds,
                                        profile))
        finally:
            feed.close()
            ctl.stop()
    return whole, page, figures


async def fake_run(count: int, rounds: int, profile: bool) -> dict[str, float]:
    """The same keys against the fake client (no controller): the TUI's own share."""
    client = FakeClient(count)

    async def send_burst(ids: list[str]) -> None:
        await client.pushes.put([dataclasses.replace(
            s, worst_status=model.Status.WARNING, worst_reason="inlet: above 85 C")
            for s in client.fleet if s.asset.asset_id in set(ids)])

    return await drive(HotSpareApp(client=client), send_burst, count, rounds, profile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10, help="rounds of sort/move/open/back")
    parser.add_argument("--profile", action="store_true", help="profile keystrokes and search")
    parser.add_argument("--fake", action="store_true",
                        help="no controller: the fake client's fixed fleet (the TUI's own cost)")
    args = parser.parse_args()
    if args.fake:
        whole = page = 0.0
        figures = asyncio.run(fake_run(args.assets, args.rounds, args.profile))
    else:
        whole, page, figures = real_run(args.assets, args.rounds, args.profile)
    print(f"assets={args.assets} rounds={args.rounds} terminal=120x40 cores={os.cpu_count()}")
    if not args.fake:
        print(f"ListAssets, whole fleet in one answer: {whole:.3f} s;"
              f" first page of 200: {page:.3f} s")
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
