#!/usr/bin/env python3
"""Stand-in `smartctl` for the demo: SMARTCTL_FAKE_DIR holds per-device captures, printed as-is.

Device files are named by the device path with '/' replaced by '_' (plus '@TYPE' for RAID types);
each JSON capture is printed as-is and the process exits with the capture's recorded exit status.
"""

import json
import os
import sys
from pathlib import Path


def main() -> int:
    root = Path(os.environ["SMARTCTL_FAKE_DIR"])
    args = sys.argv[1:]
    if "--scan-open" in args:
        path = root / "scan.json"
        sys.stdout.write(path.read_text() if path.exists() else '{"smartctl": {"exit_status": 0}}')
        return 0
    device = args[-1]
    dev_type = args[args.index("-d") + 1] if "-d" in args else ""
    plain = dev_type in ("", "nvme", "sat", "scsi", "ata", "auto")
    name = device.replace("/", "_") + ("" if plain else f"@{dev_type}")
    path = root / f"{name}.json"
    if not path.exists():
        sys.stdout.write(json.dumps({"smartctl": {"exit_status": 2, "messages": [
            {"string": f"Smartctl open device: {device} failed: No such device",
             "severity": "error"}]}}))
        return 2
    text = path.read_text()
    sys.stdout.write(text)
    return int(json.loads(text).get("smartctl", {}).get("exit_status") or 0)


if __name__ == "__main__":
    sys.exit(main())
