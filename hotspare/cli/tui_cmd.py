"""`hotspare tui`: the Textual terminal UI against a running controller."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    tui = sub.add_parser("tui", help="open the terminal UI")
    tui.add_argument("--controller", default="127.0.0.1:50051", help="controller HOST:PORT")
    tui.set_defaults(func=cmd_tui)


def cmd_tui(args: argparse.Namespace) -> int:
    from tui.app import HotSpareApp

    HotSpareApp(args.controller).run()
    return 0
