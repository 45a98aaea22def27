"""SNMPv2c GET and GETBULK with the project's BER codec over one UDP socket (no pysnmp)."""

from __future__ import annotations

from agent.collectors.snmp import ber, usm
from agent.collectors.snmp.session import SnmpError, Varbinds
from agent.collectors.snmp.udp import UdpClient

_VERSION_2C = 1


class V2cBackend:
    """One v2c agent: request ids, per-attempt timeout, retries; the community must match."""

    def __init__(self, host: str, port: int, community: str, timeout_seconds: float,
                 retries: int) -> None:
        self._udp = UdpClient(host, port, timeout_seconds, retries)
        self._community = community.encode()

    def close(self) -> None:
        self._udp.close()

    async def _request(self, tag: int, oids: list[str], a: int, b: int) -> Varbinds:
        request_id = self._udp.next_id()
        try:
            message = ber.encode_community_message(
                _VERSION_2C, self._community, ber.encode_pdu(tag, request_id, oids, a, b))
        except ber.BerError as exc:
            raise SnmpError("bad", str(exc)) from None

        def accept(data: bytes) -> ber.Pdu | None:
            version, community, pdu = ber.decode_community_message(data)
            if version != _VERSION_2C or community != self._community:
                raise ber.BerError(f"version {version} or another community")
            return pdu if pdu.request_id == request_id else None

        try:
            pdu = await self._udp.exchange(message, accept)
        except SnmpError as exc:
            if exc.kind == "unreachable" and await self._answers_v3():
                raise SnmpError("auth_failed", f"{self._udp.where} answers SNMP (its SNMPv3 "
                                "engine discovery replied) but not this community: a wrong "
                                "community, or this poller's address is not allowed") from None
            raise
        if pdu.tag != ber.RESPONSE:
            raise SnmpError("bad", f"answer is PDU type 0x{pdu.tag:02x}, not a response")
        if pdu.error_status:
            raise SnmpError("bad", pdu.error_text())
        return pdu.varbinds

    async def _answers_v3(self) -> bool:
        """Silence to a v2c request may be a wrong community: an agent that is up still
        answers an unauthenticated SNMPv3 discovery, whatever its communities."""
        try:
            await usm.discover_engine(self._udp, self._udp.next_id(),
                                      min(self._udp.timeout_seconds, 1.0), 0)
        except SnmpError:
            return False
        return True

    async def get(self, oids: list[str]) -> Varbinds:
        return await self._request(ber.GET, oids, 0, 0)

    async def bulk(self, oids: list[str], max_repetitions: int) -> Varbinds:
        return await self._request(ber.GET_BULK, oids, 0, max_repetitions)
