"""Pure BER codec for SNMP messages (RFC 3416 PDUs, v2c and v3 framing): no I/O, no pysnmp."""

from __future__ import annotations

import struct
from typing import Final

# universal and SNMP application tags (RFC 2578 / RFC 3416)
INTEGER: Final = 0x02
OCTET_STRING: Final = 0x04
NULL: Final = 0x05
OBJECT_ID: Final = 0x06
SEQUENCE: Final = 0x30
IP_ADDRESS: Final = 0x40
COUNTER32: Final = 0x41
GAUGE32: Final = 0x42
TIMETICKS: Final = 0x43
OPAQUE: Final = 0x44
COUNTER64: Final = 0x46
NO_SUCH_OBJECT: Final = 0x80
NO_SUCH_INSTANCE: Final = 0x81
END_OF_MIB_VIEW: Final = 0x82
# PDU tags
GET: Final = 0xA0
GET_NEXT: Final = 0xA1
RESPONSE: Final = 0xA2
GET_BULK: Final = 0xA5
REPORT: Final = 0xA8

ERROR_STATUS = ("noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess",
                "wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
                "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
                "authorizationError", "notWritable", "inconsistentName")

Value = int | float | str | bytes | None


class BerError(ValueError):
    """The bytes are not a well-formed SNMP message; says what and at which byte."""


class _EndOfMibView:
    """The agent has nothing after this OID (a walk ends here)."""

    _instance: _EndOfMibView | None = None

    def __new__(cls) -> _EndOfMibView:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "END_OF_MIB_VIEW"


END: Final = _EndOfMibView()

# ---------------------------------------------------------------- encoding


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def tlv(tag: int, body: bytes) -> bytes:
    return bytes((tag,)) + _length(len(body)) + body


def encode_integer(value: int) -> bytes:
    return tlv(INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def encode_octets(value: bytes) -> bytes:
    return tlv(OCTET_STRING, value)


def encode_oid(oid: str) -> bytes:
    try:
        arcs = [int(a) for a in oid.strip(".").split(".")]
    except ValueError:
        raise BerError(f"OID {oid!r} is not numeric (dotted decimal)") from None
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40) or min(arcs) < 0:
        raise BerError(f"OID {oid!r} is not a valid object identifier")
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        if arc < 0x80:
            out.append(arc)
            continue
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return tlv(OBJECT_ID, bytes(out))


_NULL_VALUE = b"\x05\x00"


def encode_pdu(tag: int, request_id: int, oids: list[str], non_repeaters: int = 0,
               max_repetitions: int = 0) -> bytes:
    """A request PDU with NULL values; for GETBULK the two counters, else error status/index 0."""
    binds = b"".join(tlv(SEQUENCE, encode_oid(oid) + _NULL_VALUE) for oid in oids)
    return tlv(tag, encode_integer(request_id) + encode_integer(non_repeaters)
               + encode_integer(max_repetitions) + tlv(SEQUENCE, binds))


def encode_community_message(version: int, community: bytes, pdu: bytes) -> bytes:
    """SNMPv1 (0) / SNMPv2c (1) message: version, community, PDU."""
    return tlv(SEQUENCE, encode_integer(version) + encode_octets(community) + pdu)


# ---------------------------------------------------------------- decoding


def header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, first content byte, end of content) of the TLV at pos, bounds-checked."""
    if pos + 2 > end:
        raise BerError(f"truncated: a TLV header at byte {pos} needs 2 bytes, {end - pos} left")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise BerError(f"multi-byte tag 0x{tag:02x} at byte {pos} is not used by SNMP")
    n = data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0:
            raise BerError(f"indefinite length at byte {pos - 1} is not allowed in SNMP")
        if k > 4 or pos + k > end:
            raise BerError(f"bad long-form length at byte {pos - 1}")
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    if pos + n > end:
        raise BerError(f"length {n} at byte {pos} runs past the end of its container "
                       f"({end - pos} bytes left)")
    return tag, pos, pos + n


def expect(data: bytes, pos: int, end: int, tag: int, what: str) -> tuple[int, int]:
    got, start, stop = header(data, pos, end)
    if got != tag:
        raise BerError(f"{what} at byte {pos}: expected tag 0x{tag:02x}, got 0x{got:02x}")
    return start, stop


def decode_integer(data: bytes, pos: int, end: int, what: str) -> tuple[int, int]:
    """(value, next position) of an INTEGER at pos."""
    start, stop = expect(data, pos, end, INTEGER, what)
    if stop == start or stop - start > 9:
        raise BerError(f"{what} at byte {pos}: integer of {stop - start} bytes")
    return int.from_bytes(data[start:stop], "big", signed=True), stop


def decode_octets(data: bytes, pos: int, end: int, what: str) -> tuple[bytes, int]:
    start, stop = expect(data, pos, end, OCTET_STRING, what)
    return data[start:stop], stop


def decode_oid(raw: bytes) -> str:
    if not raw:
        raise BerError("empty OID")
    if raw[-1] & 0x80:
        raise BerError("OID ends inside a sub-identifier")
    if max(raw) < 0x80:
        arcs: list[int] | bytes = raw
    else:
        arcs = []
        acc = 0
        for b in raw:
            if b & 0x80:
                acc = (acc << 7) | (b & 0x7F)
            else:
                arcs.append((acc << 7) | b)
                acc = 0
    first = arcs[0]
    head = f"{first // 40}.{first % 40}" if first < 80 else f"2.{first - 80}"
    if len(arcs) == 1:
        return head
    return head + "." + ".".join(map(str, arcs[1:]))


_UNSIGNED_LIMIT = {COUNTER32: 2**32, GAUGE32: 2**32, TIMETICKS: 2**32, COUNTER64: 2**64}


def text_or_bytes(raw: bytes) -> str | bytes:
    """Printable UTF-8 as text (DisplayString), anything else (MAC addresses, bitmaps) as bytes."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return text if text.isprintable() or not text else raw


