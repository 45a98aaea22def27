"""`hotspare demo` placeholder (filled below)."""
from typing import Any


def register(sub: Any) -> None:
    pass
