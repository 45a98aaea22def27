"""`hotspare alerts`, `hotspare silence`, `hotspare maintenance`: the alert lifecycle from a shell."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import json
import re
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from hotspare.maintenance import Matcher, Window, check_span, validate_window

T = TypeVar("T")
LEVEL_NAMES = {1: "L1 severe", 2: "L2 partial", 3: "L3 minor"}


def _controller(p: argparse.ArgumentParser) -> None:
    p.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")


def register(sub: Any) -> None:
    alerts = sub.add_parser("alerts", help="list and acknowledge alerts")
    _controller(alerts)
    alerts.add_argument("--json", action="store_true", help="machine-readable output")
    alerts.add_argument("--level", type=int, choices=[1, 2, 3], default=0, help="only this level")
    alerts.add_argument("--state", choices=["firing", "pending", "resolved"], default="",
                        help="only this state (default: every alert not resolved)")
    alerts.set_defaults(func=cmd_list)
    asub = alerts.add_subparsers(dest="alerts_cmd", metavar="ACTION")
    ack = asub.add_parser("ack", help="acknowledge an alert")
    ack.add_argument("alert_id")
    ack.add_argument("--comment", required=True, help="what is being done about it")
    ack.add_argument("--who", default=getpass.getuser(), help="who acknowledges (default: you)")
    _controller(ack)
    ack.set_defaults(func=cmd_ack)
    show = asub.add_parser("show", help="one alert with its history")
    show.add_argument("alert_id")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    _controller(show)
    show.set_defaults(func=cmd_show)

    silence = sub.add_parser("silence", help="mute matching alerts' notifications for a while")
    ssub = silence.add_subparsers(dest="silence_cmd", metavar="ACTION")
    add = ssub.add_parser("add", help="add a silence")
    add.add_argument("--asset", default="*", help="asset id glob")
    add.add_argument("--rule", default="*", help="rule name glob")
    add.add_argument("--level", type=int, choices=[0, 1, 2, 3], default=0)
    add.add_argument("--duration", required=True, help="e.g. 30m, 2h, 1d")
    add.add_argument("--reason", required=True)
    add.add_argument("--author", default=getpass.getuser())
    _controller(add)
    add.set_defaults(func=cmd_silence_add)
    lst = ssub.add_parser("list", help="list silences")
    lst.add_argument("--all", action="store_true", help="include expired ones")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    _controller(lst)
    lst.set_defaults(func=cmd_silence_list)
    exp = ssub.add_parser("expire", help="end a silence now")
    exp.add_argument("silence_id")
    _controller(exp)
    exp.set_defaults(func=cmd_silence_expire)

    maint = sub.add_parser("maintenance", help="recurring maintenance windows")
    msub = maint.add_subparsers(dest="maintenance_cmd", metavar="ACTION")
    madd = msub.add_parser("add", help="add a recurring window")
    madd.add_argument("--name", required=True)
    madd.add_argument("--start", default="01:00", help="local HH:MM (default 01:00)")
    madd.add_argument("--end", default="05:00", help="local HH:MM; before start crosses midnight")
    madd.add_argument("--days", default="", help="comma-separated weekdays, e.g. sat,sun")
    madd.add_argument("--dates", default="", help="comma-separated ISO dates (whole days)")
    madd.add_argument("--timezone", default="UTC", help="IANA time zone, e.g. Europe/London")
    madd.add_argument("--asset", default="*", help="asset id glob")
    madd.add_argument("--rule", default="*", help="rule name glob")
    _controller(madd)
    madd.set_defaults(func=cmd_maint_add)
    mlist = msub.add_parser("list", help="list windows")
    mlist.add_argument("--json", action="store_true", help="machine-readable output")
    _controller(mlist)
    mlist.set_defaults(func=cmd_maint_list)
    mrm = msub.add_parser("remove", help="remove a window")
    mrm.add_argument("window_id")
    _controller(mrm)
    mrm.set_defaults(func=cmd_maint_remove)


def _run(address: str, fn: Callable[[Any], Awaitable[T]]) -> T | None:
    from hotspare.client import ClientError, ControllerClient

    async def go() -> T:
        async with ControllerClient(address) as client:
            return await fn(client)

    try:
        return asyncio.run(go())
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return None


def parse_duration(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"bad duration {text!r} (use e.g. 30m, 2h, 1d)")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


def _when(ms: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ms / 1000)) if ms else "-"


def cmd_list(args: argparse.Namespace) -> int:
    from hotspare.maintenance import holding_silence
    from hotspare.render import safe_text

    async def both(c: Any) -> tuple[Any, Any]:
        return await c.list_alerts(args.state, args.level), await c.list_silences()

    found = _run(args.controller, both)
    if found is None:
        return 1
    alerts, silences = found
    now = int(time.time() * 1000)
    holds = {a.alert_id: holding_silence(a.asset_id, a.rule, a.level, now, silences)
             for a in alerts}
    if args.json:
        print(json.dumps({"alerts": [
            {**dataclasses.asdict(a),
             "silenced_until_unix_ms": s.expires_ms if (s := holds[a.alert_id]) else 0,
             "silence_id": s.silence_id if s else ""} for a in alerts]}, indent=2))
        return 0
    if not alerts:
        print("no alerts")
    for a in alerts:
        silence = holds[a.alert_id]
        flags = [f for f, on in (("ACK", a.acked_by), ("FLAPPING", a.flapping),
                                 ("NO DATA", a.no_data), ("HELD", a.held_reason),
                                 (f"+{a.children} children", a.children),
                                 ("folded", a.folded_into)) if on]
        if silence is not None:
            flags.append(f"silenced until {_when(silence.expires_ms)} by {silence.author}")
        print(safe_text(
            f"{a.alert_id}  {LEVEL_NAMES.get(a.level, a.level)}  {a.state.upper():<8} "
            f"{a.asset_id}/{a.sensor_id}: {a.summary} ({a.reason}) [{a.threshold}, "
            f"{a.threshold_source}] since {_when(a.started_ms)} {' '.join(flags)}"))
        if a.hint:
            print(safe_text(f"    hint: {a.hint}"))
    return 0


def cmd_ack(args: argparse.Namespace) -> int:
    alert = _run(args.controller, lambda c: c.ack_alert(args.alert_id, args.who, args.comment))
    if alert is None:
        return 1
    print(f"acknowledged {alert.alert_id} by {alert.acked_by}: {alert.ack_comment}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    found = _run(args.controller, lambda c: c.alert_detail(args.alert_id))
    if found is None:
        return 1
    alert, history = found
    if args.json:
        print(json.dumps({"alert": dataclasses.asdict(alert),
                          "history": [{"time_unix_ms": t, "state": s, "detail": d}
                                      for t, s, d in history]}, indent=2))
        return 0
    print(f"{alert.alert_id} L{alert.level} {alert.state} {alert.asset_id}/{alert.sensor_id}: "
          f"{alert.summary}; threshold {alert.threshold} ({alert.threshold_source})")
    for t, state, detail in history:
        print(f"  {_when(t)}  {state:<12} {detail}")
    return 0


def cmd_silence_add(args: argparse.Namespace) -> int:
    try:
        seconds = parse_duration(args.duration)
    except argparse.ArgumentTypeError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 2
    expires = int((time.time() + seconds) * 1000)
    matcher = Matcher(args.asset, args.rule, args.level)
    s = _run(args.controller, lambda c: c.add_silence(matcher, args.author, args.reason, expires))
    if s is None:
        return 1
    print(f"silence {s.silence_id} until {_when(s.expires_ms)}")
    return 0


def cmd_silence_list(args: argparse.Namespace) -> int:
    items = _run(args.controller, lambda c: c.list_silences(args.all))
    if items is None:
        return 1
    if args.json:
        print(json.dumps({"silences": [dataclasses.asdict(s) for s in items]}, indent=2))
        return 0
    for s in items:
        print(f"{s.silence_id}  asset={s.matcher.asset} rule={s.matcher.rule} "
              f"level={s.matcher.level or 'any'}  by {s.author}: {s.reason}  "
              f"until {_when(s.expires_ms)}")
    return 0


def cmd_silence_expire(args: argparse.Namespace) -> int:
    s = _run(args.controller, lambda c: c.expire_silence(args.silence_id))
    if s is None:
        return 1
    print(f"silence {s.silence_id} expired")
    return 0


def _split(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def cmd_maint_add(args: argparse.Namespace) -> int:
    window = Window("", args.name, Matcher(args.asset, args.rule), args.start, args.end,
                    _split(args.days), _split(args.dates), args.timezone)
    try:
        if not args.name.strip():
            raise ValueError("name: a window needs a name")
        validate_window(window)
        check_span(args.start, args.end)
    except ValueError as exc:
        field, sep, message = str(exc).partition(": ")
        text = f"--{field}: {message}" if sep and " " not in field else str(exc)
        print(f"hotspare: maintenance add: {text}", file=sys.stderr)
        return 2
    w = _run(args.controller, lambda c: c.add_maintenance(window))
    if w is None:
        return 1
    print(f"maintenance window {w.window_id} '{w.name}' {w.start}-{w.end} {w.timezone}")
    return 0


def cmd_maint_list(args: argparse.Namespace) -> int:
    items = _run(args.controller, lambda c: c.list_maintenance())
    if items is None:
        return 1
    if args.json:
        print(json.dumps({"windows": [dataclasses.asdict(w) for w in items]}, indent=2))
        return 0
    for w in items:
        print(f"{w.window_id}  {w.name}  {w.start}-{w.end} {w.timezone} days={','.join(w.days) or 'all'}"
              f" dates={','.join(w.dates) or '-'} asset={w.matcher.asset} rule={w.matcher.rule}")
    return 0


def cmd_maint_remove(args: argparse.Namespace) -> int:
    w = _run(args.controller, lambda c: c.remove_maintenance(args.window_id))
    if w is None:
        return 1
    print(f"removed maintenance window {w.window_id}")
    return 0
