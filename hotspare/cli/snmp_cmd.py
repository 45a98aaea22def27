"""`hotspare snmp probe`: poll one device once with the agent's own code and show what it sees."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

COMMUNITY_ENV = "HOTSPARE_SNMP_COMMUNITY"


def register(sub: Any) -> None:
    snmp = sub.add_parser("snmp", help="SNMP devices").add_subparsers(dest="snmp_cmd",
                                                                      metavar="ACTION")
    probe = snmp.add_parser("probe", help="poll one device once: identity, profiles, readings")
    probe.add_argument("address", metavar="HOST[:PORT]")
    probe.add_argument("--version", choices=["2c", "3"], default="3",
                       help="SNMP version (default 3, authPriv with SHA-256 and AES; 2c sends "
                            "the community in clear text and needs --allow-insecure)")
    probe.add_argument("--community-file", type=Path, metavar="FILE",
                       help=f"v2c: a file (mode 0600/0400) holding the community on one line; "
                            f"or set {COMMUNITY_ENV}, or use --secrets with a community key")
    probe.add_argument("--community", help=argparse.SUPPRESS)  # refused: visible in `ps`
    probe.add_argument("--allow-insecure", action="store_true",
                       help="accept SNMPv2c, noAuthNoPriv, MD5 or DES (as allow_insecure does "
                            "in the agent's config)")
    probe.add_argument("--user", help="v3 user")
    probe.add_argument("--auth-protocol", default="SHA-256", help="v3 (default SHA-256)")
    probe.add_argument("--priv-protocol", default="AES", help="v3 (default AES)")
    probe.add_argument("--secrets", type=Path,
                       help="TOML secrets file (mode 0600/0400) with auth_key and priv_key (v3) "
                            "or community (v2c)")
    probe.add_argument("--profile", action="append", default=[], help="pin a profile (repeatable)")
    probe.add_argument("--timeout", type=float, default=2.0)
    probe.add_argument("--json", action="store_true", help="machine-readable output")
    probe.set_defaults(func=cmd_probe)


def cmd_probe(args: argparse.Namespace) -> int:
    from agent.collectors import CollectorContext
    from agent.collectors.snmp.collector import SnmpCollector, SnmpConfig, Target
    from agent.collectors.snmp.profiles import builtin_profiles
    from hotspare import model
    from hotspare.render import value_text
    from hotspare.tomlconf import ConfigError, parse_address

    try:
        host, port = parse_address(args.address, default_port=161)
        creds = _credentials(args)
        unknown = [p for p in args.profile if p not in builtin_profiles()]
        if unknown:
            raise ConfigError(f"unknown profile(s) {', '.join(unknown)}")
    except (ValueError, ConfigError, KeyError) as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 2
    asset = model.Asset(f"snmp-{host}-{port}", model.AssetKind.NETWORK)
    target = Target(host, port, creds, asset, args.timeout, 1, tuple(args.profile))
    config = SnmpConfig(targets=(target,), interval_seconds=60, timeout_seconds=args.timeout * 10)
    collector = SnmpCollector(config, CollectorContext("probe", asset.asset_id, lambda b: None))
    result = asyncio.run(collector.poll(collector.devices[0]))
    batch = result.batch
    reach = next((r for r in batch.readings if r.sensor_id == "snmp:reachability"), None)
    reachable = reach is not None and reach.status is model.Status.OK
    doc = {
        "device": f"{host}:{port}", "reachable": reachable,
        "status": reach.reason if reach and reach.reason else "ok",
        "identity": {k: v if not isinstance(v, bytes) else v.hex()
                     for k, v in result.identity.items()},
        "profiles": result.profiles, "problems": result.problems,
        "readings": [{"sensor_id": r.sensor_id, "name": r.name, "kind": r.kind.value,
                      "value": r.value, "unit": r.unit, "status": r.status.label,
                      "reason": r.reason, **_provenance(result.trace.get(r.sensor_id))}
                     for r in batch.readings],
        "components": [dataclasses.asdict(c) for c in batch.components],
        "events": [e.description for e in batch.events],
    }
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0 if reachable else 1
    if not reachable:
        print(f"hotspare: {host}:{port}: {doc['status']}", file=sys.stderr)
        return 1
    ident = result.identity
    print(f"{host}:{port}: {ident.get('name')} ({ident.get('object_id')})")
    print(f"  {str(ident.get('descr'))[:100]}")
    print(f"  profiles: {', '.join(result.profiles)}")
    for r in batch.readings:
        print(f"  {r.name[:40]:<40} {value_text(r):>14}  {r.status.label:<8} {r.reason}")
    for c in batch.components:
        print(f"  component {c.type:<8} {c.vendor} {c.model} serial {c.serial}")
    for problem in result.problems:
        print(f"  problem: {problem}")
    return 0


def _credentials(args: argparse.Namespace) -> Any:
    """Credentials from files or the environment, never from the command line (`ps` shows it)."""
    from agent.collectors.snmp.collector import insecure_problems
    from agent.collectors.snmp.session import AUTH_PROTOCOLS, PRIV_PROTOCOLS, Credentials
    from hotspare.secrets import load_secret, load_secret_file
    from hotspare.tomlconf import ConfigError

    if args.community is not None:
        raise ConfigError(f"--community is refused: a secret on the command line is visible in "
                          f"`ps`; use --community-file FILE (mode 0600) or {COMMUNITY_ENV}")
    auth, priv = args.auth_protocol.upper(), args.priv_protocol.upper()
    if args.version == "3":
        if auth not in AUTH_PROTOCOLS:
            raise ConfigError(f"--auth-protocol must be one of {', '.join(AUTH_PROTOCOLS)}")
        if priv not in PRIV_PROTOCOLS:
            raise ConfigError(f"--priv-protocol must be one of {', '.join(PRIV_PROTOCOLS)}")
    problems = insecure_problems(args.version, auth, priv)
    if problems and not args.allow_insecure:
        raise ConfigError(f"{', '.join(problems)} needs --allow-insecure (the default, "
                          "--version 3, is authPriv with SHA-256 and AES)")
    if args.version == "2c":
        if args.community_file:
            community = load_secret_file(args.community_file)
        elif os.environ.get(COMMUNITY_ENV):
            community = os.environ[COMMUNITY_ENV]
        elif args.secrets:
            community = load_secret(args.secrets, "community")
        else:
            raise ConfigError(f"v2c needs --community-file FILE, {COMMUNITY_ENV} or --secrets "
                              "with a community key")
        return Credentials("2c", community=community)
    needs_keys = auth != "NONE"
    if not args.user or (needs_keys and not args.secrets):
        raise ConfigError("v3 needs --user and --secrets (a TOML file with auth_key, priv_key)")
    return Credentials(
        "3", user=args.user, auth_protocol=auth,
        auth_key=load_secret(args.secrets, "auth_key") if needs_keys else "",
        priv_protocol=priv,
        priv_key=load_secret(args.secrets, "priv_key") if needs_keys and priv != "NONE" else "")


def _provenance(trace: dict[str, Any] | None) -> dict[str, Any]:
    """Source OIDs, raw values, scale, thresholds and their source, as JSON-safe values."""
    if not trace:
        return {}
    return {"oids": list(trace.get("oids", [])),
            "raw": [v.hex() if isinstance(v, bytes) else v for v in trace.get("raw", [])],
            "scale": trace.get("scale"), "thresholds": dict(trace.get("thresholds", {})),
            "threshold_source": trace.get("threshold_source", "none")}
