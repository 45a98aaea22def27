"""SNMPv3 with the User-based Security Model (RFC 3414) on the project's BER codec."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass

from agent.collectors.snmp import ber
from agent.collectors.snmp.ber import BerError, tlv
from agent.collectors.snmp.session import SnmpError, Varbinds
from agent.collectors.snmp.udp import UdpClient
from agent.collectors.snmp.v3 import AUTH_HASH, LocalKeys, UsmCrypto

_FLAG_AUTH, _FLAG_PRIV, _FLAG_REPORTABLE = 0x01, 0x02, 0x04
_USM = 3
_MAX_SIZE = 65_507
_TIME_WINDOW_SECONDS = 150  # RFC 3414 3.2 7b
_USM_STATS = "1.3.6.1.6.3.15.1.1."
# what each usmStats report means to the manager (RFC 3414 3.2 and 4)
REPORTS = {
    "1.0": ("auth_failed", "unsupported security level for this user"),
    "2.0": ("time", "not in time window"),
    "3.0": ("auth_failed", "unknown user name"),
    "4.0": ("engine", "unknown engine ID"),
    "5.0": ("auth_failed", "wrong digest: the auth key or auth protocol does not match"),
    "6.0": ("auth_failed", "decryption error: the privacy key or protocol does not match"),
}


@dataclass(frozen=True, slots=True)
class Incoming:
    """The outer layers of a v3 message, with where its digest sits for verification."""

    msg_id: int
    flags: int
    engine_id: bytes
    boots: int
    time_s: int
    user: bytes
    auth_params: bytes
    auth_offset: int
    priv_params: bytes
    payload: bytes  # the plaintext scopedPDU TLV, or the ciphertext
    encrypted: bool


def encode_message(msg_id: int, flags: int, engine_id: bytes, boots: int, time_s: int,
                   user: bytes, digest_length: int, priv_params: bytes, payload_tlv: bytes
                   ) -> tuple[bytes, int]:
    """The message with a zeroed digest, and the byte offset where the digest goes."""
    head = ber.encode_integer(3)
    glob = tlv(ber.SEQUENCE, ber.encode_integer(msg_id) + ber.encode_integer(_MAX_SIZE)
               + ber.encode_octets(bytes((flags,))) + ber.encode_integer(_USM))
    usm_head = (ber.encode_octets(engine_id) + ber.encode_integer(boots)
                + ber.encode_integer(time_s) + ber.encode_octets(user))
    usm_body = usm_head + tlv(ber.OCTET_STRING, bytes(digest_length)) \
        + ber.encode_octets(priv_params)
    usm = tlv(ber.SEQUENCE, usm_body)
    sec = ber.encode_octets(usm)
    body = head + glob + sec + payload_tlv
    whole = tlv(ber.SEQUENCE, body)
    offset = (len(whole) - len(body) + len(head) + len(glob) + len(sec) - len(usm)
              + len(usm) - len(usm_body) + len(usm_head) + 2)  # digest <= 48 bytes: 2-byte TLV
    return whole, offset


def decode_message(data: bytes) -> Incoming:
    end = len(data)
    start, stop = ber.expect(data, 0, end, ber.SEQUENCE, "message")
    if stop != end:
        raise BerError(f"{end - stop} bytes after the message")
    version, p = ber.decode_integer(data, start, stop, "version")
    if version != 3:
        raise BerError(f"message version {version}, expected 3 (SNMPv3)")
    g_start, g_stop = ber.expect(data, p, stop, ber.SEQUENCE, "msgGlobalData")
    msg_id, q = ber.decode_integer(data, g_start, g_stop, "msgID")
    _, q = ber.decode_integer(data, q, g_stop, "msgMaxSize")
    flags, q = ber.decode_octets(data, q, g_stop, "msgFlags")
    model, q = ber.decode_integer(data, q, g_stop, "msgSecurityModel")
    if len(flags) != 1 or model != _USM:
        raise BerError(f"msgFlags of {len(flags)} bytes or security model {model} (not USM)")
    s_start, s_stop = ber.expect(data, g_stop, stop, ber.OCTET_STRING, "msgSecurityParameters")
    u_start, u_stop = ber.expect(data, s_start, s_stop, ber.SEQUENCE, "UsmSecurityParameters")
    engine_id, r = ber.decode_octets(data, u_start, u_stop, "msgAuthoritativeEngineID")
    boots, r = ber.decode_integer(data, r, u_stop, "msgAuthoritativeEngineBoots")
    time_s, r = ber.decode_integer(data, r, u_stop, "msgAuthoritativeEngineTime")
    user, r = ber.decode_octets(data, r, u_stop, "msgUserName")
    a_start, a_stop = ber.expect(data, r, u_stop, ber.OCTET_STRING, "msgAuthenticationParameters")
    priv, r = ber.decode_octets(data, a_stop, u_stop, "msgPrivacyParameters")
    tag, d_start, d_stop = ber.header(data, s_stop, stop)
    if d_stop != stop:
        raise BerError(f"{stop - d_stop} bytes after msgData")
    if tag == ber.SEQUENCE:
        payload, encrypted = data[s_stop:stop], False
    elif tag == ber.OCTET_STRING:
        payload, encrypted = data[d_start:d_stop], True
    else:
        raise BerError(f"msgData has tag 0x{tag:02x}")
    return Incoming(msg_id, flags[0], engine_id, boots, time_s, user, data[a_start:a_stop],
                    a_start, priv, payload, encrypted)


def encode_scoped_pdu(context_engine_id: bytes, pdu: bytes) -> bytes:
    return tlv(ber.SEQUENCE, ber.encode_octets(context_engine_id) + ber.encode_octets(b"") + pdu)


def decode_scoped_pdu(raw: bytes) -> ber.Pdu:
    """A scopedPDU; bytes after it (DES padding) are ignored."""
    start, stop = ber.expect(raw, 0, len(raw), ber.SEQUENCE, "scopedPDU")
    _, p = ber.decode_octets(raw, start, stop, "contextEngineID")
    _, p = ber.decode_octets(raw, p, stop, "contextName")
    return ber.decode_pdu(raw, p, stop)


async def discover_engine(udp: UdpClient, msg_id: int, timeout_seconds: float | None = None,
                          retries: int | None = None) -> Incoming:
    """Engine discovery (RFC 3414 4): an empty unauthenticated request; the report names the
    agent's engine. Any SNMPv3 agent answers it, whatever users and communities it has."""
    pdu = ber.encode_pdu(ber.GET, msg_id, [])
    message, _ = encode_message(msg_id, _FLAG_REPORTABLE, b"", 0, 0, b"", 0, b"",
                                encode_scoped_pdu(b"", pdu))

    def accept(data: bytes) -> Incoming | None:
        msg = decode_message(data)
        if msg.msg_id != msg_id:
            return None
        if not 1 <= len(msg.engine_id) <= 32:
            raise BerError(f"discovery answer names an engine ID of {len(msg.engine_id)} "
                           "bytes (1-32 allowed)")
        return msg

    return await udp.exchange(message, accept, timeout_seconds, retries)


