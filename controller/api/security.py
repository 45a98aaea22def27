"""Thin servicer for users and the audit log; secrets appear only in AddUser's one answer."""

from __future__ import annotations

import grpc

from controller.audit import Audit, AuditError
from controller.auth.identity import current
from controller.auth.users import UserError, Users
from controller.store.users import UserRow
from hotspare.v1 import security_pb2, security_pb2_grpc


def _user(row: UserRow) -> security_pb2.User:
    return security_pb2.User(name=row.name, role=row.role, totp=bool(row.totp_secret_enc),
                             created_unix_ms=row.created_ms)


class SecurityService(security_pb2_grpc.SecurityServiceServicer):
    """User changes are audited before they happen (S7); the audit is read and verified here."""

    def __init__(self, users: Users, audit: Audit) -> None:
        self._users = users
        self._audit = audit

    async def ListAudit(self, request, context):  # type: ignore[no-untyped-def]
        rows = await self._audit.records(request.after_seq, request.limit or 0)
        return security_pb2.ListAuditResponse(records=[security_pb2.AuditRecord(
            seq=r.seq, time_unix_ms=r.time_ms, who=r.who, action=r.action, target=r.target,
            reason=r.reason, outcome=r.outcome, prev_hash=r.prev_hash, hash=r.hash)
            for r in rows])

    async def VerifyAudit(self, request, context):  # type: ignore[no-untyped-def]
        count, bad, problem, head = await self._audit.verify()
        return security_pb2.VerifyAuditResponse(ok=bad == 0, records=count, first_bad_seq=bad,
                                                problem=problem, head_hash=head)

    async def AddUser(self, request, context):  # type: ignore[no-untyped-def]
        try:
            await self._audit.record("user.add", request.name,
                                     f"role {request.role}" + (", totp" if request.totp else ""))
            row, token, uri = await self._users.add(request.name, request.role, request.totp)
        except (AuditError, UserError) as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        return security_pb2.AddUserResponse(user=_user(row), token=token, totp_uri=uri)

    async def RemoveUser(self, request, context):  # type: ignore[no-untyped-def]
        try:
            await self._audit.record("user.remove", request.name)
            row = await self._users.remove(request.name)
        except (AuditError, UserError) as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        return _user(row)

    async def ListUsers(self, request, context):  # type: ignore[no-untyped-def]
        return security_pb2.ListUsersResponse(users=[_user(r) for r in self._users.list()])

    async def WhoAmI(self, request, context):  # type: ignore[no-untyped-def]
        ident = current()
        return security_pb2.WhoAmIResponse(name=ident.name if ident else "",
                                           role=ident.role if ident else "")
