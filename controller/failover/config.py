"""Hot-standby groups from the controller's TOML ([[standby.groups]]), checked with file:line errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hotspare.standby import GroupLimits
from hotspare.tomlconf import Section

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class AutoFailover:
    """The automatic failover policy of a group (off by default; S8)."""

    enabled: bool = False
    consecutive_checks: int = 3
    window_seconds: float = 3600.0


@dataclass(frozen=True, slots=True)
class StandbyGroup:
    """A hot-standby group: members, who should be active, limits, watched files, fencing BMCs."""

    name: str
    members: tuple[str, ...]
    initial_active: str
    limits: GroupLimits = field(default_factory=GroupLimits)
    config_files: tuple[str, ...] = ()
    fencing: dict[str, str] = field(default_factory=dict)  # member asset -> its BMC's asset
    replication: bool = True  # False for pairs with no data to sync (VRRP routers): no lag checks
    auto: AutoFailover = field(default_factory=AutoFailover)
    four_eyes: bool = False

    def bmc_of(self, member: str) -> str:
        return self.fencing.get(member, "")


def parse_groups(sec: Section) -> tuple[StandbyGroup, ...]:
    """The [standby] table: every [[standby.groups]] entry, names and membership unique."""
    groups: list[StandbyGroup] = []
    owner: dict[str, str] = {}
    for g in sec.tables("groups"):
        group = _group(g)
        if any(other.name == group.name for other in groups):
            raise g.error("name", f"group {group.name!r} is defined twice")
        for member in group.members:
            if member in owner:
                raise g.error("members", f"{member!r} is already a member of group "
                                         f"{owner[member]!r}; an asset belongs to one group")
            owner[member] = group.name
        groups.append(group)
    sec.finish()
    return tuple(groups)


def _group(g: Section) -> StandbyGroup:
    name = g.str("name", required=True)
    if not _NAME.match(name):
        raise g.error("name", "use 1-64 letters, digits, '.', '_' or '-'")
    members = tuple(g.str_list("members"))
    if len(members) < 2:
        raise g.error("members" if "members" in g.data else None,
                      f"group {name!r} needs at least two members, got {len(members)}")
    if len(set(members)) != len(members):
        raise g.error("members", "a member is listed twice")
    initial = g.str("initial_active", members[0])
    if initial not in members:
        raise g.error("initial_active", f"{initial!r} is not a member of {name!r}")
    limits = GroupLimits(
        lag_limit_seconds=g.float("lag_limit_seconds", 5.0, minimum=0),
        lag_max_age_seconds=g.float("lag_max_age_seconds", 30.0, minimum=0.1),
        heartbeat_max_age_seconds=g.float("heartbeat_max_age_seconds", 15.0, minimum=0.1),
        drill_max_age_days=g.float("drill_max_age_days", 90.0, minimum=0),  # 0: not required
    )
    files = tuple(g.str_list("config_files"))
    for f in files:  # names as the members' agents report them (their config_files keys)
        if not f.strip() or any(ord(c) < 32 for c in f):
            raise g.error("config_files", f"bad file name {f!r}")
    fencing = g.str_map("fencing")
    for member in fencing:
        if member not in members:
            raise g.error("fencing", f"{member!r} is not a member of {name!r}")
    auto_sec = g.table_("auto_failover")
    auto = AutoFailover(
        enabled=auto_sec.bool("enabled", False),
        consecutive_checks=auto_sec.int("consecutive_checks", 3, minimum=1),
        window_seconds=auto_sec.float("window_seconds", 3600.0, minimum=1.0),
    )
    auto_sec.finish()
    group = StandbyGroup(name=name, members=members, initial_active=initial, limits=limits,
                         config_files=files, fencing=fencing, auto=auto,
                         four_eyes=g.bool("four_eyes", False),
                         replication=g.bool("replication", True))
    g.finish()
    return group
