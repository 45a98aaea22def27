"""SNMPv3 guards against a scripted agent on loopback that holds the user's keys but cheats."""

from __future__ import annotations

import asyncio
import hmac

import pytest

from agent.collectors.snmp import ber, usm
from agent.collectors.snmp.ber import tlv
from agent.collectors.snmp.opener import Opener
from agent.collectors.snmp.session import Credentials, SnmpError
from agent.collectors.snmp.v3 import UsmCrypto
from tests.snmp_lab import UdpPeer

pytestmark = pytest.mark.integration

CREDS = Credentials("3", user="mon", auth_protocol="SHA", auth_key="auth-key-123",
                    priv_protocol="AES", priv_key="priv-key-456")
ENGINE_A = b"\x80\x00\x1f\x88\x80engine-a"
ENGINE_B = b"\x80\x00\x1f\x88\x80engine-b"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
UNKNOWN_ENGINE = "1.3.6.1.6.3.15.1.1.4.0"


class CheatingAgent:
    """Answers discovery honestly, then data in the way `mode` says."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.crypto = UsmCrypto(CREDS)
        self.engine = ENGINE_A
        self.data_answers = 0
        self.peer = UdpPeer(self.answer)

    def _pdu(self, tag: int, request_id: int, oid: str, value: bytes) -> bytes:
        binds = tlv(ber.SEQUENCE, tlv(ber.SEQUENCE, ber.encode_oid(oid) + value))
        return tlv(tag, ber.encode_integer(request_id) + ber.encode_integer(0)
                   + ber.encode_integer(0) + binds)

    def _signed(self, msg_id: int, flags: int, boots: int, time_s: int, priv: bytes,
                payload: bytes) -> bytes:
        out, offset = usm.encode_message(msg_id, flags, self.engine, boots, time_s, b"mon", 12,
                                         priv, payload)
        keys = self.crypto.keys_for(self.engine)
        digest = hmac.new(keys.auth_key, out, "sha1").digest()[:12]
        return out[:offset] + digest + out[offset + 12:]

    def answer(self, data: bytes) -> bytes:
        msg = usm.decode_message(data)
        if not msg.flags & 0x01:  # discovery: report the engine, boots 5, time 1000
            report = self._pdu(ber.REPORT, 0, UNKNOWN_ENGINE, b"\x41\x01\x01")
            out, _ = usm.encode_message(msg.msg_id, 0, self.engine, 5, 1000, b"", 0, b"",
                                        usm.encode_scoped_pdu(self.engine, report))
            return out
        self.data_answers += 1
        value = ber.encode_octets(b"core-sw-01")
        scoped = usm.encode_scoped_pdu(self.engine,
                                       self._pdu(ber.RESPONSE, msg.msg_id, SYS_NAME, value))
        keys = self.crypto.keys_for(self.engine)
        if self.mode == "plaintext":  # signed but not encrypted, to an authPriv request
            return self._signed(msg.msg_id, 0x01, 5, 1000, b"", scoped)
        boots = 4 if self.mode == "replay" else 5  # an answer recorded before a reboot
        if self.mode == "engine-swap" and self.data_answers == 2:
            self.engine = ENGINE_B  # now claim another engine: rediscovery must be refused
            report = self._pdu(ber.REPORT, 0, UNKNOWN_ENGINE, b"\x41\x01\x01")
            out, _ = usm.encode_message(msg.msg_id, 0, self.engine, 5, 1000, b"", 0, b"",
                                        usm.encode_scoped_pdu(self.engine, report))
            return out
        cipher, salt = self.crypto.encrypt(keys, boots, 1000, scoped)
        return self._signed(msg.msg_id, 0x03, boots, 1000, salt, ber.encode_octets(cipher))


@pytest.fixture
def cheat(request):
    agent = CheatingAgent(request.param)
    yield agent
    agent.peer.stop()


def _session(agent: CheatingAgent):
    return Opener().open("127.0.0.1", agent.peer.port, CREDS, 0.4, 0)


@pytest.mark.parametrize("cheat", ["honest"], indirect=True)
def test_usm_scripted_agent_is_read_when_it_plays_fair(cheat):
    assert asyncio.run(_session(cheat).get([SYS_NAME])) == {SYS_NAME: "core-sw-01"}


@pytest.mark.parametrize(("cheat", "reason"), [
    ("plaintext", "security level differs"),
    ("replay", "time window"),
], indirect=["cheat"])
def test_usm_signed_answers_at_a_lower_level_or_from_the_past_are_refused(cheat, reason):
    with pytest.raises(SnmpError) as caught:
        asyncio.run(_session(cheat).get([SYS_NAME]))
    assert caught.value.kind == "bad" and reason in str(caught.value)
    assert cheat.data_answers >= 1


@pytest.mark.parametrize("cheat", ["engine-swap"], indirect=True)
def test_usm_an_agent_that_changes_engine_id_after_signing_is_refused(cheat):
    session = _session(cheat)

    async def run():
        first = await session.get([SYS_NAME])
        with pytest.raises(SnmpError) as caught:
            await session.get([SYS_NAME])
        return first, caught.value

    first, error = asyncio.run(run())
    assert first == {SYS_NAME: "core-sw-01"}
    assert error.kind == "bad" and ENGINE_B.hex() in str(error) and "refused" in str(error)


def test_usm_session_survives_one_asyncio_run_after_another(tmp_path):
    agent = CheatingAgent("honest")
    try:
        session = _session(agent)
        for _ in range(3):  # each asyncio.run has its own loop: the socket is reopened
            assert asyncio.run(session.get([SYS_NAME])) == {SYS_NAME: "core-sw-01"}
        session.close()  # after its loop ended: closes the socket, raises nothing
    finally:
        agent.peer.stop()
