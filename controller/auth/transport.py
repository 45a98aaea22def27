"""Transport rules: which listen addresses are loopback; TLS is required on any other."""

from __future__ import annotations

import ipaddress


def is_loopback(listen: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; anything else (0.0.0.0 included) is not."""
    host = listen.rpartition(":")[0].strip("[]") if ":" in listen else listen
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
