"""`hotspare failover switchover|history|confirm-fenced` and `hotspare drill run|history`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from typing import Any

from hotspare.standby import Drill, Reason, Switchover, SwitchoverState

EXIT_REFUSED = 3
EXIT_BLOCKED = 4


def register(sub: Any) -> None:
    drill = sub.add_parser("drill", help="rehearse a group's switchover and switch-back")
    actions = drill.add_subparsers(dest="drill_cmd", metavar="ACTION")
    run = actions.add_parser("run", help="planned switchover and switch-back, timed and recorded")
    run.add_argument("group")
    run.add_argument("--reason", default="scheduled drill", help="recorded with the drill")
    run.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    run.add_argument("--who", default=getpass.getuser(), help="recorded as the requester")
    hist = actions.add_parser("history", help="past drills with their outcome and timings")
    hist.add_argument("group", nargs="?", default="")
    for p in (run, hist):
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")
    run.set_defaults(func=cmd_drill_run)
    hist.set_defaults(func=cmd_drill_history)
    drill.set_defaults(func=lambda args: (drill.print_help(sys.stderr), 2)[1])


def confirmed(what: str, expected: str, yes: bool) -> bool:
    """--yes, or a person at a terminal typing the group name; never without a terminal."""
    if yes:
        return True
    if not sys.stdin.isatty():
        print(f"hotspare: refusing to {what} without --yes (no terminal to ask)", file=sys.stderr)
        return False
    answer = input(f"{what}? Type the group name ({expected}) to confirm: ")
    return answer.strip() == expected


def switchover_json(sw: Switchover, dry_run: bool = False,
                    preflight: tuple[Reason, ...] = ()) -> dict[str, Any]:
    return {
        "request_id": sw.request_id, "group": sw.group, "mode": sw.mode.value,
        "state": "planned" if dry_run else sw.state.value, "dry_run": dry_run,
        "requested_by": sw.requested_by, "reason": sw.reason, "from": sw.from_member,
        "to": sw.to_member, "epoch": sw.epoch, "outcome_reason": sw.outcome_reason,
        "forced": sw.forced, "automatic": sw.automatic, "drill_id": sw.drill_id,
        "requested_unix_ms": sw.requested_ms, "finished_unix_ms": sw.finished_ms,
        "steps": [{"seq": s.seq, "step": s.step, "state": s.state,
                   "started_unix_ms": s.started_ms, "finished_unix_ms": s.finished_ms,
                   "seconds": round((s.finished_ms - s.started_ms) / 1000, 3)
                   if s.finished_ms else None, "detail": s.detail} for s in sw.steps],
        "preflight": [{"code": r.code, "verdict": r.verdict.value, "message": r.message,
                       "member": r.member} for r in preflight],
    }


def _step_line(s: Any) -> str:
    from hotspare.render import safe_text

    took = f" {(s.finished_ms - s.started_ms) / 1000:.2f}s" if s.finished_ms else ""
    return f"  {s.seq}. {s.step:<18} {s.state:<8}{took}  {safe_text(s.detail)}"


def exit_code(sw: Switchover) -> int:
    return {SwitchoverState.DONE: 0, SwitchoverState.REFUSED: EXIT_REFUSED,
            SwitchoverState.BLOCKED: EXIT_BLOCKED}.get(sw.state, 1)


def _client(args: argparse.Namespace) -> Any:
    from hotspare.client import ControllerClient

    return ControllerClient(args.controller)


def cmd_switchover(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError
    from hotspare.render import safe_text

    if not args.dry_run and not confirmed(
            f"{args.mode} switchover of {args.group} (the active member will be "
            f"{'fenced: powered off' if args.mode == 'failover' else 'demoted'})",
            args.group, args.yes):
        return 2
    live = not args.json and not args.dry_run
    seen: set[tuple[int, str]] = set()

    async def go() -> tuple[Switchover, bool, tuple[Reason, ...]]:
        last = None
        async with _client(args) as client:
            async for last in client.failover.switchover(
                    args.group, args.mode, args.who, args.reason, to=args.to,
                    dry_run=args.dry_run, force_reason=args.force, request_id=args.request_id):
                for s in last[0].steps if live else ():
                    if (s.seq, s.state) not in seen:
                        seen.add((s.seq, s.state))
                        print(_step_line(s), flush=True)
        assert last is not None
        return last

    try:
        sw, dry, preflight = asyncio.run(go())
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(switchover_json(sw, dry, preflight), indent=2))
    elif dry:
        print(f"dry run: {sw.mode.value} switchover of {safe_text(sw.group)} from "
              f"{safe_text(sw.from_member)} to {safe_text(sw.to_member)} (epoch {sw.epoch}); "
              f"{sw.outcome_reason}; nothing was changed")
        for r in preflight:
            print(f"  refused because [{r.verdict.value}] {r.code}: {safe_text(r.message)}")
        for s in sw.steps:
            print(f"  would {s.seq}. {s.step}: {safe_text(s.detail)}")
    else:
        print(f"switchover {sw.request_id}: {sw.state.value.upper()}: "
              f"{safe_text(sw.outcome_reason)}")
    if dry:
        return 0 if not preflight or args.force else EXIT_REFUSED
    return exit_code(sw)


def cmd_history(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError
    from hotspare.render import safe_text

    async def go() -> list[Switchover]:
        async with _client(args) as client:
            return await client.failover.history(args.group)

    try:
        items = asyncio.run(go())
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"switchovers": [switchover_json(s) for s in items]}, indent=2))
        return 0
    for sw in items:
        print(f"{sw.request_id} {safe_text(sw.group)} {sw.mode.value} {sw.from_member} -> "
              f"{sw.to_member} epoch {sw.epoch}: {sw.state.value} by {safe_text(sw.requested_by)}"
              f"{' (automatic)' if sw.automatic else ''}: {safe_text(sw.reason)}")
        for s in sw.steps:
            print(_step_line(s))
    return 0


def cmd_confirm_fenced(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError

    if not confirmed(f"confirm by hand that {args.group}'s old active is OFF", args.group,
                     args.yes):
        return 2

    async def go() -> Switchover:
        async with _client(args) as client:
            return await client.failover.confirm_fenced(args.group, args.who, args.reason)

    try:
        sw = asyncio.run(go())
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(switchover_json(sw), indent=2))
    else:
        print(f"switchover {sw.request_id}: {sw.state.value.upper()}: {sw.outcome_reason}")
    return exit_code(sw)


def drill_json(d: Drill) -> dict[str, Any]:
    return {"drill_id": d.drill_id, "group": d.group, "outcome": d.outcome,
            "requested_by": d.requested_by, "started_unix_ms": d.started_ms,
            "finished_unix_ms": d.finished_ms, "total_seconds": d.total_seconds,
            "switchovers": [switchover_json(s) for s in d.switchovers]}


def cmd_drill_run(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError

    if not confirmed(f"run a drill on {args.group} (switch over and back)", args.group,
                     args.yes):
        return 2

    async def go() -> Drill:
        last = None
        async with _client(args) as client:
            async for last in client.failover.run_drill(args.group, args.who, args.reason):
                if not args.json:
                    print(f"  drill {last.drill_id}: {last.outcome}, "
                          f"{len(last.switchovers)} switchover(s)", flush=True)
        assert last is not None
        return last

    try:
        drill = asyncio.run(go())
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(drill_json(drill), indent=2))
    else:
        print(f"drill {drill.drill_id}: {drill.outcome.upper()} in {drill.total_seconds:.2f}s")
        for sw in drill.switchovers:
            print(f" {sw.from_member} -> {sw.to_member}: {sw.state.value}")
            for s in sw.steps:
                print(_step_line(s))
    return 0 if drill.outcome == "succeeded" else 1


def cmd_drill_history(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError

    async def go() -> list[Drill]:
        async with _client(args) as client:
            return await client.failover.drills(args.group)

    try:
        drills = asyncio.run(go())
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"drills": [drill_json(d) for d in drills]}, indent=2))
        return 0
    for d in drills:
        print(f"{d.drill_id} {d.group}: {d.outcome} in {d.total_seconds:.2f}s by {d.requested_by}")
    return 0
