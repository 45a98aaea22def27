"""Opens a device session on the right backend: v2c on the project's codec, v3 through pysnmp."""

from __future__ import annotations

from agent.collectors.snmp.session import Credentials, Session
from agent.collectors.snmp.v2c import V2cBackend
from agent.collectors.snmp.v3 import Engines, V3Backend


class Opener:
    """Keeps what sessions may share (pysnmp engines per identical v3 credentials)."""

    def __init__(self) -> None:
        self._engines = Engines()

    def open(self, host: str, port: int, creds: Credentials, timeout_seconds: float,
             retries: int, max_repetitions: int = 25) -> Session:
        if creds.version == "3":
            return Session(V3Backend(self._engines.get(creds), host, port, creds,
                                     timeout_seconds, retries), max_repetitions)
        return Session(V2cBackend(host, port, creds.community, timeout_seconds, retries),
                       max_repetitions)
