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


def run_agent(args: argparse.Namespace) -> int:
    from agent.config import default_config, load_config, with_metrics_listen
    from agent.runner import main, run_once
    from hotspare.metrics_http import MetricsListenError

    config = load_config(args.config, args.controller) if args.config else default_config(
        args.controller)
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
    except MetricsListenError as exc:
        print(f"hotspare: agent cannot start: {exc}", file=sys.stderr)
        return 1
    return 0


def run_controller(args: argparse.Namespace) -> int:
    from controller.config import load_config
    from controller.server import main
    from controller.store import StoreError
    from hotspare.metrics_http import MetricsListenError

    config = load_config(args.config, args.listen, args.data_dir, args.metrics_listen)
    try:
        asyncio.run(main(config))
    except (StoreError, OSError, MetricsListenError) as exc:
        print(f"hotspare: controller cannot start: {exc}", file=sys.stderr)
        return 1
    return 0
