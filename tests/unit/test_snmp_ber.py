"""The BER codec and v3 framing against pysnmp/pyasn1 as an independent encoder, plus fuzzing."""

from __future__ import annotations

import contextlib
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyasn1.codec.ber import decoder as asn1_decoder
from pyasn1.codec.ber import encoder as asn1_encoder
from pyasn1.type import univ
from pysnmp.proto import api

from agent.collectors.snmp import ber, usm
from agent.collectors.snmp.session import Credentials, SnmpError
from agent.collectors.snmp.v3 import UsmCrypto

V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]


def _pysnmp_response(varbinds: list[tuple[str, object]], request_id: int = 77,
                     community: str = "pub") -> bytes:
    pdu = V2C.GetResponsePDU()
    V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_request_id(pdu, request_id)
    V2C.apiPDU.set_varbinds(pdu, varbinds)
    msg = V2C.Message()
    V2C.apiMessage.set_defaults(msg)
    V2C.apiMessage.set_community(msg, community)
    V2C.apiMessage.set_pdu(msg, pdu)
    return asn1_encoder.encode(msg)


def test_ber_decodes_every_snmp_type_as_pysnmp_encodes_it():
    opaque_float = b"\x9f\x78\x04" + struct.pack(">f", 0.25)
    data = _pysnmp_response([
        ("1.3.6.1.2.1.1.1.0", V2C.OctetString("Linux box 6.1")),
        ("1.3.6.1.2.1.1.2.0", V2C.ObjectIdentifier("1.3.6.1.4.1.8072.3.2.10")),
        ("1.3.6.1.2.1.1.3.0", V2C.TimeTicks(4294967295)),
        ("1.3.6.1.2.1.2.2.1.6.2", V2C.OctetString(b"\x00\x1b\x21\xff\xfe\x80")),
        ("1.3.6.1.2.1.2.2.1.8.2", V2C.Integer(-2147483648)),
        ("1.3.6.1.2.1.2.2.1.10.2", V2C.Counter32(4294967295)),
        ("1.3.6.1.2.1.2.2.1.5.2", V2C.Gauge32(1000000000)),
        ("1.3.6.1.2.1.31.1.1.1.6.2", V2C.Counter64(2**64 - 1)),
        ("1.3.6.1.2.1.4.20.1.1.10.0.0.1", V2C.IpAddress("10.0.0.1")),
        ("1.3.6.1.4.1.2021.10.1.6.1", V2C.Opaque(opaque_float)),
        ("1.3.6.1.4.1.99999.4294967295.268435456.0", V2C.NoSuchObject("")),
        ("1.3.6.1.2.1.99.1.1.1.4.7", V2C.NoSuchInstance("")),
        ("1.3.6.1.2.1.99.1.1.1.4.8", V2C.EndOfMibView("")),
        ("2.999.3", V2C.OctetString("")),
    ])
    version, community, pdu = ber.decode_community_message(data)
    assert (version, community, pdu.tag, pdu.request_id) == (1, b"pub", ber.RESPONSE, 77)
    assert pdu.error_status == 0 and pdu.error_index == 0
    assert pdu.varbinds == [
        ("1.3.6.1.2.1.1.1.0", "Linux box 6.1"),
        ("1.3.6.1.2.1.1.2.0", "1.3.6.1.4.1.8072.3.2.10"),
        ("1.3.6.1.2.1.1.3.0", 4294967295),
        ("1.3.6.1.2.1.2.2.1.6.2", b"\x00\x1b\x21\xff\xfe\x80"),
        ("1.3.6.1.2.1.2.2.1.8.2", -2147483648),
        ("1.3.6.1.2.1.2.2.1.10.2", 4294967295),
        ("1.3.6.1.2.1.2.2.1.5.2", 1000000000),
        ("1.3.6.1.2.1.31.1.1.1.6.2", 2**64 - 1),
        ("1.3.6.1.2.1.4.20.1.1.10.0.0.1", "10.0.0.1"),
        ("1.3.6.1.4.1.2021.10.1.6.1", 0.25),
        ("1.3.6.1.4.1.99999.4294967295.268435456.0", None),
        ("1.3.6.1.2.1.99.1.1.1.4.7", None),
        ("1.3.6.1.2.1.99.1.1.1.4.8", ber.END),
        ("2.999.3", ""),
    ]


