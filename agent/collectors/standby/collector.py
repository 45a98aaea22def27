"""The `standby` collector: role, lag with its measurement time, health, heartbeat, config digests."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agent.collectors import CollectorConfig, CollectorContext, parse_common
from agent.collectors.standby.probe import (
    ProbeAnswer,
    ProbeError,
    fetch_url,
    parse_answer,
    run_command,
)
from hotspare import model
from hotspare.standby import Role
from hotspare.threads import run_blocking
from hotspare.tomlconf import Section

K, S = model.ReadingKind, model.Status
MAX_CONFIG_BYTES = 16 * 1024 * 1024

# The seam tests use: (argv or url, timeout) -> the probe's text.
CommandRunner = Callable[[Sequence[str], float], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class MemberConfig:
    """One hot-standby member this agent watches (usually the host itself)."""

    asset: str  # "" means this agent's host asset
    group: str = ""
    probe_command: tuple[str, ...] = ()
    probe_url: str = ""
    config_files: dict[str, str] = field(default_factory=dict)  # reported name -> path
    promote_command: tuple[str, ...] = ()
    demote_command: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StandbyConfig(CollectorConfig):
    """Settings of the standby collector."""

    members: tuple[MemberConfig, ...] = ()


def parse_config(section: Section) -> StandbyConfig:
    common = parse_common(section, interval=5.0, timeout=3.0)
    members = []
    seen: set[str] = set()
    for m in section.tables("members"):
        asset = m.str("asset", "")
        if asset in seen:
            raise m.error("asset", f"member {asset or '(host)'!r} is listed twice")
        seen.add(asset)
        command = tuple(m.str_list("probe_command"))
        url = m.str("probe_url", "")
        if bool(command) == bool(url):
            raise m.error(None, "give exactly one of probe_command (a list) or probe_url")
        if url and not url.startswith(("http://", "https://")):
            raise m.error("probe_url", "must start with http:// or https://")
        files = m.str_map("config_files")
        for name in files:
            if not name.strip() or any(ord(c) < 32 for c in name):
                raise m.error("config_files", f"bad file name {name!r}")
        members.append(MemberConfig(
            asset=asset, group=m.str("group", ""), probe_command=command, probe_url=url,
            config_files=files, promote_command=tuple(m.str_list("promote_command")),
            demote_command=tuple(m.str_list("demote_command"))))
        m.finish()
    if not members:
        raise section.error("members", "the standby collector needs at least one [[...members]]")
    cfg = StandbyConfig(members=tuple(members), **common)
    section.finish()
    return cfg


def _digest(path: str) -> str:
    """sha256 of a file's bytes; the contents never leave this function."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        total = 0
        while chunk := f.read(65536):
            total += len(chunk)
            if total > MAX_CONFIG_BYTES:
                raise OSError(f"larger than {MAX_CONFIG_BYTES} bytes")
            h.update(chunk)
    return "sha256:" + h.hexdigest()


