"""Controller configuration: frozen dataclasses, TOML loading, validation with file:line errors."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from agent.tomlconf import ConfigError, Section, load, parse_address

DEFAULT_LISTEN = "127.0.0.1:50051"
DEFAULT_DATA_DIR = "hotspare-data"


@dataclass(frozen=True, slots=True)
class ControllerConfig:
    """Everything the controller process needs."""

    listen: str = DEFAULT_LISTEN
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    synchronous: str = "NORMAL"
    max_batch_readings: int = 10_000
    max_future_seconds: float = 300.0
    retention_days: float = 30.0
    tls_cert_file: str = ""
    tls_key_file: str = ""
    tls_client_ca_file: str = ""

    @property
    def database_path(self) -> Path:
        return self.data_dir / "hotspare.sqlite"


def load_config(
    path: Path | None, listen: str | None = None, data_dir: str | None = None
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
            max_future_seconds=sec.float("max_future_seconds", 300.0, minimum=0),
            retention_days=sec.float("retention_days", 30.0, minimum=0.01),
            tls_cert_file=sec.str("tls_cert_file", ""),
            tls_key_file=sec.str("tls_key_file", ""),
            tls_client_ca_file=sec.str("tls_client_ca_file", ""),
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
    return cfg