def test_ber_requests_decode_in_pyasn1_as_sent():
    oids = ["1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.31.1.1.1.15", "1.3.6.1.4.1.2021.13.16.2.1.3"]
    data = ber.encode_community_message(1, b"lab", ber.encode_pdu(ber.GET_BULK, 2**31 - 1, oids,
                                                                  0, 25))
    msg, rest = asn1_decoder.decode(data, asn1Spec=V2C.Message())
    assert rest == b""
    pdu = V2C.apiMessage.get_pdu(msg)
    assert str(V2C.apiMessage.get_community(msg)) == "lab"
    assert int(V2C.apiPDU.get_request_id(pdu)) == 2**31 - 1
    assert int(pdu["max-repetitions"]) == 25 and int(pdu["non-repeaters"]) == 0
    assert [str(name) for name, _ in V2C.apiPDU.get_varbinds(pdu)] == oids


def test_ber_error_status_is_named_with_its_varbind():
    pdu = V2C.GetResponsePDU()
    V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_error_status(pdu, 1)
    V2C.apiPDU.set_error_index(pdu, 3)
    msg = V2C.Message()
    V2C.apiMessage.set_defaults(msg)
    V2C.apiMessage.set_community(msg, "c")
    V2C.apiMessage.set_pdu(msg, pdu)
    _, _, decoded = ber.decode_community_message(asn1_encoder.encode(msg))
    assert decoded.error_text() == "tooBig at varbind 3"


@pytest.mark.parametrize(("tag", "raw"), [
    (ber.COUNTER32, b"\x01\x00\x00\x00\x00"),  # 2**32 does not fit a Counter32
    (ber.IP_ADDRESS, b"\x0a\x00\x01"),  # three bytes
    (ber.INTEGER, b""),
    (0x47, b"\x01"),  # an application tag SNMP does not define
])
def test_ber_values_that_break_their_type_come_back_as_bytes(tag, raw):
    assert ber.decode_value(tag, raw) == raw  # numeric readings reject bytes as a bad value


def test_ber_displaystrings_are_text_and_binary_stays_bytes():
    assert ber.text_or_bytes(b"eth0") == "eth0"
    assert ber.text_or_bytes(b"\xff\xfe") == b"\xff\xfe"
    assert ber.text_or_bytes(b"") == ""


@pytest.mark.parametrize("data", [
    b"",
    b"\x30",
    b"\x30\x80\x02\x01\x01\x00\x00",  # indefinite length
    b"\x30\x85\x01\x02\x03\x04\x05",  # a five-byte length
    b"\x30\x82\xff\xff\x02\x01\x01",  # length past the end
    b"\x31\x03\x02\x01\x01",  # a SET, not a SEQUENCE
    b"\x30\x03\x02\x01\x01\x00",  # a byte after the message
])
def test_ber_malformed_messages_raise_ber_error_naming_where(data):
    with pytest.raises(ber.BerError) as caught:
        ber.decode_community_message(data)
    assert str(caught.value)


def test_ber_truncations_of_a_real_response_all_raise_ber_error():
    data = _pysnmp_response([("1.3.6.1.2.1.1.5.0", V2C.OctetString("core-sw-01")),
                             ("1.3.6.1.2.1.1.3.0", V2C.TimeTicks(12345))])
    for cut in range(len(data)):
        with pytest.raises(ber.BerError):
            ber.decode_community_message(data[:cut])


arcs = st.lists(st.integers(min_value=0, max_value=2**32 - 1), min_size=0, max_size=20)


@given(first=st.integers(0, 2), second=st.integers(0, 39), rest=arcs)
def test_ber_oids_round_trip_through_pyasn1(first, second, rest):
    oid = ".".join(map(str, [first, second, *rest]))
    ours = ber.encode_oid(oid)
    assert ours == asn1_encoder.encode(V2C.ObjectIdentifier(oid))
    tag, start, stop = ber.header(ours, 0, len(ours))
    assert tag == ber.OBJECT_ID and ber.decode_oid(ours[start:stop]) == oid


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_ber_integers_encode_like_pyasn1(value):
    encoded = ber.encode_integer(value)
    assert encoded == asn1_encoder.encode(univ.Integer(value))
    assert ber.decode_integer(encoded, 0, len(encoded), "x") == (value, len(encoded))


