"""`hotspare power status|on|off|cycle ASSET`: confirmed power control through the owning agent."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from typing import Any

from hotspare import model


def register(sub: Any) -> None:
    power = sub.add_parser("power", help="server power through its BMC (confirmed by read-back)")
    power.add_argument("action", choices=["status", "on", "off", "cycle", "history"])
    power.add_argument("asset", nargs="?", default="", help="asset id (optional for history)")
    power.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    power.add_argument("--timeout", type=float, default=30.0, help="seconds to confirm")
    power.add_argument("--who", default=getpass.getuser(), help="recorded as the requester")
    power.add_argument("--json", action="store_true", help="machine-readable output")
    power.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")
    power.set_defaults(func=cmd_power)


def _confirmed(args: argparse.Namespace) -> bool:
    if args.yes or args.action == "status":
        return True
    if not sys.stdin.isatty():
        print(f"hotspare: refusing to power {args.action} {args.asset} without --yes "
              "(no terminal to ask)", file=sys.stderr)
        return False
    answer = input(f"Power {args.action.upper()} {args.asset}? Type the asset id to confirm: ")
    return answer.strip() == args.asset


def cmd_power(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError, ControllerClient

    if args.action == "history":
        async def history() -> list[dict[str, Any]]:
            async with ControllerClient(args.controller) as client:
                return await client.power_actions(args.asset)

        try:
            rows = asyncio.run(history())
        except ClientError as exc:
            print(f"hotspare: {exc}", file=sys.stderr)
            return 1
        if args.json:
            print(json.dumps({"actions": rows}, indent=2))
        for r in [] if args.json else rows:
            print(f"{r['command_id']}  {r['asset_id']}  {r['action']:<6} by {r['requested_by']}:"
                  f" {r['outcome']} ({r['message']}) {r['elapsed_seconds']:.2f}s")
        return 0
    if not args.asset:
        print("hotspare: an asset id is required", file=sys.stderr)
        return 2
    if not _confirmed(args):
        return 1
    action = model.PowerAction(args.action)

    async def run() -> tuple[model.CommandResult, str]:
        async with ControllerClient(args.controller, timeout_seconds=args.timeout) as client:
            return await client.power(args.asset, action, args.who, args.timeout)

    try:
        result, agent_id = asyncio.run(run())
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    ok = result.outcome in (model.CommandOutcome.CONFIRMED, model.CommandOutcome.OK)
    if args.json:
        print(json.dumps({"command_id": result.command_id, "asset_id": result.asset_id,
                          "agent_id": agent_id, "outcome": result.outcome.value,
                          "power_state": result.power_state, "message": result.message,
                          "elapsed_seconds": result.elapsed_seconds,
                          "details": result.details}, indent=2))
    else:
        print(f"{result.asset_id}: {result.outcome.value.upper()} - {result.message} "
              f"({result.elapsed_seconds:.2f}s, via agent {agent_id})")
    return 0 if ok else 1
