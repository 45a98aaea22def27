"""Transport rules: which listen addresses are loopback; TLS is required on any other."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from hotspare.secrets import check_mode
from hotspare.tomlconf import ConfigError


def is_loopback(listen: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; anything else (0.0.0.0 included) is not."""
    host = listen.rpartition(":")[0].strip("[]") if ":" in listen else listen
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(listen: str, tls_cert_file: str, tls_key_file: str,
                    allow_insecure: str) -> str:
    """Refuse plain gRPC off loopback unless a reason is configured; "" or the warning to show.

    A TLS key file that group or others can read is refused."""
    if tls_cert_file:
        check_mode(Path(tls_key_file))
        return ""
    if is_loopback(listen):
        return ""
    if not allow_insecure.strip():
        raise ConfigError(f"listening on {listen} without TLS is refused: set tls_cert_file and "
                          "tls_key_file (hotspare pki), or allow_insecure = \"<reason>\"")
    return (f"INSECURE: plain gRPC on {listen} (no TLS, tokens travel in clear) because: "
            f"{allow_insecure.strip()}")
