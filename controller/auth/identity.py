"""The caller's identity for the running RPC, set by the guard, read by servicers."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

LOCAL_ADMIN_NAME = "local-admin (loopback, no TLS)"


@dataclass(frozen=True, slots=True)
class Identity:
    """An authenticated caller: a user (token), an agent (certificate or Hello), the local admin."""

    name: str
    role: str
    kind: str = "user"  # user | agent | local
    totp: bool = False


LOCAL_ADMIN = Identity(LOCAL_ADMIN_NAME, "admin", "local")
_CURRENT: contextvars.ContextVar[Identity | None] = contextvars.ContextVar(
    "hotspare_identity", default=None)


def set_current(identity: Identity) -> contextvars.Token[Identity | None]:
    return _CURRENT.set(identity)


def current() -> Identity | None:
    return _CURRENT.get()


def who(claimed: str = "unknown") -> str:
    """The authenticated name for journals; a client's `claimed` name is used only outside any
    RPC and for the unauthenticated local admin (loopback demo, no users yet)."""
    ident = _CURRENT.get()
    if ident is None:
        return claimed
    if ident.kind == "local":
        return claimed if claimed.strip() and claimed != "unknown" else ident.name
    return ident.name
