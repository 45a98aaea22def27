"""Secrets files: TOML tables of credentials, refused unless only the owner can read them."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

from hotspare.tomlconf import ConfigError, read_utf8


def check_mode(path: Path) -> None:
    """Refuse a secrets file that group or others can read or write (mode must be 0600 or 0400)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read secrets file: {exc.strerror or exc}") from exc
    if mode & 0o077:
        raise ConfigError(f"{path}: secrets file mode is {mode:04o}; it must be 0600 or 0400 "
                          f"(chmod 600 {path})")


def load_secret(path: Path, key: str) -> str:
    """One secret: `key` is a table.field path (e.g. "bmc1.password") or a top-level field.

    The value never appears in an error message.
    """
    check_mode(path)
    try:
        data = tomllib.loads(read_utf8(path))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read secrets file: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: cannot parse secrets file: {exc}") from None
    node: object = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"{path}: no secret {key!r}")
        node = node[part]
    if not isinstance(node, str) or not node:
        raise ConfigError(f"{path}: secret {key!r} must be a non-empty string")
    return node


def load_secret_file(path: Path) -> str:
    """A file holding one secret on its first line (trailing newline ignored), mode 0600/0400.

    The value never appears in an error message.
    """
    check_mode(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read secret file: {exc}") from exc
    lines = text.splitlines()
    value = lines[0].strip() if lines else ""
    if not value:
        raise ConfigError(f"{path}: the secret file is empty (the secret goes on its first line)")
    if any(line.strip() for line in lines[1:]):
        raise ConfigError(f"{path}: the secret file must hold one line, the secret itself")
    return value


def read_password_file(path: Path) -> str:
    """A file holding only a password (mode 0600/0400, UTF-8, surrounding blanks ignored)."""
    check_mode(path)
    try:
        password = read_utf8(path).strip()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read password file: {exc.strerror or exc}") from None
    if not password:
        raise ConfigError(f"{path}: password file is empty")
    return password
