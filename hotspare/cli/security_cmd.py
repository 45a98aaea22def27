"""`hotspare user add|list|remove`, `hotspare audit list|verify`, `hotspare whoami`."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from hotspare.render import safe_text as safe

CONTROLLER_HELP = "controller HOST:PORT"


def register(sub: Any) -> None:
    user = sub.add_parser("user", help="users and roles (admin; tokens are shown once)")
    user.add_argument("action", choices=["add", "list", "remove"])
    user.add_argument("name", nargs="?", default="")
    user.add_argument("--role", default="viewer",
                      choices=["viewer", "operator", "approver", "procurement", "admin"])
    user.add_argument("--totp", action="store_true", help="enrol a TOTP second factor")
    user.add_argument("--json", action="store_true", help="machine-readable output")
    user.add_argument("--controller", default="127.0.0.1:50051", help=CONTROLLER_HELP)
    user.set_defaults(func=cmd_user)
    audit = sub.add_parser("audit", help="the hash-chained audit log (admin)")
    audit.add_argument("action", choices=["list", "verify"])
    audit.add_argument("--limit", type=int, default=0, help="at most this many records")
    audit.add_argument("--json", action="store_true", help="machine-readable output")
    audit.add_argument("--controller", default="127.0.0.1:50051", help=CONTROLLER_HELP)
    audit.set_defaults(func=cmd_audit)
    whoami = sub.add_parser("whoami", help="the identity and role the controller sees")
    whoami.add_argument("--controller", default="127.0.0.1:50051", help=CONTROLLER_HELP)
    whoami.set_defaults(func=cmd_whoami)


def _run(address: str, fn: Callable[[Any], Awaitable[Any]]) -> Any:
    from hotspare.client import ControllerClient

    async def go() -> Any:
        async with ControllerClient(address) as client:
            return await fn(client.security)

    return asyncio.run(go())


def cmd_user(args: argparse.Namespace) -> int:
    if args.action in ("add", "remove") and not args.name:
        print(f"hotspare: user {args.action} needs a NAME", file=sys.stderr)
        return 2
    if args.action == "add":
        out = _run(args.controller, lambda s: s.add_user(args.name, args.role, args.totp))
        if args.json:
            print(json.dumps(out, indent=2))
            return 0
        print(f"user {safe(args.name)} ({args.role}) added. Token (shown once, store it 0600):")
        print(out["token"])
        if out["totp_uri"]:
            print("TOTP (shown once; add to an authenticator app):")
            print(out["totp_uri"])
        return 0
    if args.action == "remove":
        out = _run(args.controller, lambda s: s.remove_user(args.name))
        print(json.dumps(out, indent=2) if args.json else f"user {safe(args.name)} removed")
        return 0
    users = _run(args.controller, lambda s: s.users())
    if args.json:
        print(json.dumps({"users": users}, indent=2))
    for u in [] if args.json else users:
        print(f"{safe(u['name']):<24} {u['role']:<12} {'totp' if u['totp'] else ''}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    if args.action == "verify":
        out = _run(args.controller, lambda s: s.verify())
        if args.json:
            print(json.dumps(out, indent=2))
        elif out["ok"]:
            print(f"audit log intact: {out['records']} records, head {out['head_hash'][:16]}")
        else:
            print(f"audit log BROKEN at record {out['first_bad_seq']}: {out['problem']}")
        return 0 if out["ok"] else 1
    rows = _run(args.controller, lambda s: s.audit(0, args.limit))
    if args.json:
        print(json.dumps({"records": rows}, indent=2))
        return 0
    for r in rows:
        when = datetime.datetime.fromtimestamp(r["time_unix_ms"] / 1000).strftime("%F %T")
        print(f"{r['seq']:>6} {when} {safe(r['who'])}: {safe(r['action'])} "
              f"{safe(r['target'])} [{safe(r['outcome'])}] {safe(r['reason'])}")
    return 0


def cmd_whoami(args: argparse.Namespace) -> int:
    out = _run(args.controller, lambda s: s.whoami())
    print(f"{safe(out['name'])} ({out['role']})")
    return 0
