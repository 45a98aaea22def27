"""`hotspare demo`: a controller, an agent on this machine and simulated devices, in one command."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

# Not the controller's ./hotspare-data: the README's tour must not show the demo's assets forever.
DEMO_DATA_DIR = "hotspare-demo-data"


def register(sub: Any) -> None:
    demo = sub.add_parser("demo", help="run a local demo fleet and open the TUI")
    demo.add_argument("--data-dir", default=DEMO_DATA_DIR,
                      help=f"where the demo database lives (default ./{DEMO_DATA_DIR})")
    demo.add_argument("--port", type=int, default=50051, help="preferred controller port")
    demo.add_argument("--no-tui", action="store_true", help="print a text summary instead of the TUI")
    demo.add_argument("--duration", type=float, default=30.0,
                      help="seconds to run without the TUI (default 30)")
    demo.add_argument("--no-labs", action="store_true", help="no simulated SNMP/IPMI devices")
    demo.set_defaults(func=cmd_demo)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends the demo like Ctrl-C, so its controller, agent and labs are stopped too."""
    raise KeyboardInterrupt


def cmd_demo(args: argparse.Namespace) -> int:
    from controller.demo.run import print_summary, start

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    demo = start(Path(args.data_dir), args.port, with_labs=not args.no_labs)
    print(f"[demo] controller on {demo.address}, data in {demo.data_dir}/ "
          f"(logs: controller.log, agent.log)", flush=True)
    for note in demo.notes:
        print(f"[demo] {note}", flush=True)
    try:
        if args.no_tui or not sys.stdout.isatty():
            count = print_summary(demo, args.duration)
            return 0 if count else 1
        from tui.app import HotSpareApp

        HotSpareApp(demo.address).run()
        return 0
    finally:
        demo.stop()
        print("[demo] stopped", flush=True)
