"""`hotspare smart probe`: read disks once with the agent's own code and show what it would send."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any


def register(sub: Any) -> None:
    smart = sub.add_parser("smart", help="disk health (SMART)").add_subparsers(
        dest="smart_cmd", metavar="ACTION")
    probe = smart.add_parser("probe", help="read disks once and print identity, readings, verdict")
    probe.add_argument("devices", nargs="*", metavar="DEVICE",
                       help="device path, optionally @TYPE (e.g. /dev/bus/0@megaraid,0); "
                            "default: smartctl --scan-open")
    probe.add_argument("--smartctl", default="smartctl", help="smartctl executable")
    probe.add_argument("--timeout", type=float, default=20.0, help="seconds per disk")
    probe.add_argument("--json", action="store_true", help="machine-readable output")
    probe.set_defaults(func=cmd_probe)


async def _probe(args: argparse.Namespace) -> tuple[list[Any], str]:
    from agent.collectors import CollectorContext
    from agent.collectors.smart.collector import SmartCollector, SmartConfig
    from agent.collectors.smart.parse import ScannedDevice
    from agent.collectors.smart.runner import SmartctlUnavailable

    devices = []
    for text in args.devices:
        name, _, dev_type = text.partition("@")
        devices.append(ScannedDevice(name, dev_type))
    config = SmartConfig(smartctl=args.smartctl, scan=not devices, devices=tuple(devices),
                         per_disk_timeout_seconds=args.timeout, interval_seconds=300,
                         timeout_seconds=120)
    collector = SmartCollector(config, CollectorContext("probe", "this-host", lambda b: None))
    try:
        found = await collector.discover()
        return list(await asyncio.gather(*(collector.read(d) for d in found))), ""
    except SmartctlUnavailable as exc:
        return [], str(exc)


def cmd_probe(args: argparse.Namespace) -> int:
    from agent.collectors.smart.collector import disk_component, disk_readings
    from hotspare.cli.query_cmd import reading_json
    from hotspare.render import value_text

    results, unavailable = asyncio.run(_probe(args))
    if unavailable:
        print(f"hotspare: smart unavailable: {unavailable}", file=sys.stderr)
        return 1
    docs = []
    for res in results:
        readings = disk_readings("this-host", res, 0, 300)
        comp = disk_component("this-host", res) if res.report and res.report.identity.model else None
        docs.append({
            "device": res.device.key,
            "verdict": res.assessment.verdict.value,
            "reasons": list(res.assessment.reasons),
            "notes": list(res.assessment.notes),
            "exit_status": res.report.exit_status if res.report else None,
            "identity": None if comp is None else {
                "model": comp.model, "serial": comp.serial, "firmware": comp.firmware,
                "capacity_bytes": comp.capacity_bytes, **comp.labels},
            "readings": [reading_json(r) for r in readings],
        })
    if args.json:
        print(json.dumps({"disks": docs}, indent=2))
        return 0
    if not docs:
        print("no SMART-capable disks found")
    for d in docs:
        ident = d["identity"] or {}
        print(f"{d['device']}: {d['verdict'].upper()}  {ident.get('model', '')} "
              f"serial {ident.get('serial', '?')} fw {ident.get('firmware', '?')} "
              f"{ident.get('capacity_bytes', 0) / 1e9:.0f} GB")
        for reason in d["reasons"]:
            print(f"  reason: {reason}")
        for note in d["notes"]:
            print(f"  note:   {note}")
        for r in disk_readings("this-host", next(x for x in results if x.device.key == d["device"]),
                               0, 300)[1:]:
            print(f"  {r.name:<40} {value_text(r):>12}  {r.status.label}")
    return 0