def decode_value(tag: int, raw: bytes) -> Value | _EndOfMibView:
    """A varbind's value as plain Python; a value that breaks its type's rules comes back as
    the raw bytes, which numeric readings reject as a bad value (only that reading is lost)."""
    if tag == OCTET_STRING:
        return text_or_bytes(raw)
    if tag == INTEGER:
        return int.from_bytes(raw, "big", signed=True) if 0 < len(raw) <= 9 else raw
    limit = _UNSIGNED_LIMIT.get(tag)
    if limit is not None:
        number = int.from_bytes(raw, "big")
        return number if raw and number < limit else raw
    if tag == OBJECT_ID:
        try:
            return decode_oid(raw)
        except BerError:
            return raw
    if tag == IP_ADDRESS:
        return ".".join(map(str, raw)) if len(raw) == 4 else raw
    if tag == END_OF_MIB_VIEW:
        return END
    if tag in (NO_SUCH_OBJECT, NO_SUCH_INSTANCE, NULL):
        return None
    if tag == OPAQUE:  # net-snmp wraps floats: 9f 78 04 <float> / 9f 79 08 <double>
        if len(raw) == 7 and raw[:3] == b"\x9f\x78\x04":
            return float(struct.unpack(">f", raw[3:])[0])
        if len(raw) == 11 and raw[:3] == b"\x9f\x79\x08":
            return float(struct.unpack(">d", raw[3:])[0])
        return raw
    return raw


def decode_varbinds(data: bytes, pos: int, end: int) -> list[tuple[str, Value | _EndOfMibView]]:
    """The VarBindList SEQUENCE at pos; its end must be end."""
    start, stop = expect(data, pos, end, SEQUENCE, "varbind list")
    if stop != end:
        raise BerError(f"{end - stop} bytes after the varbind list")
    out: list[tuple[str, Value | _EndOfMibView]] = []
    pos = start
    while pos < stop:
        vb_start, vb_stop = expect(data, pos, stop, SEQUENCE, f"varbind {len(out) + 1}")
        tag, o_start, o_stop = header(data, vb_start, vb_stop)
        if tag != OBJECT_ID:
            raise BerError(f"varbind {len(out) + 1} at byte {vb_start}: name is tag "
                           f"0x{tag:02x}, not an OID")
        tag, v_start, v_stop = header(data, o_stop, vb_stop)
        if v_stop != vb_stop:
            raise BerError(f"varbind {len(out) + 1} at byte {vb_start}: trailing bytes")
        out.append((decode_oid(data[o_start:o_stop]), decode_value(tag, data[v_start:v_stop])))
        pos = vb_stop
    return out


class Pdu:
    """A decoded response or report PDU."""

    __slots__ = ("error_index", "error_status", "request_id", "tag", "varbinds")

    def __init__(self, tag: int, request_id: int, error_status: int, error_index: int,
                 varbinds: list[tuple[str, Value | _EndOfMibView]]) -> None:
        self.tag = tag
        self.request_id = request_id
        self.error_status = error_status
        self.error_index = error_index
        self.varbinds = varbinds

    def error_text(self) -> str:
        name = (ERROR_STATUS[self.error_status] if 0 <= self.error_status < len(ERROR_STATUS)
                else f"error {self.error_status}")
        return f"{name} at varbind {self.error_index}"


def decode_pdu(data: bytes, pos: int, end: int) -> Pdu:
    tag, start, stop = header(data, pos, end)
    if tag not in (RESPONSE, REPORT):
        raise BerError(f"PDU at byte {pos} has tag 0x{tag:02x}, not a response")
    if stop != end:
        raise BerError(f"{end - stop} bytes after the PDU")
    request_id, p = decode_integer(data, start, stop, "request-id")
    status, p = decode_integer(data, p, stop, "error-status")
    index, p = decode_integer(data, p, stop, "error-index")
    return Pdu(tag, request_id, status, index, decode_varbinds(data, p, stop))


def decode_community_message(data: bytes) -> tuple[int, bytes, Pdu]:
    """(version, community, PDU) of a v1/v2c message."""
    start, stop = expect(data, 0, len(data), SEQUENCE, "message")
    if stop != len(data):
        raise BerError(f"{len(data) - stop} bytes after the message")
    version, p = decode_integer(data, start, stop, "version")
    community, p = decode_octets(data, p, stop, "community")
    return version, community, decode_pdu(data, p, stop)
