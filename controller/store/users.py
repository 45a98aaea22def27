"""Users aggregate SQL: name, role, the token's salted hash, the encrypted TOTP seed."""

from __future__ import annotations

from dataclasses import dataclass

from controller.store.sql import Sql, now_ms

_COLUMNS = ("name, role, token_id, token_salt, token_hash, totp_secret_enc, last_otp_step,"
            " created_ms")


@dataclass(frozen=True, slots=True)
class UserRow:
    """A stored user; nothing here is a usable secret (hash and ciphertext only)."""

    name: str
    role: str
    token_id: str
    token_salt: str
    token_hash: str
    totp_secret_enc: str
    last_otp_step: int
    created_ms: int


def _row(r: tuple[object, ...]) -> UserRow:
    return UserRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                   int(r[6]), int(r[7]))  # type: ignore[call-overload]


class UserSql(Sql):
    """Users by name; a token is found by its public id, then its hash is compared."""

    def add(self, user: UserRow) -> bool:
        with self.transaction():
            cur = self.conn.execute(
                f"INSERT OR IGNORE INTO users ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
                (user.name, user.role, user.token_id, user.token_salt, user.token_hash,
                 user.totp_secret_enc, 0, user.created_ms or now_ms()))
        return cur.rowcount > 0

    def remove(self, name: str) -> bool:
        with self.transaction():
            cur = self.conn.execute("DELETE FROM users WHERE name=?", (name,))
        return cur.rowcount > 0

    def users(self) -> list[UserRow]:
        return [_row(r) for r in self.conn.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name")]

    def by_token_id(self, token_id: str) -> UserRow | None:
        r = self.conn.execute(f"SELECT {_COLUMNS} FROM users WHERE token_id=?",
                              (token_id,)).fetchone()
        return _row(r) if r else None

    def use_otp_step(self, name: str, step: int) -> bool:
        """Record a used TOTP time step; False when it (or a later one) was used: a replay."""
        with self.transaction():
            cur = self.conn.execute(
                "UPDATE users SET last_otp_step=? WHERE name=? AND last_otp_step < ?",
                (step, name, step))
        return cur.rowcount > 0
