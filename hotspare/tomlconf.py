"""TOML loading with errors that name the file, the key and the line."""

from __future__ import annotations

import builtins
import ipaddress
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hotspare.errors import HotSpareError


class ConfigError(HotSpareError):
    """A configuration file is wrong; the message says where and what."""


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def _norm(part: str) -> str:
    return part.strip().strip("\"'")


class Located:
    """A parsed TOML document that can tell which line a key is on."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path = path
        self.text = text
        self.data = data

    def line_of(self, table: tuple[str, ...], key: str | None, index: int = 0) -> int:
        """Best-effort 1-based line of `key` in `table` (the index-th [[table]] entry)."""
        current: tuple[str, ...] = ()
        seen = -1
        header_line = 0
        for number, line in enumerate(self.text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                current = tuple(_norm(p) for p in header.group(1).split("."))
                if current == table:
                    seen += 1
                    if seen == index:
                        header_line = number
                        if key is None:
                            return number
                continue
            if current == table and seen == index and key is not None:
                match = _KEY.match(line)
                if match and _norm(match.group(1).split(".")[-1]) == key:
                    return number
            if not table and not current and key is not None:
                match = _KEY.match(line)
                if match and _norm(match.group(1)) == key:
                    return number
        return header_line or 1

    def error(
        self, table: tuple[str, ...], key: str | None, message: str, index: int = 0
    ) -> ConfigError:
        where = ".".join([*table, key] if key else table) or "(top level)"
        line = self.line_of(table, key, index)
        return ConfigError(f"{self.path}:{line}: {where}: {message}")


def read_utf8(path: Path) -> str:
    """A text file's contents; bytes that are not UTF-8 are a ConfigError with the line."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        # the offending byte is not shown: the file may hold a secret
        raise ConfigError(f"{path}:{line}: not UTF-8 text (at byte offset {exc.start});"
                          " save the file as UTF-8") from None


def load(path: Path) -> Located:
    """Read and parse a TOML file; syntax errors become ConfigError with the line."""
    try:
        text = read_utf8(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    return Located(path, text, data)


class Section:
    """Typed, checked access to one table; unknown keys are errors."""

    def __init__(
        self,
        doc: Located,
        table: tuple[builtins.str, ...],
        data: Mapping[builtins.str, Any],
        index: builtins.int = 0,
    ) -> None:
        self.doc = doc
        self.table = table
        self.data = data
        self.index = index
        self._used: set[builtins.str] = set()

    def error(self, key: builtins.str | None, message: builtins.str) -> ConfigError:
        return self.doc.error(self.table, key, message, self.index)

    def _get(
        self, key: builtins.str, types: tuple[type, ...], type_name: builtins.str, default: Any
    ) -> Any:
        self._used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if isinstance(value, bool) and bool not in types:
            raise self.error(key, f"expected {type_name}, got a boolean")
        if not isinstance(value, types):
            raise self.error(key, f"expected {type_name}, got {type(value).__name__}")
        return value

    def str(
        self, key: builtins.str, default: builtins.str | None = None, *, required: builtins.bool = False
    ) -> builtins.str:
        if required and key not in self.data:
            raise self.error(None, f"missing required key {key!r}")
        return self._get(key, (builtins.str,), "a string", default)  # type: ignore[no-any-return]

    def bool(self, key: builtins.str, default: builtins.bool) -> builtins.bool:
        return self._get(key, (bool,), "true or false", default)  # type: ignore[no-any-return]

    def int(
        self, key: builtins.str, default: builtins.int, *, minimum: builtins.int | None = None
    ) -> builtins.int:
        value = self._get(key, (int,), "an integer", default)
        if minimum is not None and value < minimum:
            raise self.error(key, f"must be at least {minimum}, got {value}")
        return value  # type: ignore[no-any-return]

    def float(
        self, key: builtins.str, default: builtins.float, *, minimum: builtins.float | None = None
    ) -> builtins.float:
        value = float(self._get(key, (int, float), "a number", default))
        if minimum is not None and value < minimum:
            raise self.error(key, f"must be at least {minimum}, got {value}")
        return value

    def str_list(
        self, key: builtins.str, default: list[builtins.str] | None = None
    ) -> list[builtins.str]:
        value = self._get(key, (list,), "a list of strings", default or [])
        if not all(isinstance(v, builtins.str) for v in value):
            raise self.error(key, "expected a list of strings")
        return list(value)

    def table_(self, key: builtins.str) -> Section:
        value = self._get(key, (dict,), "a table", {})
        return Section(self.doc, (*self.table, key), value)

    def tables(self, key: builtins.str) -> list[Section]:
        value = self._get(key, (list,), "an array of tables ([[...]])", [])
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(key, "expected an array of tables ([[...]])")
            out.append(Section(self.doc, (*self.table, key), item, i))
        return out

    def str_map(self, key: builtins.str) -> dict[builtins.str, builtins.str]:
        value = self._get(key, (dict,), "a table of strings", {})
        for k, v in value.items():
            if not isinstance(v, builtins.str):
                raise self.error(key, f"value of {k!r} must be a string")
        return dict(value)

    def finish(self) -> None:
        """Raise on the first key nobody asked for (a typo or an unsupported option)."""
        for key in self.data:
            if key not in self._used:
                raise self.error(key, "unknown key")


def parse_address(text: str, *, default_port: int | None = None) -> tuple[str, int]:
    """Parse HOST:PORT (IPv6 as [::1]:PORT); raises ValueError with the reason."""
    host, sep, port_text = text.rpartition(":")
    if not sep:
        if default_port is None:
            raise ValueError(f"{text!r} is not HOST:PORT")
        host, port_text = text, str(default_port)
    host = host.strip("[]")
    if not host:
        raise ValueError(f"{text!r} has no host")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"{text!r} has a bad port (1-65535)")
    if not re.fullmatch(r"[A-Za-z0-9.\-_:]+", host):
        raise ValueError(f"{text!r} has a bad host")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if ":" in host:
            raise ValueError(f"{text!r} has a bad host") from None
    return host, int(port_text)
