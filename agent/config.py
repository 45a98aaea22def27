"""Agent configuration: frozen dataclasses, TOML loading, validation with file:line errors."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agent.collectors import REGISTRY, module_for
from hotspare import model
from hotspare.tomlconf import ConfigError, Located, Section, load, parse_address

DEFAULT_CONTROLLER = "127.0.0.1:50051"
DEFAULT_STATE_DIR_NAME = "hotspare-agent-state"  # next to the config file
DEFAULT_STATE_DIR_NO_CONFIG = Path("hotspare-data") / "agent-state"  # under the working directory
DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_SPOOL_MAX_AGE_SECONDS = 7 * 86400.0


@dataclass(frozen=True, slots=True)
class StreamConfig:
    """How the agent talks to the controller."""

    controller: str = DEFAULT_CONTROLLER
    max_pending_batches: int = 100_000  # spooled, unacknowledged batches
    max_batch_readings: int = 2000
    flush_interval_seconds: float = 0.0  # how long readings wait to be spooled together
    backoff_initial_seconds: float = 0.5
    backoff_max_seconds: float = 15.0
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""


@dataclass(frozen=True, slots=True)
class SpoolConfig:
    """Where and how much the agent keeps while the controller has not acknowledged it."""

    state_dir: Path = DEFAULT_STATE_DIR_NO_CONFIG
    max_bytes: int = DEFAULT_SPOOL_MAX_BYTES
    max_age_seconds: float = DEFAULT_SPOOL_MAX_AGE_SECONDS


@dataclass(frozen=True, slots=True)
class AgentConfig:
    """Everything the agent process needs."""

    agent_id: str
    host_asset: model.Asset
    stream: StreamConfig
    collectors: dict[str, Any] = field(default_factory=dict)  # name -> collector config
    state_dir: str = ""  # command journal, group epochs; "" keeps them in memory only
    spool: SpoolConfig = field(default_factory=SpoolConfig)
    metrics_listen: str = ""  # HOST:PORT of /metrics; "" serves none


def default_config(controller: str | None = None, state_dir: Path | None = None) -> AgentConfig:
    """The configuration used when no file is given: local collector, local controller."""
    host = socket.gethostname()
    stream = StreamConfig(controller=controller or DEFAULT_CONTROLLER)
    local = module_for("local").parse_config(Section(Located(Path("<defaults>"), "", {}), (), {}))
    return AgentConfig(
        agent_id=host,
        host_asset=model.Asset(asset_id=host, kind=model.AssetKind.SERVER, name=host),
        stream=stream,
        collectors={"local": local},
        spool=SpoolConfig(state_dir=(state_dir or DEFAULT_STATE_DIR_NO_CONFIG).absolute()),
        state_dir=str((state_dir or DEFAULT_STATE_DIR_NO_CONFIG).absolute()),
    )


def _spool(section: Section, state_dir: Path) -> SpoolConfig:
    cfg = SpoolConfig(
        state_dir=state_dir,
        max_bytes=section.int("max_bytes", DEFAULT_SPOOL_MAX_BYTES, minimum=64 * 1024),
        max_age_seconds=section.float("max_age_seconds", DEFAULT_SPOOL_MAX_AGE_SECONDS,
                                      minimum=1.0),
    )
    section.finish()
    return cfg


def _asset(section: Section, agent_id: str) -> model.Asset:
    kind_text = section.str("kind", "server")
    try:
        kind = model.AssetKind(kind_text)
    except ValueError:
        choices = ", ".join(k.value for k in model.AssetKind)
        raise section.error("kind", f"unknown asset kind {kind_text!r} (one of {choices})") from None
    asset = model.Asset(
        asset_id=section.str("id", agent_id),
        kind=kind,
        name=section.str("name", agent_id),
        vendor=section.str("vendor", ""),
        model=section.str("model", ""),
        serial=section.str("serial", ""),
        location=model.Location(
            site=section.str("site", ""),
            room=section.str("room", ""),
            rack=section.str("rack", ""),
            unit=section.str("unit", ""),
        ),
        parent_id=section.str("parent", ""),
        labels=section.str_map("labels"),
    )
    section.finish()
    return asset


def _stream(section: Section, override: str | None) -> StreamConfig:
    controller = section.str("controller", DEFAULT_CONTROLLER)
    try:
        parse_address(controller)
    except ValueError as exc:
        raise section.error("controller", str(exc)) from None
    cfg = StreamConfig(
        controller=override or controller,
        max_pending_batches=section.int("max_pending_batches", 100_000, minimum=1),
        max_batch_readings=section.int("max_batch_readings", 2000, minimum=1),
        flush_interval_seconds=section.float("flush_interval_seconds", 0.0, minimum=0.0),
        backoff_initial_seconds=section.float("backoff_initial_seconds", 0.5, minimum=0.01),
        backoff_max_seconds=section.float("backoff_max_seconds", 15.0, minimum=0.01),
        ca_file=section.str("ca_file", ""),
        cert_file=section.str("cert_file", ""),
        key_file=section.str("key_file", ""),
    )
    section.finish()
    return cfg


def load_config(
    path: Path, controller: str | None = None, state_dir: Path | None = None
) -> AgentConfig:
    """Load and validate an agent TOML file; raises ConfigError naming file, key and line.

    A relative state_dir is taken relative to the config file's directory.
    """
    doc = load(path)
    root = Section(doc, (), doc.data)
    agent = root.table_("agent")
    agent_id = agent.str("id", socket.gethostname())
    if not agent_id.strip():
        raise agent.error("id", "must not be empty")
    host_asset = _asset(agent.table_("asset"), agent_id)
    stream = _stream(agent.table_("stream"), controller)
    state_text = agent.str("state_dir", DEFAULT_STATE_DIR_NAME)
    if not state_text.strip():
        raise agent.error("state_dir", "must not be empty")
    state = state_dir.absolute() if state_dir else (path.parent / state_text).absolute()
    spool = _spool(agent.table_("spool"), state)
    state_dir_text = str(state)
    agent.finish()
    collectors_section = root.table_("collectors")
    collectors: dict[str, Any] = {}
    for name in collectors_section.data:
        if name not in REGISTRY:
            known = ", ".join(sorted(REGISTRY))
            raise collectors_section.error(name, f"unknown collector (known: {known})")
        section = collectors_section.table_(name)
        enabled = section.bool("enabled", True)
        cfg = module_for(name).parse_config(section)
        if enabled:
            collectors[name] = cfg
    collectors_section.finish()
    metrics = root.table_("metrics")
    metrics_listen = metrics.str("listen", "")
    if metrics_listen:
        try:
            parse_address(metrics_listen)
        except ValueError as exc:
            raise metrics.error("listen", str(exc)) from None
    metrics.finish()
    if "local" not in collectors_section.data:
        collectors["local"] = module_for("local").parse_config(
            Section(doc, ("collectors", "local"), {})
        )
    root.finish()
    if controller is not None:
        try:
            parse_address(controller)
        except ValueError as exc:
            raise ConfigError(f"--controller: {exc}") from None
    return AgentConfig(agent_id=agent_id, host_asset=host_asset, stream=stream,
                       collectors=collectors, spool=spool, state_dir=state_dir_text,
                       metrics_listen=metrics_listen)


def with_metrics_listen(config: AgentConfig, listen: str | None) -> AgentConfig:
    """The command line's --metrics-listen over the file's [metrics] listen."""
    if listen is None:
        return config
    try:
        parse_address(listen)
    except ValueError as exc:
        raise ConfigError(f"--metrics-listen: {exc}") from None
    return replace(config, metrics_listen=listen)
