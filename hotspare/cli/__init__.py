"""The `hotspare` command: one entry point, subcommands registered from small modules."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from hotspare.errors import HotSpareError
from hotspare.tomlconf import ConfigError, parse_address

# Each module has register(subparsers); its handlers take the parsed args and return an exit code.
SUBCOMMAND_MODULES = [
    "hotspare.cli.run_cmd",
    "hotspare.cli.query_cmd",
    "hotspare.cli.history_cmd",
    "hotspare.cli.demo_cmd",
    "hotspare.cli.tui_cmd",
    "hotspare.cli.smart_cmd",
    "hotspare.cli.alerts_cmd",
    "hotspare.cli.power_cmd",
    "hotspare.cli.ipmi_cmd",
    "hotspare.cli.snmp_cmd",
    "hotspare.cli.standby_cmd",
    "hotspare.cli.switchover_cmd",
    "hotspare.cli.spares_cmd",
    "hotspare.cli.security_cmd",
]


class _Formatter(logging.Formatter):
    """One line per event: time, level, logger, message (secrets never reach the logger)."""

    def format(self, record: logging.LogRecord) -> str:
        ts = self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
        return f"{ts} {record.levelname.lower()} {record.name} {record.getMessage()}"


def setup_logging(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotspare",
        description="Datacentre hardware health and hot-standby readiness.",
    )
    parser.add_argument("--log-level", default="info",
                        choices=["debug", "info", "warning", "error"], help="log verbosity")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from hotspare.credentials import take_global_options

    parser = build_parser()
    args = parser.parse_args(take_global_options(sys.argv[1:] if argv is None else argv))
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    setup_logging(args.log_level)
    controller = getattr(args, "controller", None)
    if isinstance(controller, str):
        try:
            parse_address(controller)
        except ValueError as exc:
            print(f"hotspare: --controller: {exc}", file=sys.stderr)
            return 2
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"hotspare: configuration error: {exc}", file=sys.stderr)
        return 2
    except HotSpareError as exc:
        print(f"hotspare: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
