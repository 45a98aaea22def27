"""Opens a device session on the right backend: v2c, or v3 with its user's (shared) keys."""

from __future__ import annotations

from agent.collectors.snmp.session import Credentials, Session
from agent.collectors.snmp.usm import V3Backend
from agent.collectors.snmp.v2c import V2cBackend
from agent.collectors.snmp.v3 import UsmCrypto


class Opener:
    """Sessions with identical v3 credentials share one UsmCrypto: passphrases hashed once."""

    def __init__(self) -> None:
        self._crypto: dict[Credentials, UsmCrypto] = {}

    def _crypto_for(self, creds: Credentials) -> UsmCrypto:
        if creds not in self._crypto:
            self._crypto[creds] = UsmCrypto(creds)
        return self._crypto[creds]

    def open(self, host: str, port: int, creds: Credentials, timeout_seconds: float,
             retries: int, max_repetitions: int = 25) -> Session:
        if creds.version == "3":
            backend: V3Backend | V2cBackend = V3Backend(
                host, port, creds.user, lambda: self._crypto_for(creds), timeout_seconds,
                retries)
        else:
            backend = V2cBackend(host, port, creds.community, timeout_seconds, retries)
        return Session(backend, max_repetitions)
