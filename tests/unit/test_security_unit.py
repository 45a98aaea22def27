"""Security pure parts: transport rule, the audit chain, the role table, tokens, TOTP steps."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyotp
import pytest

from controller.auth import policy, tokens, totp
from controller.auth.transport import check_transport, is_loopback
from controller.store.audit import GENESIS, AuditRecord, record_hash, verify_chain
from hotspare.tomlconf import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_plain_grpc_off_loopback_is_refused_unless_a_reason_is_configured(tmp_path):
    assert is_loopback("127.0.0.1:50051") and is_loopback("[::1]:1") and not is_loopback(
        "0.0.0.0:50051")
    assert check_transport("127.0.0.1:50051", "", "", "") == ""
    with pytest.raises(ConfigError, match="without TLS is refused"):
        check_transport("0.0.0.0:50051", "", "", "")
    assert "because: lab VLAN" in check_transport("10.0.0.5:50051", "", "", "lab VLAN")
    key = tmp_path / "server.key"
    key.write_text("k")
    os.chmod(key, 0o644)
    with pytest.raises(ConfigError, match="0600"):
        check_transport("0.0.0.0:1", "cert.pem", str(key), "")


def _chain(n: int) -> list[AuditRecord]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        h = record_hash(seq, seq, "ann", "power.off", f"srv{seq}", "", "requested", prev)
        out.append(AuditRecord(seq, seq, "ann", "power.off", f"srv{seq}", "", "requested", prev, h))
        prev = h
    return out


def test_verify_chain_names_the_first_edited_deleted_or_reordered_record():
    rows = _chain(4)
    assert verify_chain(rows) == (0, "")
    forged = AuditRecord(*[*vars_of(rows[2])[:4], "srv-x", *vars_of(rows[2])[5:]])  # type: ignore[arg-type]
    edited = [*rows[:2], forged, *rows[3:]]
    assert verify_chain(edited)[0] == 3
    assert verify_chain(rows[:1] + rows[2:])[0] == 3
    assert verify_chain([rows[1], rows[0], *rows[2:]])[0] == 2


def vars_of(r: AuditRecord) -> list[object]:
    return [r.seq, r.time_ms, r.who, r.action, r.target, r.reason, r.outcome, r.prev_hash, r.hash]


def test_every_rpc_in_the_protos_has_a_permission():
    methods = set()
    for proto in (ROOT / "proto" / "hotspare" / "v1").glob("*.proto"):
        text = proto.read_text()
        for service, body in re.findall(r"service (\w+) \{(.*?)\n\}", text, re.S):
            methods |= {f"/hotspare.v1.{service}/{m}" for m in re.findall(r"rpc (\w+)", body)}
    assert methods == set(policy.METHODS)
    assert policy.needed("/hotspare.v1.Nope/X", None) is None  # unknown: refused
    assert not policy.allowed("operator", policy.APPROVE) and policy.allowed("approver",
                                                                              policy.APPROVE)
    assert not policy.allowed("agent", policy.VIEW)


def test_tokens_are_salted_hashes_and_totp_steps_match():
    token, token_id, salt, digest = tokens.new_token()
    tid, secret = tokens.split(token) or ("", "")
    assert tid == token_id and secret not in digest and tokens.matches(salt, digest, secret)
    assert not tokens.matches(salt, digest, secret + "x") and tokens.split("nope") is None
    seed = totp.new_secret()
    now = 1_800_000_000.0
    code = pyotp.TOTP(seed).at(now)
    assert totp.matching_step(seed, code, now) == int(now // 30)
    assert totp.matching_step(seed, "000000" if code != "000000" else "111111", now) is None
