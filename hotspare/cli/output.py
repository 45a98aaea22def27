"""JSON output of the CLI: enums as their values, paths as text, every command the same way."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Any


def _default(obj: object) -> Any:
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, bytes):
        return obj.hex()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def json_text(doc: Any) -> str:
    """Indented JSON of a CLI document."""
    return json.dumps(doc, indent=2, default=_default)
