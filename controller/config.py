"""Controller configuration: frozen dataclasses, TOML loading, validation with file:line errors."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from controller.alerts.rules import Rule
from controller.failover.config import StandbyGroup, parse_groups
from controller.spares.config import SparesConfig, parse_spares
from hotspare import model
from hotspare.maintenance import Matcher, Window, validate_window
from hotspare.tomlconf import ConfigError, Section, load, parse_address

DEFAULT_LISTEN = "127.0.0.1:50051"
DEFAULT_DATA_DIR = "hotspare-data"


@dataclass(frozen=True, slots=True)
class AlertsConfig:
    """Rules, webhooks, maintenance windows and the heartbeat."""

    rules: tuple[Rule, ...] = ()  # operator rules; they win over built-ins of the same name
    webhooks: tuple[str, ...] = ()
    windows: tuple[Window, ...] = ()
    heartbeat_seconds: float = 0.0  # 0: no heartbeat
    tick_seconds: float = 1.0
    controller_name: str = "hotspare"
    builtin_rules: bool = True


@dataclass(frozen=True, slots=True)
class ControllerConfig:
    """Everything the controller process needs."""

    listen: str = DEFAULT_LISTEN
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    synchronous: str = "NORMAL"
    max_batch_readings: int = 10_000
    max_future_seconds: float = 30.0  # a small clock skew; later readings are refused
    retention_days: float = 30.0
    tls_cert_file: str = ""
    tls_key_file: str = ""
    tls_client_ca_file: str = ""
    metrics_listen: str = ""  # HOST:PORT of /metrics; "" serves none
    metrics_reading_series: int = 0  # per-sensor gauges of the fleet's readings, at most this many
    allow_insecure: str = ""  # the reason plain gRPC is accepted on a non-loopback address
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    standby_groups: tuple[StandbyGroup, ...] = ()
    readiness_tick_seconds: float = 1.0
    spares: SparesConfig = field(default_factory=SparesConfig)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "hotspare.sqlite"


def load_config(
    path: Path | None, listen: str | None = None, data_dir: str | None = None,
    metrics_listen: str | None = None,
) -> ControllerConfig:
    """Defaults, then the file (if any), then command-line overrides."""
    cfg = ControllerConfig()
    if path is not None:
        doc = load(path)
        root = Section(doc, (), doc.data)
        sec = root.table_("controller")
        listen_text = sec.str("listen", DEFAULT_LISTEN)
        try:
            parse_address(listen_text)
        except ValueError as exc:
            raise sec.error("listen", str(exc)) from None
        sync = sec.str("synchronous", "NORMAL").upper()
        if sync not in {"NORMAL", "FULL", "EXTRA"}:
            raise sec.error("synchronous", "must be NORMAL, FULL or EXTRA")
        cfg = ControllerConfig(
            listen=listen_text,
            data_dir=Path(sec.str("data_dir", DEFAULT_DATA_DIR)),
            synchronous=sync,
            max_batch_readings=sec.int("max_batch_readings", 10_000, minimum=1),
            max_future_seconds=sec.float("max_future_seconds", 30.0, minimum=0),
            retention_days=sec.float("retention_days", 30.0, minimum=0.01),
            tls_cert_file=sec.str("tls_cert_file", ""),
            tls_key_file=sec.str("tls_key_file", ""),
            tls_client_ca_file=sec.str("tls_client_ca_file", ""),
            **_metrics(root.table_("metrics")),
            allow_insecure=sec.str("allow_insecure", ""),
            alerts=_alerts(root.table_("alerts")),
            standby_groups=parse_groups(root.table_("standby")),
            spares=parse_spares(root.table_("spares")),
        )
        sec.finish()
        root.finish()
    if listen is not None:
        try:
            parse_address(listen)
        except ValueError as exc:
            raise ConfigError(f"--listen: {exc}") from None
        cfg = replace(cfg, listen=listen)
    if data_dir is not None:
        cfg = replace(cfg, data_dir=Path(data_dir))
    if metrics_listen is not None:
        try:
            parse_address(metrics_listen)
        except ValueError as exc:
            raise ConfigError(f"--metrics-listen: {exc}") from None
        cfg = replace(cfg, metrics_listen=metrics_listen)
    return cfg


def _metrics(sec: Section) -> dict[str, Any]:
    """[metrics] listen = "HOST:PORT" (absent or "": no endpoint); fleet readings as gauges."""
    listen = sec.str("listen", "")
    if listen:
        try:
            parse_address(listen)
        except ValueError as exc:
            raise sec.error("listen", str(exc)) from None
    series = 0
    if sec.bool("fleet_readings", False):
        series = sec.int("max_reading_series", 10_000, minimum=1)
    elif "max_reading_series" in sec.data:
        raise sec.error("max_reading_series", "only with fleet_readings = true")
    sec.finish()
    return {"metrics_listen": listen, "metrics_reading_series": series}


_CONDITIONS = {"above", "below", "status", "absent", "rate"}


def _rule(sec: Section) -> Rule:
    name = sec.str("name", required=True)
    level = sec.int("level", 3, minimum=1)
    if level > 3:
        raise sec.error("level", "must be 1, 2 or 3")
    kinds = []
    for text in sec.str_list("kinds"):
        try:
            kinds.append(model.ReadingKind(text))
        except ValueError:
            raise sec.error("kinds", f"unknown reading kind {text!r}") from None
    condition = sec.str("condition", "above")
    if condition not in _CONDITIONS:
        raise sec.error("condition", f"must be one of {', '.join(sorted(_CONDITIONS))}")
    status_text = sec.str("status", "critical")
    try:
        status = model.Status[status_text.upper()]
    except KeyError:
        raise sec.error("status", "must be warning or critical") from None
    recover = sec.float("recover", float("nan")) if "recover" in sec.data else None
    rule = Rule(
        name=name, level=level, kinds=tuple(kinds), condition=condition,
        threshold=sec.float("threshold", 0.0), recover=recover, status_at_least=status,
        for_seconds=sec.float("for_seconds", 0.0, minimum=0),
        absent_seconds=sec.float("absent_seconds", 0.0, minimum=0),
        asset=sec.str("asset", "*"), sensor=sec.str("sensor", "*"),
        labels=sec.str_map("labels"), source="operator", summary=sec.str("summary", name),
        hint=sec.str("hint", ""),
    )
    if condition == "absent" and rule.absent_seconds <= 0:
        raise sec.error("absent_seconds", "an absent rule needs absent_seconds > 0")
    sec.finish()
    return rule


def _window(sec: Section, index: int) -> Window:
    window = Window(
        window_id=sec.str("id", f"config-{index}"),
        name=sec.str("name", required=True),
        matcher=Matcher(sec.str("asset", "*"), sec.str("rule", "*"), sec.int("level", 0)),
        start=sec.str("start", "00:00"), end=sec.str("end", "00:00"),
        days=tuple(sec.str_list("days")), dates=tuple(sec.str_list("dates")),
        timezone=sec.str("timezone", "UTC"),
    )
    try:
        validate_window(window)
    except (ValueError, KeyError) as exc:
        raise sec.error(None, f"bad maintenance window: {exc}") from None
    sec.finish()
    return window


def _alerts(sec: Section) -> AlertsConfig:
    webhooks = []
    for hook in sec.tables("webhooks"):
        url = hook.str("url", required=True)
        if not url.startswith(("http://", "https://")):
            raise hook.error("url", "must start with http:// or https://")
        webhooks.append(url)
        hook.finish()
    cfg = AlertsConfig(
        rules=tuple(_rule(r) for r in sec.tables("rules")),
        webhooks=tuple(webhooks),
        windows=tuple(_window(w, i) for i, w in enumerate(sec.tables("maintenance"))),
        heartbeat_seconds=sec.float("heartbeat_seconds", 0.0, minimum=0),
        tick_seconds=sec.float("tick_seconds", 1.0, minimum=0.05),
        controller_name=sec.str("controller_name", "hotspare"),
        builtin_rules=sec.bool("builtin_rules", True),
    )
    sec.finish()
    return cfg
