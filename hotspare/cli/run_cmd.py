"""`hotspare agent run` and `hotspare controller run`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    agent = sub.add_parser("agent", help="run an agent").add_subparsers(dest="agent_cmd",
                                                                         metavar="ACTION")
    run = agent.add_parser("run", help="collect readings and stream them to the controller")
    run.add_argument("--config", type=Path, help="agent TOML file (default: built-in defaults)")
    run.add_argument("--controller", help="controller HOST:PORT (default 127.0.0.1:50051)")
    run.add_argument("--state-dir", type=Path,
                     help="where the agent keeps its spool (default: hotspare-agent-state next to"
                          " the config file, or ./hotspare-data/agent-state)")
    run.add_argument("--metrics-listen", metavar="HOST:PORT",
                     help="serve Prometheus metrics at http://HOST:PORT/metrics")
    run.add_argument("--once", action="store_true",
                     help="run every collector once, wait for the controller's ack, exit"
                          " (0: all stored)")
    run.set_defaults(func=run_agent)

    ctl = sub.add_parser("controller", help="run the controller").add_subparsers(
        dest="controller_cmd", metavar="ACTION")
    crun = ctl.add_parser("run", help="serve agents, the TUI and the CLI")
    crun.add_argument("--config", type=Path, help="controller TOML file")
    crun.add_argument("--listen", help="HOST:PORT to listen on (default 127.0.0.1:50051)")
    crun.add_argument("--data-dir", help="where the SQLite database lives (default ./hotspare-data)")
    crun.add_argument("--metrics-listen", metavar="HOST:PORT",
                      help="serve Prometheus metrics at http://HOST:PORT/metrics")
    crun.set_defaults(func=run_controller)
    check = ctl.add_parser("check", help="check the database's integrity and schema (offline or "
                                         "online)")
    backup = ctl.add_parser("backup", help="copy the database consistently while it runs "
                                           "(SQLite's backup API)")
    backup.add_argument("file", type=Path, help="the new backup file (must not exist)")
    for p in (check, backup):
        p.add_argument("--config", type=Path, help="controller TOML file")
        p.add_argument("--data-dir", help="where the SQLite database lives")
        p.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(func=check_database)
    backup.set_defaults(func=backup_database)


def run_agent(args: argparse.Namespace) -> int:
    from agent.config import default_config, load_config, with_metrics_listen
    from agent.runner import main, run_once
    from agent.spool import SpoolError
    from hotspare.metrics_http import MetricsListenError

    if args.config:
        config = load_config(args.config, args.controller, args.state_dir)
    else:
        config = default_config(args.controller, args.state_dir)
    config = with_metrics_listen(config, args.metrics_listen)
    if args.controller:
        from hotspare.tomlconf import ConfigError, parse_address

        try:
            parse_address(args.controller)
        except ValueError as exc:
            raise ConfigError(f"--controller: {exc}") from None
    try:
        if args.once:
            return asyncio.run(run_once(config))
        asyncio.run(main(config))
    except (SpoolError, MetricsListenError) as exc:
        print(f"hotspare: agent cannot start: {exc}", file=sys.stderr)
        return 1
    return 0


def run_controller(args: argparse.Namespace) -> int:
    import sqlite3

    from controller.config import load_config
    from controller.server import main
    from controller.store import StoreError
    from hotspare.metrics_http import MetricsListenError

    config = load_config(args.config, args.listen, args.data_dir, args.metrics_listen)
    try:
        _check_listen(config.listen)
        asyncio.run(main(config))
    except (StoreError, OSError, MetricsListenError) as exc:
        print(f"hotspare: controller cannot start: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        print(f"hotspare: controller cannot start: database {config.database_path}: {exc}; restore it"
              " from a backup or move it away to start an empty one", file=sys.stderr)
        return 1
    except RuntimeError as exc:  # grpc's "Failed to bind to address ..."
        if "bind" not in str(exc).lower():
            raise
        print(f"hotspare: controller cannot start: cannot listen on {config.listen}"
              " (address in use or not available)", file=sys.stderr)
        return 1
    return 0


def _check_listen(listen: str) -> None:
    """Refuse a listen address another process holds, before opening the database.

    A plain bind without SO_REUSEPORT also fails when another controller (whose gRPC server sets
    SO_REUSEPORT) has the port, so two controllers never share one.
    """
    import socket

    from hotspare.tomlconf import parse_address

    host, port = parse_address(listen)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise OSError(f"cannot listen on {listen}: {exc.strerror or exc}") from None


def _open_store(args: argparse.Namespace) -> Any:
    from controller.config import load_config
    from controller.store import Store, StoreError

    config = load_config(args.config, None, args.data_dir)
    if not config.database_path.exists():
        raise StoreError(f"{config.database_path}: no database there (see --data-dir)")
    return Store(config.database_path)


def check_database(args: argparse.Namespace) -> int:
    """`hotspare controller check`: SQLite's full integrity check and the schema version."""
    import json

    from controller.store import StoreError

    try:
        store = _open_store(args)
        try:
            version = store.check(full=True)
        finally:
            store.close()
    except StoreError as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc)}, indent=2))
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"ok": True, "database": str(store.path), "schema_version": version},
                         indent=2))
    else:
        print(f"{store.path}: ok (integrity check passed, schema version {version})")
    return 0


def backup_database(args: argparse.Namespace) -> int:
    """`hotspare controller backup FILE`: an online, consistent copy (mode 0600)."""
    import json

    from controller.store import StoreError

    try:
        store = _open_store(args)
        try:
            store.backup(args.file)
        finally:
            store.close()
    except StoreError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"ok": True, "backup": str(args.file),
                          "bytes": args.file.stat().st_size}, indent=2))
    else:
        print(f"backed up {store.path} to {args.file} ({args.file.stat().st_size} bytes)")
    return 0