_SEED = _pysnmp_response([("1.3.6.1.2.1.2.2.1.2.1", V2C.OctetString("lo")),
                          ("1.3.6.1.2.1.2.2.1.10.1", V2C.Counter32(99)),
                          ("1.3.6.1.2.1.2.2.1.2.2", V2C.EndOfMibView(""))])


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_ber_arbitrary_bytes_never_raise_anything_but_ber_error(data):
    for decode in (ber.decode_community_message, usm.decode_message, usm.decode_scoped_pdu):
        with contextlib.suppress(ber.BerError):
            decode(data)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_SEED) - 1), st.integers(0, 255)), min_size=1,
                max_size=6))
def test_ber_mutated_responses_never_raise_anything_but_ber_error(flips):
    data = bytearray(_SEED)
    for pos, value in flips:
        data[pos] = value
    try:
        _, _, pdu = ber.decode_community_message(bytes(data))
    except ber.BerError:
        return
    assert all(isinstance(oid, str) for oid, _ in pdu.varbinds)


def test_usm_message_round_trips_and_the_digest_offset_is_exact():
    scoped = usm.encode_scoped_pdu(b"\x80\x00\x1f\x88\x04engine",
                                   ber.encode_pdu(ber.RESPONSE, 5, ["1.3.6.1.2.1.1.3.0"]))
    whole, offset = usm.encode_message(41, 0x05, b"\x80\x00\x1f\x88\x04engine", 7, 123456,
                                       b"monitor", 24, b"", scoped)
    assert whole[offset:offset + 24] == bytes(24)
    marked = whole[:offset] + b"D" * 24 + whole[offset + 24:]
    msg = usm.decode_message(marked)
    assert (msg.msg_id, msg.flags, msg.boots, msg.time_s, msg.user) == (41, 5, 7, 123456,
                                                                          b"monitor")
    assert msg.auth_params == b"D" * 24 and msg.auth_offset == offset and not msg.encrypted
    pdu = usm.decode_scoped_pdu(msg.payload)
    assert pdu.request_id == 5 and pdu.varbinds == [("1.3.6.1.2.1.1.3.0", None)]


def test_usm_keys_match_rfc3414_appendix_a3_vectors():
    engine = bytes.fromhex("000000000000000000000002")
    md5 = UsmCrypto(Credentials("3", user="u", auth_protocol="MD5", auth_key="maplesyrup",
                                priv_protocol="NONE"))
    sha = UsmCrypto(Credentials("3", user="u", auth_protocol="SHA", auth_key="maplesyrup",
                                priv_protocol="NONE"))
    assert md5.keys_for(engine).auth_key.hex() == "526f5eed9fcce26f8964c2930787d82b"
    assert sha.keys_for(engine).auth_key.hex() == "6695febc9288e36282235fc7151f128497b38f3f"
    assert "maplesyrup" not in repr(sha.keys_for(engine))


def test_usm_privacy_round_trips_and_refuses_privacy_without_auth():
    crypto = UsmCrypto(Credentials("3", user="u", auth_protocol="SHA-256", auth_key="a" * 12,
                                   priv_protocol="AES", priv_key="p" * 12))
    keys = crypto.keys_for(b"\x80\x00\x00\x01\x02")
    cipher, salt = crypto.encrypt(keys, 3, 999, b"scoped pdu bytes")
    assert cipher != b"scoped pdu bytes" and len(salt) == 8
    assert crypto.decrypt(keys, 3, 999, salt, cipher) == b"scoped pdu bytes"
    assert crypto.decrypt(keys, 3, 999, b"short", cipher) is None
    with pytest.raises(SnmpError, match="privacy without authentication"):
        UsmCrypto(Credentials("3", user="u", auth_protocol="NONE", priv_protocol="AES",
                              priv_key="p" * 12))
