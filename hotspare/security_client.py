"""The users-and-audit half of the controller client; records come back as plain dicts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.json_format import MessageToDict

from hotspare.v1 import security_pb2, security_pb2_grpc

Call = Callable[[Any, Any], Awaitable[Any]]


_INTS = ("seq", "time_unix_ms", "records", "first_bad_seq", "created_unix_ms")


def _dict(msg: Any) -> dict[str, Any]:
    """Every field, proto names, int64 as numbers (not JSON strings)."""
    out = MessageToDict(msg, preserving_proto_field_name=True,
                        always_print_fields_with_no_presence=True)
    for key in _INTS:
        if key in out:
            out[key] = int(out[key])
    if isinstance(out.get("user"), dict):
        out["user"]["created_unix_ms"] = int(out["user"]["created_unix_ms"])
    return out


class SecurityClient:
    """Uses the ControllerClient's channel and error mapping (`client.security`)."""

    def __init__(self, channel: grpc.aio.Channel, call: Call) -> None:
        self._stub = security_pb2_grpc.SecurityServiceStub(channel)
        self._call = call

    async def audit(self, after_seq: int = 0, limit: int = 0) -> list[dict[str, Any]]:
        resp = await self._call(self._stub.ListAudit,
                                security_pb2.ListAuditRequest(after_seq=after_seq, limit=limit))
        return [_dict(r) for r in resp.records]

    async def verify(self) -> dict[str, Any]:
        return _dict(await self._call(self._stub.VerifyAudit, security_pb2.VerifyAuditRequest()))

    async def add_user(self, name: str, role: str, totp: bool) -> dict[str, Any]:
        return _dict(await self._call(self._stub.AddUser, security_pb2.AddUserRequest(
            name=name, role=role, totp=totp)))

    async def remove_user(self, name: str) -> dict[str, Any]:
        return _dict(await self._call(self._stub.RemoveUser,
                                      security_pb2.RemoveUserRequest(name=name)))

    async def users(self) -> list[dict[str, Any]]:
        resp = await self._call(self._stub.ListUsers, security_pb2.ListUsersRequest())
        return [_dict(u) for u in resp.users]

    async def whoami(self) -> dict[str, Any]:
        return _dict(await self._call(self._stub.WhoAmI, security_pb2.WhoAmIRequest()))
