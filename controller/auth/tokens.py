"""Per-user bearer tokens: `hs_<id>.<secret>`; only a salted sha256 of the secret is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> tuple[str, str, str, str]:
    """(token shown once, public token id, salt, hash of the secret)."""
    token_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_hex(16)
    return f"hs_{token_id}.{secret}", token_id, salt, digest(salt, secret)


def digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def split(token: str) -> tuple[str, str] | None:
    """(token id, secret) of a well-formed token, else None."""
    if not token.startswith("hs_") or "." not in token:
        return None
    token_id, _, secret = token[3:].partition(".")
    return (token_id, secret) if token_id and secret else None


def matches(salt: str, stored_hash: str, secret: str) -> bool:
    return hmac.compare_digest(digest(salt, secret), stored_hash)
