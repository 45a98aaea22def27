"""Users: add (token and TOTP seed shown once), remove, authenticate a token, check a TOTP code."""

from __future__ import annotations

import re

from controller.auth import tokens, totp
from controller.auth.identity import Identity
from controller.auth.policy import USER_ROLES
from controller.store import Database
from controller.store.users import UserRow
from hotspare.errors import HotSpareError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class UserError(HotSpareError):
    """A user change was refused; one line for the caller."""


class Users:
    """Keeps every user in memory by token id, so authenticating a call never waits on SQL."""

    def __init__(self, db: Database, box: totp.SecretBox) -> None:
        self._db = db
        self._box = box
        self._by_token: dict[str, UserRow] = {}

    async def load(self) -> None:
        rows = await self._db.read(lambda s: s.users.users())
        self._by_token = {r.token_id: r for r in rows}

    @property
    def any(self) -> bool:
        return bool(self._by_token)

    def list(self) -> list[UserRow]:
        return sorted(self._by_token.values(), key=lambda r: r.name)

    async def add(self, name: str, role: str, with_totp: bool) -> tuple[UserRow, str, str]:
        """(stored row, token, otpauth URI or ""): the secrets exist in clear only here."""
        if not _NAME.match(name):
            raise UserError(f"bad user name {name!r}: 1-64 of letters, digits, . _ @ -")
        if role not in USER_ROLES:
            raise UserError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
        token, token_id, salt, hashed = tokens.new_token()
        seed = totp.new_secret() if with_totp else ""
        row = UserRow(name, role, token_id, salt, hashed, self._box.seal(seed) if seed else "",
                      0, 0)
        if not await self._db.write(lambda s: s.users.add(row)):
            raise UserError(f"user {name!r} exists")
        await self.load()
        return row, token, totp.uri(seed, name) if seed else ""

    async def remove(self, name: str) -> UserRow:
        match = next((r for r in self._by_token.values() if r.name == name), None)
        if match is None or not await self._db.write(lambda s: s.users.remove(name)):
            raise UserError(f"no user {name!r}")
        await self.load()
        return match

    def authenticate(self, token: str) -> Identity | None:
        parts = tokens.split(token.strip())
        row = self._by_token.get(parts[0]) if parts else None
        if row is None or parts is None or not tokens.matches(row.token_salt, row.token_hash,
                                                              parts[1]):
            return None
        return Identity(row.name, row.role, "user", totp=bool(row.totp_secret_enc))

    async def check_otp(self, identity: Identity, code: str) -> str:
        """"" when the code is right and unused; else why it is refused."""
        row = next((r for r in self._by_token.values() if r.name == identity.name), None)
        if row is None or not row.totp_secret_enc:
            return "no second factor enrolled"
        if not code.strip():
            return "this act needs a TOTP code (--otp CODE)"
        step = totp.matching_step(self._box.open(row.totp_secret_enc), code)
        if step is None:
            return "wrong TOTP code"
        if not await self._db.write(lambda s: s.users.use_otp_step(row.name, step)):
            return "TOTP code already used (replay refused); wait for the next code"
        return ""
