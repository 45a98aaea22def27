"""Configuration of the `ipmi` collector: BMC targets, secrets, refusal of vendor default passwords."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from agent.collectors import CollectorConfig, criticality_label, parse_common
from hotspare import model
from hotspare.secrets import load_secret
from hotspare.tomlconf import ConfigError, Section, parse_address

log = logging.getLogger("hotspare.agent.ipmi")

# Factory defaults that must never guard a production BMC (user, password).
DEFAULT_CREDENTIALS = {
    ("ADMIN", "ADMIN"), ("root", "calvin"), ("admin", "admin"), ("USERID", "PASSW0RD"),
    ("Administrator", ""), ("root", "root"), ("admin", "password"), ("root", "changeme"),
    ("root", "0penBmc"), ("admin", "cmb9.admin"), ("root", "superuser"), ("ADMIN", "password"),
}
DEFAULT_PASSWORDS = {p for _, p in DEFAULT_CREDENTIALS if p}
MIN_PASSWORD_LENGTH = 10
PRIVILEGES = {"user": 2, "operator": 3, "administrator": 4, "admin": 4}


@dataclass(frozen=True, slots=True)
class BmcTarget:
    """One BMC and the server it belongs to (the password stays out of repr)."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    asset: model.Asset
    privilege: int = 4
    call_timeout_seconds: float = 5.0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class IpmiConfig(CollectorConfig):
    """Settings of the ipmi collector."""

    bmcs: tuple[BmcTarget, ...] = ()
    state_dir: str = ""
    fru_interval_seconds: float = 4 * 3600.0


def _bmc(sec: Section, default_timeout: float) -> BmcTarget:
    address = sec.str("address", required=True)
    try:
        host, port = parse_address(address, default_port=623)
    except ValueError as exc:
        raise sec.error("address", str(exc)) from None
    user = sec.str("user", required=True)
    secrets_file = sec.str("secrets_file", required=True)
    key = sec.str("password_key", required=True)
    try:
        password = load_secret(Path(secrets_file), key)
    except ConfigError as exc:
        raise sec.error("secrets_file", str(exc)) from None
    allow_default = sec.bool("allow_default_password", False)
    if not allow_default and ((user, password) in DEFAULT_CREDENTIALS
                              or password in DEFAULT_PASSWORDS):
        raise sec.error("password_key", "the BMC password is a vendor default; change it on the "
                        "BMC or set allow_default_password = true")
    privilege_text = sec.str("privilege", "administrator").lower()
    if privilege_text not in PRIVILEGES:
        raise sec.error("privilege", "must be user, operator or administrator")
    asset_id = sec.str("asset", required=True)
    asset = model.Asset(
        asset_id=asset_id, kind=model.AssetKind.SERVER, name=sec.str("name", asset_id),
        location=model.Location(site=sec.str("site", ""), room=sec.str("room", ""),
                                rack=sec.str("rack", ""), unit=sec.str("unit", "")),
        parent_id=sec.str("parent", ""),
        labels={"bmc": f"{host}:{port}", **criticality_label(sec)},
    )
    target = BmcTarget(host, port, user, password, asset, PRIVILEGES[privilege_text],
                       sec.float("call_timeout_seconds", default_timeout, minimum=0.1))
    sec.finish()
    if len(password) < MIN_PASSWORD_LENGTH:
        log.warning("BMC %s: password shorter than %d characters", target.address,
                    MIN_PASSWORD_LENGTH)
    return target


def parse_config(section: Section) -> IpmiConfig:
    common = parse_common(section, interval=30.0, timeout=20.0)
    call_timeout = section.float("call_timeout_seconds", 5.0, minimum=0.1)
    bmcs = tuple(_bmc(b, call_timeout) for b in section.tables("bmcs"))
    assets = [b.asset.asset_id for b in bmcs]
    if len(set(assets)) != len(assets):
        raise section.error("bmcs", "two BMCs name the same asset")
    cfg = IpmiConfig(
        bmcs=bmcs,
        state_dir=section.str("state_dir", str(section.doc.path.parent / "hotspare-agent-state")),
        fru_interval_seconds=section.float("fru_interval_seconds", 4 * 3600.0, minimum=1.0),
        **common,
    )
    section.finish()
    return cfg
