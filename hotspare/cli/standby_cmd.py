"""`hotspare standby list|show` and `hotspare failover preflight`: readiness with every reason."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any

from hotspare.cli import switchover_cmd
from hotspare.standby import GroupReadiness, MemberState, Reason

EXIT_NOT_ALLOWED = 3


def register(sub: Any) -> None:
    standby = sub.add_parser("standby", help="hot-standby groups and their readiness")
    actions = standby.add_subparsers(dest="standby_cmd", metavar="ACTION")
    lst = actions.add_parser("list", help="every group with its verdict and reasons")
    show = actions.add_parser("show", help="one group: members side by side, every reason")
    show.add_argument("group")
    for p in (lst, show):
        _common(p)
    lst.set_defaults(func=cmd_list)
    show.set_defaults(func=cmd_show)
    standby.set_defaults(func=lambda args: _usage(standby))

    failover = sub.add_parser("failover", help="switchover pre-flight (and, later, switchover)")
    factions = failover.add_subparsers(dest="failover_cmd", metavar="ACTION")
    pre = factions.add_parser("preflight", help="would a switchover be allowed now? changes nothing "
                                                "(exit 0 yes, 3 no)")
    pre.add_argument("group")
    _common(pre)
    pre.set_defaults(func=cmd_preflight)
    failover.set_defaults(func=lambda args: _usage(failover))
    sw = factions.add_parser("switchover", help="switch the group over: planned (demote first) or "
                                                "failover (fence the active first)")
    sw.add_argument("group")
    sw.add_argument("--mode", choices=["planned", "failover"], default="planned")
    sw.add_argument("--reason", required=True, help="why (recorded)")
    sw.add_argument("--to", default="", help="the member to promote (default: the best standby)")
    sw.add_argument("--dry-run", action="store_true",
                    help="print the steps it would take and why; change nothing")
    sw.add_argument("--force", default="", metavar="REASON",
                    help="run even when pre-flight refuses, recording this reason")
    sw.add_argument("--request-id", default="", help="idempotency key: a repeated id runs once")
    sw.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sw.add_argument("--who", default=getpass.getuser(), help="recorded as the requester")
    _common(sw)
    sw.set_defaults(func=switchover_cmd.cmd_switchover)
    hist = factions.add_parser("history", help="switchovers of a group, every step with its time")
    hist.add_argument("group", nargs="?", default="")
    _common(hist)
    hist.set_defaults(func=switchover_cmd.cmd_history)
    conf = factions.add_parser("confirm-fenced", help="confirm by hand that a blocked switchover's "
                                                      "old active is off (S3)")
    conf.add_argument("group")
    conf.add_argument("--reason", required=True, help="what was checked, by whom (recorded)")
    conf.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    conf.add_argument("--who", default=getpass.getuser(), help="recorded as the confirmer")
    _common(conf)
    conf.set_defaults(func=switchover_cmd.cmd_confirm_fenced)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _run(args: argparse.Namespace, fn: Any) -> Any:
    from hotspare.client import ControllerClient

    async def go() -> Any:
        async with ControllerClient(args.controller) as client:
            return await fn(client)

    return asyncio.run(go())


def reason_json(r: Reason) -> dict[str, Any]:
    return {"code": r.code, "verdict": r.verdict.value, "message": r.message, "member": r.member,
            "value": r.value, "limit": r.limit, "age_seconds": None if r.age_ms < 0
            else round(r.age_ms / 1000, 3)}


def member_json(m: MemberState) -> dict[str, Any]:
    d = dataclasses.asdict(m)
    d["role"] = m.role.value
    d["health"] = m.health.label
    for key in ("lag_age_ms", "heartbeat_age_ms", "bmc_age_ms"):
        ms = d.pop(key)
        d[key.replace("_ms", "_seconds")] = None if ms < 0 else round(ms / 1000, 3)
    return d


def group_json(g: GroupReadiness) -> dict[str, Any]:
    return {"name": g.name, "verdict": g.verdict.value,
            "switchover_allowed": g.verdict.allows_switchover, "epoch": g.epoch,
            "reasons": [reason_json(r) for r in g.reasons],
            "notes": [reason_json(r) for r in g.notes],
            "members": [member_json(m) for m in g.members],
            "limits": dataclasses.asdict(g.limits),
            "last_drill_unix_ms": g.last_drill_unix_ms, "checked_unix_ms": g.checked_unix_ms}


def _error(exc: Exception) -> int:
    print(f"hotspare: {exc}", file=sys.stderr)
    return 1


def _age(ms: int) -> str:
    return "-" if ms < 0 else f"{ms / 1000:.1f}s"


def _reason_lines(g: GroupReadiness) -> list[str]:
    from hotspare.render import safe_text

    lines = [f"  - [{r.verdict.value}] {r.code}: {safe_text(r.message)}"
             + (f" (evidence {_age(r.age_ms)} old)" if r.age_ms >= 0 else "") for r in g.reasons]
    lines += [f"  - note {r.code}: {safe_text(r.message)}" for r in g.notes]
    return lines or ["  (no reasons)"]


def cmd_list(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError
    from hotspare.render import safe_text

    try:
        groups = _run(args, lambda c: c.failover.list_groups())
    except ClientError as exc:
        return _error(exc)
    if args.json:
        print(json.dumps({"groups": [group_json(g) for g in groups]}, indent=2))
        return 0
    if not groups:
        print("no standby groups configured ([[standby.groups]] in the controller's TOML)")
    for g in groups:
        active = ", ".join(g.active) or "none"
        print(f"{safe_text(g.name):<24} {g.verdict.value:<10} active: {safe_text(active)}")
        for line in _reason_lines(g) if g.reasons else []:
            print(line)
    return 0


def _show_text(g: GroupReadiness) -> None:
    from hotspare.render import safe_text

    print(f"group {safe_text(g.name)}: {g.verdict.value.upper()} (epoch {g.epoch})")
    def digest_of(name: str) -> Callable[[MemberState], str]:
        return lambda m: (m.config_digests.get(name) or "?").split(":")[-1][:12]

    rows: list[tuple[str, Callable[[MemberState], str]]] = [
        ("member", lambda m: m.asset_id),
        ("role", lambda m: m.role.value + (" (intended)" if m.intended_active else "")),
        ("health", lambda m: m.health.label),
        ("agent", lambda m: "up" if m.agent_up else "down"),
        ("lag", lambda m: "-" if m.lag_seconds is None else f"{m.lag_seconds:g}s"),
        ("lag age", lambda m: _age(m.lag_age_ms)),
        ("heartbeat", lambda m: _age(m.heartbeat_age_ms)),
        ("BMC", lambda m: f"{m.bmc_asset_id or '-'} {m.bmc_state}"),
        ("power", lambda m: m.bmc_power or "?"),
    ]
    rows += [(name, digest_of(name)) for name in sorted({k for m in g.members
                                                          for k in m.config_digests})]
    for label, get in rows:
        cells = "  ".join(f"{safe_text(str(get(m)))[:22]:<22}" for m in g.members)
        print(f"  {label:<12} {cells}")
    drill = "never" if g.last_drill_unix_ms <= 0 else \
        f"{(g.checked_unix_ms - g.last_drill_unix_ms) / 86_400_000:.1f} days ago"
    print(f"  last successful drill: {drill}")
    print("reasons:")
    for line in _reason_lines(g):
        print(line)


def cmd_show(args: argparse.Namespace) -> int:
    from hotspare.client import ClientError

    try:
        g = _run(args, lambda c: c.failover.group(args.group))
    except ClientError as exc:
        return _error(exc)
    if args.json:
        print(json.dumps(group_json(g), indent=2))
    else:
        _show_text(g)
    return 0


def cmd_preflight(args: argparse.Namespace) -> int:
    """Exit 0 when a switchover would be allowed now, 3 when not; changes nothing."""
    from hotspare.client import ClientError
    from hotspare.render import safe_text

    try:
        g = _run(args, lambda c: c.failover.group(args.group))
    except ClientError as exc:
        return _error(exc)
    allowed = g.verdict.allows_switchover
    if args.json:
        print(json.dumps({**group_json(g), "preflight": "allowed" if allowed else "refused"},
                         indent=2))
    else:
        word = "ALLOWED" if allowed else "REFUSED"
        print(f"pre-flight {safe_text(g.name)}: switchover {word} now (verdict {g.verdict.value})")
        for line in _reason_lines(g):
            print(line)
    return 0 if allowed else EXIT_NOT_ALLOWED
