"""The root of HotSpare's errors: every error a person should read derives from HotSpareError."""

from __future__ import annotations


class HotSpareError(Exception):
    """An error with a message fit for the CLI: what went wrong and where, no traceback needed."""