class StandbyCollector:
    """Probes every configured member each cycle, concurrently; one bad probe is data, not a crash."""

    name = "standby"

    def __init__(self, config: StandbyConfig, context: CollectorContext,
                 run: CommandRunner = run_command, get: CommandRunner | None = None) -> None:
        self.config = config
        self.context = context
        self._run = run
        self._get = get

    async def close(self) -> None:
        return None

    def member_for(self, asset_id: str) -> MemberConfig | None:
        """The member config of an asset (for promote/demote actions)."""
        for m in self.config.members:
            if (m.asset or self.context.host_asset_id) == asset_id:
                return m
        return None

    async def probe_now(self, asset_id: str) -> None:
        """Probe one member now and send its readings (after a promote or demote)."""
        member = self.member_for(asset_id)
        if member is not None:
            readings = await self._member(member)
            self.context.emit(model.Batch(readings=tuple(readings)))

    async def collect(self) -> model.Batch:
        per_member = await asyncio.gather(*(self._member(m) for m in self.config.members))
        return model.Batch(readings=tuple(r for rs in per_member for r in rs))

    async def _answer(self, m: MemberConfig) -> ProbeAnswer:
        timeout = self.config.timeout_seconds * 0.9
        if m.probe_command:
            text = await self._run(m.probe_command, timeout)
        else:
            text = await (self._get(m.probe_url, timeout) if self._get
                          else fetch_url(m.probe_url, timeout))
        return parse_answer(text)

    async def _member(self, m: MemberConfig) -> list[model.Reading]:
        asset = m.asset or self.context.host_asset_id
        now = self.context.wall_clock_ms()
        labels = {"interval_seconds": f"{self.config.interval_seconds:g}"}
        if m.group:
            labels["group"] = m.group

        def reading(sensor: str, kind: model.ReadingKind, value: float | None,
                    status: model.Status = S.OK, reason: str = "",
                    extra: dict[str, str] | None = None) -> model.Reading:
            return model.Reading(asset, sensor, kind, value, "", status, reason, now,
                                 name=sensor.removeprefix("standby:").replace(":", " "),
                                 labels={**labels, **(extra or {})})

        out = await self._digests(m, reading)
        try:
            ans = await self._answer(m)
        except ProbeError as exc:
            why = str(exc)
            return [*out,
                    reading("standby:role", K.STANDBY_ROLE, None, S.UNKNOWN, why,
                            {"role": "unknown"}),
                    reading("standby:lag", K.REPLICATION_LAG, None, S.UNKNOWN, why),
                    reading("standby:heartbeat", K.HEARTBEAT, None, S.UNKNOWN, why)]
        role_value = {Role.ACTIVE: 1.0, Role.STANDBY: 0.0}.get(ans.role)
        out.append(reading("standby:role", K.STANDBY_ROLE, role_value,
                           S.OK if role_value is not None else S.UNKNOWN,
                           ans.detail if role_value is not None
                           else f"probe reports role {ans.role_text!r}",
                           {"role": ans.role.value}))
        measured = ans.lag_measured_unix_ms or now
        if ans.lag_seconds is not None:
            out.append(reading("standby:lag", K.REPLICATION_LAG, ans.lag_seconds, S.OK, "",
                               {"measured_unix_ms": str(measured)}))
        elif ans.lag_problem:
            out.append(reading("standby:lag", K.REPLICATION_LAG, None, S.UNKNOWN, ans.lag_problem,
                               {"lag_problem": "invalid"}))
        elif ans.role is Role.STANDBY:
            out.append(reading("standby:lag", K.REPLICATION_LAG, None, S.UNKNOWN,
                               "probe gave no lag_seconds", {"lag_problem": "missing"}))
        heartbeat_ms = ans.heartbeat_unix_ms or now
        out.append(reading("standby:heartbeat", K.HEARTBEAT,
                           max(0.0, (now - heartbeat_ms) / 1000), S.OK, "",
                           {"heartbeat_unix_ms": str(heartbeat_ms)}))
        if ans.healthy is not None:
            out.append(reading("standby:health", K.APP_HEALTH, 1.0 if ans.healthy else 0.0,
                               S.OK if ans.healthy else S.CRITICAL,
                               "" if ans.healthy else
                               f"application reports unhealthy{': ' + ans.detail if ans.detail else ''}"))
        return out

    async def _digests(self, m: MemberConfig,
                       reading: Callable[..., model.Reading]) -> list[model.Reading]:
        out = []
        for name, path in sorted(m.config_files.items()):
            sensor = f"standby:config:{name}"
            try:
                digest = await run_blocking(_digest, path)
            except OSError as exc:
                why = f"cannot read {Path(path).name}: {exc.strerror or exc}"
                out.append(reading(sensor, K.CONFIG_DIGEST, None, S.UNKNOWN, why, {"path": path}))
                continue
            out.append(reading(sensor, K.CONFIG_DIGEST, None, S.OK, "",
                               {"digest": digest, "path": path}))
        return out


def build(config: StandbyConfig, context: CollectorContext) -> StandbyCollector:
    return StandbyCollector(config, context)
