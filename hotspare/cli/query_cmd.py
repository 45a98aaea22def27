"""`hotspare assets` and `hotspare readings`: fleet listings, as tables or --json."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from typing import Any

from hotspare import model

PAGE_SIZE = 2_000
MAX_PAGES = 10_000


def register(sub: Any) -> None:
    assets = sub.add_parser("assets", help="list assets with their worst status")
    assets.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")
    assets.add_argument("--json", action="store_true", help="machine-readable output")
    assets.set_defaults(func=cmd_assets)
    asub = assets.add_subparsers(dest="assets_cmd", metavar="ACTION")
    forget = asub.add_parser("forget", help="remove a decommissioned asset with its alerts and "
                                            "readings")
    forget.add_argument("asset", help="asset id")
    forget.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")
    forget.add_argument("--json", action="store_true", help="machine-readable output")
    forget.set_defaults(func=cmd_forget)
    readings = sub.add_parser("readings", help="latest readings of one asset")
    readings.add_argument("asset", help="asset id")
    readings.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")
    readings.add_argument("--json", action="store_true", help="machine-readable output")
    readings.set_defaults(func=cmd_readings)


def reading_json(r: model.Reading) -> dict[str, Any]:
    return {
        "asset_id": r.asset_id,
        "sensor_id": r.sensor_id,
        "name": r.name,
        "kind": r.kind.value,
        "value": r.value,
        "unit": r.unit,
        "status": r.status.label,
        "reason": r.reason,
        "time_unix_ms": r.time_unix_ms,
        "labels": r.labels,
    }


def summary_json(s: model.AssetSummary) -> dict[str, Any]:
    a = s.asset
    return {
        "asset_id": a.asset_id,
        "kind": a.kind.value,
        "name": a.name,
        "vendor": a.vendor,
        "model": a.model,
        "serial": a.serial,
        "location": {"site": a.location.site, "room": a.location.room,
                     "rack": a.location.rack, "unit": a.location.unit},
        "parent_id": a.parent_id,
        "flags": list(a.flags),
        "status": s.worst_status.label,
        "reason": s.worst_reason,
        "last_seen_unix_ms": s.last_seen_unix_ms,
        "agent_id": s.agent_id,
        "agent_up": s.agent_up,
        "alert_level": s.alert_level,
        "headline": [reading_json(r) for r in s.headline],
    }


def _table(rows: list[list[str]], headers: list[str]) -> str:
    from hotspare.render import safe_text

    rows = [[safe_text(c) for c in r] for r in rows]  # device text reaches the terminal
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def cmd_forget(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError, ControllerClient
    from hotspare.render import safe_text

    async def go() -> dict[str, int]:
        async with ControllerClient(args.controller) as client:
            return await client.forget_asset(args.asset)

    try:
        removed = asyncio.run(go())
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"asset_id": args.asset, "removed": removed}, indent=2))
        return 0
    counts = ", ".join(f"{n} {table}" for table, n in sorted(removed.items()) if n)
    print(safe_text(f"forgot {args.asset}: removed {counts}"))
    print("(an agent still reporting it will add it again: remove it from the agent's config)")
    return 0


async def _assets(address: str) -> list[model.AssetSummary]:
    from hotspare.client import ControllerClient

    out: list[model.AssetSummary] = []
    token = ""
    async with ControllerClient(address) as client:
        for _ in range(MAX_PAGES):  # page by page: the controller never reads the whole fleet
            page, token, _total = await client.list_assets_page(PAGE_SIZE, token)
            out.extend(page)
            if not token:
                break
    return out


async def _detail(address: str, asset_id: str) -> model.AssetDetail:
    from hotspare.client import ControllerClient

    async with ControllerClient(address) as client:
        return await client.get_asset(asset_id)


def cmd_assets(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError

    try:
        summaries = asyncio.run(_assets(args.controller))
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"assets": [summary_json(s) for s in summaries]}, indent=2))
        return 0
    from hotspare.render import age_text, headline_text

    rows = [
        [s.asset.asset_id, s.asset.kind.value, s.worst_status.label,
         age_text(s.last_seen_unix_ms), headline_text(s), s.worst_reason]
        for s in summaries
    ]
    print(_table(rows, ["ASSET", "KIND", "STATUS", "LAST SEEN", "HEADLINE", "REASON"]))
    return 0


def cmd_readings(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError

    try:
        detail = asyncio.run(_detail(args.controller, args.asset))
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        doc = {"asset": summary_json(detail.summary),
               "readings": [reading_json(r) for r in detail.latest],
               "components": [dataclasses.asdict(c) for c in detail.components],
               "events": [{**dataclasses.asdict(e), "severity": e.severity.label}
                          for e in detail.events]}
        print(json.dumps(doc, indent=2))
        return 0
    from hotspare.render import age_text, value_text, worst_first

    rows = [[r.sensor_id, r.kind.value, value_text(r), r.status.label,
             age_text(r.time_unix_ms), r.reason] for r in worst_first(detail.latest)]
    print(f"{detail.summary.asset.asset_id}: {detail.summary.worst_status.label}")
    print(_table(rows, ["SENSOR", "KIND", "VALUE", "STATUS", "AGE", "REASON"]))
    return 0