class V3Backend:
    """One v3 agent: engine discovery, time window, HMAC on every message, privacy."""

    def __init__(self, host: str, port: int, user: str, crypto: Callable[[], UsmCrypto],
                 timeout_seconds: float, retries: int) -> None:
        self._udp = UdpClient(host, port, timeout_seconds, retries)
        self._user = user.encode()
        self._crypto_source = crypto
        self._crypto: UsmCrypto | None = None
        self._engine_id: bytes | None = None
        self._pinned_engine_id: bytes | None = None  # the engine a signed answer came from
        self._keys: LocalKeys | None = None
        self._boots = 0
        self._time_s = 0
        self._time_at = 0.0  # monotonic seconds when _time_s was learnt (S9: no wall clock)

    def close(self) -> None:
        self._udp.close()

    def _engine_time(self) -> int:
        return min(2**31 - 1, self._time_s + int(time.monotonic() - self._time_at))

    def _learn_time(self, boots: int, time_s: int) -> None:
        self._boots, self._time_s, self._time_at = boots, time_s, time.monotonic()

    def _outside_window(self, boots: int, time_s: int) -> bool:
        """An authentic answer from before the agent's latest clock: a replay (RFC 3414 3.2 7b)."""
        return boots < self._boots or (
            boots == self._boots and time_s < self._engine_time() - _TIME_WINDOW_SECONDS)

    async def _discover(self) -> None:
        """RFC 3414 4: an empty unauthenticated request; the report names the engine."""
        msg = await discover_engine(self._udp, self._udp.next_id())
        crypto = self._crypto
        assert crypto is not None
        pinned = self._pinned_engine_id
        if pinned is not None and msg.engine_id != pinned:
            raise SnmpError("bad", f"the agent at {self._udp.where} now claims engine ID "
                            f"{msg.engine_id.hex()}, not {pinned.hex()} as it signed before: "
                            "refused (restart the poller if the device was replaced)")
        self._engine_id = msg.engine_id
        self._keys = crypto.keys_for(msg.engine_id)
        self._learn_time(msg.boots, msg.time_s)

    def _digest(self, crypto: UsmCrypto, keys: LocalKeys, whole: bytes) -> bytes:
        name, length = AUTH_HASH[crypto.auth]
        return hmac.new(keys.auth_key, whole, name).digest()[:length]

    async def _send(self, crypto: UsmCrypto, tag: int, oids: list[str], a: int, b: int
                    ) -> tuple[Incoming, ber.Pdu]:
        engine_id, keys = self._engine_id, self._keys
        assert engine_id is not None and keys is not None
        msg_id = self._udp.next_id()
        try:
            scoped = encode_scoped_pdu(engine_id, ber.encode_pdu(tag, msg_id, oids, a, b))
        except BerError as exc:
            raise SnmpError("bad", str(exc)) from None
        boots, time_s = self._boots, self._engine_time()
        flags = _FLAG_REPORTABLE
        priv_params = b""
        digest_length = 0
        if crypto.auth != "NONE":
            flags |= _FLAG_AUTH
            digest_length = AUTH_HASH[crypto.auth][1]
        if crypto.priv != "NONE":
            flags |= _FLAG_PRIV
            cipher, priv_params = crypto.encrypt(keys, boots, time_s, scoped)
            scoped = ber.encode_octets(cipher)
        message, offset = encode_message(msg_id, flags, engine_id, boots, time_s, self._user,
                                         digest_length, priv_params, scoped)
        if digest_length:
            digest = self._digest(crypto, keys, message)
            message = message[:offset] + digest + message[offset + digest_length:]

        def accept(data: bytes) -> tuple[Incoming, ber.Pdu] | None:
            msg = decode_message(data)
            if msg.msg_id != msg_id:
                return None
            authentic = False
            if msg.flags & _FLAG_AUTH:
                if crypto.auth == "NONE" or msg.engine_id != engine_id:
                    raise BerError("an authenticated answer we cannot verify")
                n = len(msg.auth_params)
                zeroed = data[:msg.auth_offset] + bytes(n) + data[msg.auth_offset + n:]
                if not hmac.compare_digest(self._digest(crypto, keys, zeroed), msg.auth_params):
                    raise BerError("answer failed HMAC verification (forged or corrupted)")
                authentic = True
            plain = msg.payload
            if msg.encrypted:
                if not (authentic and msg.flags & _FLAG_PRIV and crypto.priv != "NONE"):
                    raise BerError("an encrypted answer without authentication")
                got = crypto.decrypt(keys, msg.boots, msg.time_s, msg.priv_params, plain)
                if got is None:
                    raise BerError(f"answer could not be decrypted with {crypto.priv}")
                plain = got
            pdu = decode_scoped_pdu(plain)
            if pdu.tag != ber.REPORT:  # reports may be less protected than the request
                if msg.flags & 0x03 != flags & 0x03:
                    raise BerError("answer's security level differs from the request's")
                if pdu.request_id != msg_id:
                    raise BerError("answer's request-id differs from its msgID")
                if authentic and self._outside_window(msg.boots, msg.time_s):
                    raise BerError("answer from outside the agent's time window (a replay?)")
            if authentic:
                self._pinned_engine_id = engine_id
                if (msg.boots, msg.time_s) > (self._boots, self._time_s):
                    self._learn_time(msg.boots, msg.time_s)  # notInTimeWindow reports too
            return msg, pdu

        return await self._udp.exchange(message, accept)

    async def _request(self, tag: int, oids: list[str], a: int, b: int) -> Varbinds:
        if self._crypto is None:
            self._crypto = self._crypto_source()
        for _ in range(4):  # bounded: discovery, a time-window resync, one rediscovery
            if self._engine_id is None:
                await self._discover()
            try:
                _, pdu = await self._send(self._crypto, tag, oids, a, b)
            except SnmpError as exc:
                if exc.kind == "unreachable" and self._crypto.priv != "NONE":
                    raise SnmpError("unreachable", f"{exc} after engine discovery answered (a "
                                    "wrong privacy key looks like this: agents drop what they "
                                    "cannot decrypt)") from None
                raise
            if pdu.tag == ber.REPORT:
                oid = pdu.varbinds[0][0] if pdu.varbinds else ""
                kind, reason = REPORTS.get(oid.removeprefix(_USM_STATS), (
                    "bad", f"the agent reported {oid or 'an empty report'}"))
                if kind == "time":
                    continue
                if kind == "engine":
                    self._engine_id = None
                    continue
                raise SnmpError(kind, f"{reason} (usmStats report from {self._udp.where})")
            if pdu.tag != ber.RESPONSE:
                raise SnmpError("bad", f"answer is PDU type 0x{pdu.tag:02x}, not a response")
            if pdu.error_status:
                raise SnmpError("bad", pdu.error_text())
            return pdu.varbinds
        raise SnmpError("auth_failed", "the agent kept rejecting our engine ID or time window")

    async def get(self, oids: list[str]) -> Varbinds:
        return await self._request(ber.GET, oids, 0, 0)

    async def bulk(self, oids: list[str], max_repetitions: int) -> Varbinds:
        return await self._request(ber.GET_BULK, oids, 0, max_repetitions)
