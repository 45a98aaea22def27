"""`hotspare ipmi probe`: read one BMC once with the agent's own code."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    ipmi = sub.add_parser("ipmi", help="BMCs over IPMI").add_subparsers(dest="ipmi_cmd",
                                                                        metavar="ACTION")
    probe = ipmi.add_parser("probe", help="read a BMC once: sensors, power, FRU, recent SEL")
    probe.add_argument("address", metavar="HOST[:PORT]")
    probe.add_argument("--user", required=True)
    probe.add_argument("--password-file", required=True, type=Path,
                       help="file holding only the password (mode 0600 or 0400)")
    probe.add_argument("--timeout", type=float, default=10.0)
    probe.add_argument("--json", action="store_true", help="machine-readable output")
    probe.set_defaults(func=cmd_probe)


def cmd_probe(args: argparse.Namespace) -> int:
    from agent.collectors import CollectorContext
    from agent.collectors.ipmi.collector import BmcTarget, IpmiCollector, IpmiConfig
    from hotspare import model
    from hotspare.cli.output import json_text
    from hotspare.render import value_text
    from hotspare.secrets import read_password_file
    from hotspare.tomlconf import ConfigError, parse_address

    try:
        host, port = parse_address(args.address, default_port=623)
    except ValueError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 2
    try:
        password = read_password_file(args.password_file)
    except ConfigError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 2
    asset = model.Asset(f"bmc-{host}-{port}", model.AssetKind.SERVER)
    target = BmcTarget(host, port, args.user, password, asset, 4, args.timeout / 6)
    config = IpmiConfig(bmcs=(target,), state_dir="", fru_interval_seconds=1.0,
                        interval_seconds=60, timeout_seconds=args.timeout)
    emitted: list[model.Batch] = []
    collector = IpmiCollector(config, CollectorContext("probe", asset.asset_id, emitted.append))
    collector.persist_sel = False

    async def read_once() -> model.Batch:
        try:  # the BMC's batch is emitted when its poll ends (the cycle waits for it)
            await collector.collect()
            await collector.poller.settle(args.timeout + 15.0)  # + a slow worker start-up
        finally:
            await collector.close()
        return emitted[0] if emitted else model.Batch(readings=(model.Reading(
            asset.asset_id, "ipmi:reachability", model.ReadingKind.REACHABILITY, 0.0, "",
            model.Status.CRITICAL, "unreachable: no answer in time"),))

    batch = asyncio.run(read_once())
    reach = next(r for r in batch.readings if r.sensor_id == "ipmi:reachability")
    doc = {
        "bmc": f"{host}:{port}",
        "reachable": reach.status is model.Status.OK,
        "status": reach.reason or "ok",
        "cipher_suite": reach.labels.get("cipher_suite", ""),
        "identity": (dataclasses.asdict(batch.assets[0]) | {"kind": batch.assets[0].kind.value}
                     if batch.assets else None),
        "readings": [{"sensor": r.name, "kind": r.kind.value, "value": r.value, "unit": r.unit,
                      "status": r.status.label, "reason": r.reason}
                     for r in batch.readings],
        "components": [dataclasses.asdict(c) for c in batch.components],
        "sel": [dataclasses.asdict(e) | {"severity": e.severity.label}
                for e in batch.events][-20:],
    }
    if args.json:
        print(json_text(doc))
        return 0 if doc["reachable"] else 1
    if not doc["reachable"]:
        print(f"hotspare: BMC {host}:{port}: {reach.reason}", file=sys.stderr)
        return 1
    print(f"BMC {host}:{port}: reachable, cipher suite {doc['cipher_suite']}")
    for r in batch.readings:
        print(f"  {r.name:<28} {value_text(r):>12}  {r.status.label:<8} {r.reason}")
    for c in batch.components:
        print(f"  FRU {c.type:<8} {c.vendor} {c.model} part {c.part_number} serial {c.serial}")
    for e in batch.events[-20:]:
        print(f"  SEL {e.source_id}: {e.severity.label} {e.sensor} {e.description}")
    return 0
