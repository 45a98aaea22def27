"""TOTP second factor (pyotp); seeds encrypted at rest with Fernet, key in <data_dir>/secrets.key."""

from __future__ import annotations

import hmac
import os
import time
from pathlib import Path

import pyotp
from cryptography.fernet import Fernet, InvalidToken

from hotspare.secrets import check_mode

STEP_SECONDS = 30


class SecretBox:
    """Encrypts small secrets with a key file created 0600 on first use (refused if readable)."""

    def __init__(self, key_path: Path) -> None:
        if not key_path.exists():
            key_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
        check_mode(key_path)
        self._fernet = Fernet(key_path.read_bytes().strip())

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ValueError("cannot decrypt a stored secret (wrong secrets.key?)") from None


def new_secret() -> str:
    return pyotp.random_base32()


def uri(secret: str, user: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user, issuer_name="HotSpare")


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (one either side allowed for clock skew) whose code this is, or None."""
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code.strip()):
            return step
    return None
