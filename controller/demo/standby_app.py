"""The demo's simulated replicated application: a probe and promote/demote, state in JSON files.

Run as a program by the demo agent (never imported by it):
  standby_app.py probe STATE POWER    print the member's state as the standby probe JSON
  standby_app.py promote|demote STATE set the role (the drill lab's promote/demote commands)
STATE is <data-dir>/lab/standby/<asset>.json ({"role", "lag_seconds", "healthy", "heartbeat"});
POWER is the simulated BMC's power file (1 on, 0 off): a server that is off answers nothing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _load(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def _save(path: Path, data: dict[str, object]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
    os.replace(tmp, path)


def probe(state_path: Path, power_path: Path) -> int:
    if power_path.exists() and power_path.read_text().strip() == "0":
        print("server is powered off", file=sys.stderr)
        return 1
    state = _load(state_path)
    now = int(time.time() * 1000)
    out: dict[str, object] = {"role": state.get("role", "unknown"),
                              "healthy": state.get("healthy", True)}
    if "lag_seconds" in state:
        out["lag_seconds"] = state["lag_seconds"]
        # a replication that stopped reporting: lag measured this many seconds ago
        out["lag_measured_unix_ms"] = now - int(float(str(state.get("lag_age_seconds", 0))) * 1000)
    if state.get("heartbeat", True):
        out["heartbeat_unix_ms"] = now
    else:
        out["heartbeat_unix_ms"] = int(float(str(state.get("heartbeat_stopped_unix_ms", 0))))
    print(json.dumps(out))
    return 0


def set_role(state_path: Path, role: str) -> int:
    """Change the role; every change is appended to <state>.roles.log with the group's epoch."""
    state = _load(state_path)
    delay = float(str(state.get(f"{'promote' if role == 'active' else 'demote'}_delay_seconds", 0)))
    if delay > 0:  # the drill lab can make a step slow (fault injection: a controller dies mid-way)
        time.sleep(min(delay, 60.0))
        state = _load(state_path)
    state["role"] = role
    if role == "active":
        state["lag_seconds"] = 0.0
    _save(state_path, state)
    entry = {"time_ms": int(time.time() * 1000), "asset": os.environ.get(
        "HOTSPARE_ASSET", state_path.stem), "role": role,
        "epoch": int(os.environ.get("HOTSPARE_EPOCH", "0") or 0),
        "command_id": os.environ.get("HOTSPARE_COMMAND_ID", "")}
    with open(state_path.with_suffix(".roles.log"), "a") as log:
        log.write(json.dumps(entry) + "\n")
    print(f"role is now {role}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "probe":
        return probe(Path(argv[1]), Path(argv[2]))
    if len(argv) >= 2 and argv[0] in ("promote", "demote"):
        return set_role(Path(argv[1]), "active" if argv[0] == "promote" else "standby")
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
