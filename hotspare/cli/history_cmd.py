"""`hotspare history ASSET SENSOR`: one sensor's stored history, as a table or --json."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from hotspare import history, model
from hotspare.render import safe_text


def register(sub: Any) -> None:
    p = sub.add_parser("history", help="stored history of one sensor of one asset")
    p.add_argument("asset", help="asset id")
    p.add_argument("sensor", help="sensor id (as `hotspare readings ASSET` lists them)")
    p.add_argument("--since", default="1h",
                   help="how far back: 90s, 10m, 24h, 7d (default 1h; older than the retention"
                        " comes as hourly averages)")
    p.add_argument("--max-points", type=int, default=history.MAX_POINTS,
                   help=f"thin to at most this many points (default {history.MAX_POINTS})")
    p.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_history)


async def fetch(address: str, asset_id: str, sensor_id: str, window: history.Window,
                max_points: int) -> tuple[list[model.HistoryPoint], list[model.Gap]]:
    """The stored points and the asset's known gaps (readings its agent dropped unsent)."""
    from hotspare.client import ControllerClient

    async with ControllerClient(address) as client:
        points = await client.history(asset_id, sensor_id, window.from_ms, window.to_ms,
                                      max_points)
        gaps = await client.history_gaps(asset_id, sensor_id, window.from_ms, window.to_ms)
        return points, gaps


def cmd_history(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError

    try:
        window = history.Window.ending(int(time.time() * 1000), args.since)
    except history.SpanError as exc:
        print(f"hotspare: --since: {exc}", file=sys.stderr)
        return 2
    if args.max_points < 2:
        print("hotspare: --max-points must be at least 2", file=sys.stderr)
        return 2
    try:
        points, gaps = asyncio.run(fetch(args.controller, args.asset, args.sensor, window,
                                         args.max_points))
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"asset_id": args.asset, "sensor_id": args.sensor,
                          "from_unix_ms": window.from_ms, "to_unix_ms": window.to_ms,
                          "points": history.points_json(points),
                          "gaps": [{"from_unix_ms": g.from_unix_ms, "to_unix_ms": g.to_unix_ms,
                                    "readings_dropped": g.readings_dropped, "reason": g.reason}
                                   for g in gaps]}, indent=2))
        return 0
    for g in gaps:
        start = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(g.from_unix_ms / 1000))
        end = time.strftime("%H:%M:%S", time.localtime(g.to_unix_ms / 1000))
        print(f"gap {start}-{end}: {g.readings_dropped} readings of {args.asset} dropped by its "
              f"agent ({safe_text(g.reason)})")
    if not points:
        print(f"{args.asset} {args.sensor}: no stored values in the last {args.since}")
        return 0
    print(f"{args.asset} {args.sensor}: {len(points)} points in the last {args.since}")
    for p in points:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(p.time_unix_ms / 1000))
        value = "-" if p.value is None else f"{p.value:g}"
        print(f"{when}  {value:>12}  {p.status.label}")
    return 0
