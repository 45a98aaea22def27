"""Checks a switchover history against the members' own logs: S1, S2 and S6 as facts, not intentions.

Inputs are what the members did, written by themselves: each member's role log
(`<asset>.roles.log`, one JSON line per promote/demote with time, role, epoch, command id) and
each BMC's power log (`power.log`, "<unix ms> <0|1>" per power change). The checker knows
nothing of the controller's own journal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RoleChange:
    time_ms: int
    asset: str
    role: str
    epoch: int
    command_id: str


def read_roles(path: Path) -> list[RoleChange]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(RoleChange(int(d["time_ms"]), d["asset"], d["role"], int(d["epoch"]),
                                  d.get("command_id", "")))
    return out


def read_power(path: Path) -> list[tuple[int, str]]:
    if not path.exists():
        return []
    return [(int(t), v) for t, v in (line.split() for line in path.read_text().splitlines()
                                      if line.strip())]


def check(roles: dict[str, list[RoleChange]], power: dict[str, list[tuple[int, str]]],
          initial_active: str, failover_promotions: set[str] = frozenset()) -> list[str]:
    """Every violation found (empty when the history is safe).

    - S1: never two actives at once, and every promotion carries an epoch above all before it;
    - S2: a promotion of a failover (its command id in `failover_promotions`) happens only after
      the old active's BMC logged power off;
    - S6: no command id acts twice (a resumed switchover never repeats a step).
    """
    problems: list[str] = []
    changes = sorted((c for cs in roles.values() for c in cs), key=lambda c: c.time_ms)
    active = {initial_active}
    highest_epoch = 0
    seen_ids: set[str] = set()
    off_at: dict[str, int] = {}
    for asset, log in power.items():
        offs = [t for t, v in log if v == "0"]
        if offs:
            off_at[asset] = min(offs)
    for c in changes:
        if c.command_id and c.command_id in seen_ids:
            problems.append(f"S6: command {c.command_id} acted twice ({c.asset} {c.role})")
        seen_ids.add(c.command_id)
        if c.role == "active":
            if c.epoch <= highest_epoch:
                problems.append(f"S1: {c.asset} promoted with epoch {c.epoch} after epoch "
                                f"{highest_epoch}")
            highest_epoch = max(highest_epoch, c.epoch)
            others = active - {c.asset}
            if c.command_id in failover_promotions:
                for other in others:
                    if off_at.get(other, 1 << 62) > c.time_ms:
                        problems.append(f"S2: {c.asset} promoted at {c.time_ms} before {other} "
                                        "was confirmed off")
                active = {c.asset}
            else:
                if others:
                    problems.append(f"S1: {c.asset} active while {sorted(others)} still active")
                active.add(c.asset)
        else:
            active.discard(c.asset)
    return problems


def check_lab(state_dir: Path, bmc_power_files: dict[str, Path], initial_active: str,
              failover_promotions: set[str] = frozenset()) -> list[str]:
    roles = {p.name.split(".")[0]: read_roles(p) for p in state_dir.glob("*.roles.log")}
    power = {asset: read_power(Path(str(f) + ".log")) for asset, f in bmc_power_files.items()}
    return check(roles, power, initial_active, failover_promotions)
