"""The client's credentials: a bearer token (HOTSPARE_TOKEN or a 0600 token file) and a TOTP code."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import grpc

from hotspare.secrets import load_secret_file

TOKEN_ENV, TOKEN_FILE_ENV, OTP_ENV = "HOTSPARE_TOKEN", "HOTSPARE_TOKEN_FILE", "HOTSPARE_OTP"
OTP_KEY = "x-hotspare-otp"


def metadata_from_env() -> list[tuple[str, str]]:
    """authorization and OTP metadata from the environment (the token file is mode-checked)."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    token_file = os.environ.get(TOKEN_FILE_ENV, "")
    if not token and token_file:
        token = load_secret_file(Path(token_file))
    pairs = [("authorization", f"Bearer {token}")] if token else []
    otp = os.environ.get(OTP_ENV, "").strip()
    if otp:
        pairs.append((OTP_KEY, otp))
    return pairs


def take_global_options(argv: Sequence[str]) -> list[str]:
    """Remove `--token-file PATH` and `--otp CODE` from anywhere in argv into the environment,
    so every subcommand accepts them without each parser knowing them."""
    out: list[str] = []
    names = {"--token-file": TOKEN_FILE_ENV, "--otp": OTP_ENV}
    items = list(argv)
    i = 0
    while i < len(items):
        arg = items[i]
        key, eq, value = arg.partition("=")
        if key in names and (eq or i + 1 < len(items)):
            if not eq:
                i += 1
                value = items[i]
            os.environ[names[key]] = value
        else:
            out.append(arg)
        i += 1
    return out


class AddMetadata(grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor,
                  grpc.aio.StreamUnaryClientInterceptor, grpc.aio.StreamStreamClientInterceptor):
    """Adds the credentials' metadata to every call on a channel."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def _details(self, details: Any) -> Any:
        metadata = grpc.aio.Metadata(*list(details.metadata or ()), *self._pairs)
        return details._replace(metadata=metadata)

    async def intercept_unary_unary(self, continuation, details, request):  # type: ignore[no-untyped-def, override]
        return await continuation(self._details(details), request)

    async def intercept_unary_stream(self, continuation, details, request):  # type: ignore[no-untyped-def, override]
        return await continuation(self._details(details), request)

    async def intercept_stream_unary(self, continuation, details, requests):  # type: ignore[no-untyped-def, override]
        return await continuation(self._details(details), requests)

    async def intercept_stream_stream(self, continuation, details, requests):  # type: ignore[no-untyped-def, override]
        return await continuation(self._details(details), requests)


def interceptors() -> list[Any]:
    pairs = metadata_from_env()
    return [AddMetadata(pairs)] if pairs else []
