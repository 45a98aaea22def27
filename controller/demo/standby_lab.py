"""The drill lab: the hot-standby group core-banking, its simulated application and its config files."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parent / "standby_app.py"
GROUP = "core-banking"
CONFIG_TEXT = "# core banking application\nreplication.mode = sync\nlisten = 0.0.0.0:7000\n"


@dataclass
class Lab:
    """State files the operator (or a test) edits to rehearse: lag, role, health, config drift."""

    state_dir: Path
    members: tuple[str, ...]
    agent_toml: str = ""
    controller_toml: str = ""

    def state_file(self, asset: str) -> Path:
        return self.state_dir / f"{asset}.json"

    def config_file(self, asset: str, name: str = "app.conf") -> Path:
        return self.state_dir / asset / "etc" / name

    def stop(self) -> None:
        return None


def start_lab(lab_dir: Path, members: tuple[str, ...], bmc_dir: Path | None = None,
              interval_seconds: float = 2.0) -> Lab:
    """Write the application's state and config for each member; the first one is active."""
    state_dir = lab_dir / "standby"
    state_dir.mkdir(parents=True, exist_ok=True)
    lab = Lab(state_dir, members)
    lab.agent_toml = (f"[collectors.standby]\ninterval_seconds = {interval_seconds:g}\n"
                      f"timeout_seconds = {interval_seconds * 0.75:g}\n")
    for i, asset in enumerate(members):
        state = {"role": "active" if i == 0 else "standby", "lag_seconds": 0.0 if i == 0 else 0.3,
                 "healthy": True, "heartbeat": True}
        lab.state_file(asset).write_text(json.dumps(state, indent=2))
        conf = lab.config_file(asset)
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(CONFIG_TEXT)
        power = (bmc_dir / asset / "power") if bmc_dir else state_dir / asset / "power"
        app = [sys.executable, str(APP)]
        lab.agent_toml += (
            f'[[collectors.standby.members]]\nasset = "{asset}"\ngroup = "{GROUP}"\n'
            f"probe_command = {json.dumps([*app, 'probe', str(lab.state_file(asset)), str(power)])}\n"
            f"promote_command = {json.dumps([*app, 'promote', str(lab.state_file(asset))])}\n"
            f"demote_command = {json.dumps([*app, 'demote', str(lab.state_file(asset))])}\n"
            f'config_files = {{ "app.conf" = {json.dumps(str(conf))} }}\n')
    fencing = ", ".join(f'"{a}" = "{a}"' for a in members)
    lab.controller_toml = (
        f'[[standby.groups]]\nname = "{GROUP}"\nmembers = {json.dumps(list(members))}\n'
        f'initial_active = "{members[0]}"\nconfig_files = ["app.conf"]\n'
        f"fencing = {{ {fencing} }}\nlag_limit_seconds = 5\nlag_max_age_seconds = 10\n"
        "heartbeat_max_age_seconds = 10\n")
    return lab
