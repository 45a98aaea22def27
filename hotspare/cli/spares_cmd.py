"""`hotspare spares`: stock (add, remove, list, import, export, log), reservations, the report."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from hotspare import spares_csv, spares_report
from hotspare.spares import ImportRow, StockItem

T = TypeVar("T")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not 0 <= value < 10_000:
        raise argparse.ArgumentTypeError(f"{text} days is out of range")
    return value


def _common(p: argparse.ArgumentParser, listing: bool = False) -> None:
    p.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")
    if listing:
        p.add_argument("--json", action="store_true", help="machine-readable output")


def _who_why(p: argparse.ArgumentParser) -> None:
    p.add_argument("--who", default=getpass.getuser(), help="who changes stock (default: you)")
    p.add_argument("--why", required=True, help="why (delivery note, ticket, RMA...)")


def register(sub: Any) -> None:
    spares = sub.add_parser("spares", help="spare parts: stock, reservations, procurement report")
    ssub = spares.add_subparsers(dest="spares_cmd", metavar="ACTION")
    stock = ssub.add_parser("stock", help="spare stock per part number and site")
    tsub = stock.add_subparsers(dest="stock_cmd", metavar="ACTION")
    for name, helptext in (("add", "add stock (or units on order)"),
                           ("remove", "take stock out (refused beyond what there is)")):
        p = tsub.add_parser(name, help=helptext)
        p.add_argument("part_number")
        p.add_argument("--site", required=True)
        p.add_argument("--quantity", type=_count, default=0, help="units on hand")
        p.add_argument("--on-order", type=_count, default=0, help="units on order")
        p.add_argument("--serial", default="", help="one serialised unit (quantity 1)")
        if name == "add":
            p.add_argument("--expected", default="", help="open order due date YYYY-MM-DD")
            p.add_argument("--lead-time-days", type=_days, default=0.0,
                           help="vendor lead time (default: the class default)")
            p.add_argument("--class", dest="part_class", default="", help="disk, psu, fan...")
            p.add_argument("--description", default="")
            p.add_argument("--replaces", nargs="*", default=[],
                           help="installed part numbers or models this spare can replace")
            p.add_argument("--new-site", action="store_true",
                           help="allow a site no asset reports yet")
            p.add_argument("--reserve-at-risk", action="store_true",
                           help="at-risk parts reserve this spare too (default: failing only)")
        _who_why(p)
        _common(p, listing=True)
        p.set_defaults(func=cmd_change, remove=name == "remove")
    rcv = tsub.add_parser("receive", help="a delivery: units on order arrive on the shelf")
    rcv.add_argument("part_number")
    rcv.add_argument("--site", required=True)
    rcv.add_argument("--quantity", type=_count, required=True, help="units delivered")
    _who_why(rcv)
    _common(rcv, listing=True)
    rcv.set_defaults(func=cmd_receive)
    lst = tsub.add_parser("list", help="stock with reservations")
    lst.add_argument("--site", default="")
    _common(lst, listing=True)
    lst.set_defaults(func=cmd_list)
    imp = tsub.add_parser("import", help="import a stock CSV in one transaction")
    imp.add_argument("file", type=Path)
    _who_why(imp)
    _common(imp, listing=True)
    imp.set_defaults(func=cmd_import)
    exp = tsub.add_parser("export", help="stock as CSV (imports back)")
    exp.add_argument("--site", default="")
    exp.add_argument("--output", type=Path, help="write to this file instead of stdout")
    _common(exp)
    exp.set_defaults(func=cmd_export)
    log = tsub.add_parser("log", help="every stock change: who, when, why")
    log.add_argument("--part", default="")
    log.add_argument("--site", default="")
    log.add_argument("--limit", type=_count, default=200)
    _common(log, listing=True)
    log.set_defaults(func=cmd_log)
    parts = ssub.add_parser("parts", help="the part catalogue: installed parts per site")
    _common(parts, listing=True)
    parts.set_defaults(func=cmd_parts)
    res = ssub.add_parser("reservations", help="spares held for failing components")
    res.add_argument("--site", default="")
    res.add_argument("--open", action="store_true", help="only open reservations")
    _common(res, listing=True)
    res.set_defaults(func=cmd_reservations)
    rep = ssub.add_parser("report", help="what to order, how many, by when, and why")
    rep.add_argument("--site", default="")
    rep.add_argument("--format", choices=spares_report.FORMATS, default="table")
    rep.add_argument("--output", type=Path, help="write to this file instead of stdout")
    _common(rep, listing=True)
    rep.set_defaults(func=cmd_report)
    spares.set_defaults(func=lambda args: (spares.print_help(), 2)[1])
    stock.set_defaults(func=lambda args: (stock.print_help(), 2)[1])


def _run(address: str, fn: Callable[[Any], Awaitable[T]]) -> T | None:
    from hotspare.client import ClientError, ControllerClient

    async def go() -> T:
        async with ControllerClient(address) as client:
            return await fn(client.spares)

    try:
        return asyncio.run(go())
    except ClientError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return None


def _write(text: str, output: Path | None) -> int:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"hotspare: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {output}", file=sys.stderr)
    return 0


def _item_text(it: StockItem) -> str:
    short = "  SHORT" if it.reserved > it.on_hand else ""
    due = (f" due {time.strftime('%Y-%m-%d', time.gmtime(it.expected_unix_ms / 1000))}"
           if it.expected_unix_ms else "")
    return (f"{it.part_number:<24} {it.site:<10} on hand {it.on_hand:>4}  reserved"
            f" {it.reserved:>3}  on order {it.on_order:>3}{due}{short}")


def cmd_change(args: argparse.Namespace) -> int:
    expected = 0
    if getattr(args, "expected", ""):
        try:
            expected = spares_csv.date_ms(args.expected, "--expected")
        except spares_csv.StockCsvError as exc:
            print(f"hotspare: {exc}", file=sys.stderr)
            return 2
    row = ImportRow(0, args.part_number, args.site, args.quantity, args.on_order, expected,
                    getattr(args, "lead_time_days", 0.0), getattr(args, "part_class", ""),
                    getattr(args, "description", ""), tuple(getattr(args, "replaces", [])),
                    args.serial, reserve_at_risk=getattr(args, "reserve_at_risk", False))
    if args.remove:
        item = _run(args.controller, lambda c: c.remove(row, args.who, args.why))
    else:
        item = _run(args.controller, lambda c: c.add(row, args.who, args.why, args.new_site))
    if item is None:
        return 1
    print(json.dumps(dataclasses.asdict(item), indent=2) if args.json else _item_text(item))
    return 0


def cmd_receive(args: argparse.Namespace) -> int:
    row = ImportRow(0, args.part_number, args.site, args.quantity)
    item = _run(args.controller, lambda c: c.receive(row, args.who, args.why))
    if item is None:
        return 1
    print(json.dumps(dataclasses.asdict(item), indent=2) if args.json else _item_text(item))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    items = _run(args.controller, lambda c: c.stock(args.site))
    if items is None:
        return 1
    if args.json:
        print(json.dumps({"stock": [dataclasses.asdict(i) for i in items]}, indent=2))
    else:
        print("\n".join(_item_text(i) for i in items) or "no stock recorded")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
        rows = spares_csv.parse(text, str(args.file))
    except OSError as exc:
        print(f"hotspare: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"hotspare: {args.file} is not UTF-8 text", file=sys.stderr)
        return 2
    except spares_csv.StockCsvError as exc:
        print(f"hotspare: nothing imported: {exc}", file=sys.stderr)
        return 2
    count = _run(args.controller,
                 lambda c: c.import_rows(rows, str(args.file), args.who, args.why))
    if count is None:
        print("hotspare: nothing imported", file=sys.stderr)
        return 1
    print(json.dumps({"imported_rows": count, "file": str(args.file)}) if args.json
          else f"imported {count} rows from {args.file}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    items = _run(args.controller, lambda c: c.stock(args.site))
    if items is None:
        return 1
    return _write(spares_csv.export(items), args.output)


def cmd_log(args: argparse.Namespace) -> int:
    changes = _run(args.controller, lambda c: c.changes(args.part, args.site, args.limit))
    if changes is None:
        return 1
    if args.json:
        print(json.dumps({"changes": [dataclasses.asdict(c) for c in changes]}, indent=2))
        return 0
    for c in changes:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(c.time_unix_ms / 1000))
        print(f"{when} {c.who:<12} {c.part_number:<22} {c.site:<8} {c.delta_on_hand:+4d} on hand"
              f" {c.delta_on_order:+4d} on order -> {c.on_hand_after:>4}  {c.why}")
    if not changes:
        print("no stock changes recorded")
    return 0


def cmd_parts(args: argparse.Namespace) -> int:
    entries = _run(args.controller, lambda c: c.catalogue())
    if entries is None:
        return 1
    if args.json:
        print(json.dumps({"parts": [dataclasses.asdict(e) for e in entries]}, indent=2))
        return 0
    for e in entries:
        sites = ", ".join(f"{site or '-'} {n}" for site, n in e.installed_by_site.items())
        size = f" {e.capacity_bytes / 1e12:.1f} TB" if e.capacity_bytes else ""
        spare = "" if e.spare_part_number == e.part_key else f" -> spare {e.spare_part_number}"
        print(f"{e.part_key:<28} {e.part_class:<8} {e.vendor[:12]:<12}{size}  installed: "
              f"{sites or 'none now'}{spare}  [{', '.join(e.sources)}]"
              f"{f'  failures {e.failures}' if e.failures else ''}")
    if not entries:
        print("no parts reported yet")
    return 0


def cmd_reservations(args: argparse.Namespace) -> int:
    found = _run(args.controller, lambda c: c.reservations(args.site, args.open))
    if found is None:
        return 1
    if args.json:
        print(json.dumps({"reservations": [dataclasses.asdict(r) for r in found]}, indent=2))
        return 0
    for r in found:
        print(f"#{r.reservation_id:<4} {r.state:<9} {r.part_number:<22} {r.site:<8}"
              f" {r.asset_id} {r.component_id} {r.serial}"
              f"{' -> ' + r.replaced_by_serial if r.replaced_by_serial else ''}  {r.reason}")
    if not found:
        print("no reservations")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    report = _run(args.controller, lambda c: c.report(args.site))
    if report is None:
        return 1
    fmt = "json" if args.json else args.format
    return _write(spares_report.render(report, fmt), args.output)
