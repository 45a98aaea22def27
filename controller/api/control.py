"""Power control: find the agent owning an asset, journal, send the command, record the result."""

from __future__ import annotations

import secrets
import time

import grpc

from controller.audit import Audit, AuditError
from controller.auth.identity import who
from controller.commands import CommandError, Commands
from controller.store import Database
from hotspare import convert, model
from hotspare.v1 import control_pb2, control_pb2_grpc

DEFAULT_TIMEOUT_SECONDS = 30.0


class ControlService(control_pb2_grpc.ControlServiceServicer):
    """Thin servicer: every power action is journaled before it is sent, and its result after."""

    def __init__(self, db: Database, commands: Commands, audit: Audit | None = None) -> None:
        self._db = db
        self._commands = commands
        self._audit = audit or Audit(db)

    async def Power(self, request, context):  # type: ignore[no-untyped-def]
        try:
            action = convert.power_action_from_pb(request.action)
        except convert.ConversionError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        found = await self._db.fleet.asset(request.asset_id)
        if found is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no asset {request.asset_id!r}")
        assert found is not None
        agent_id = found[1]
        repeated = bool(request.command_id) and (
            await self._db.commands.command(request.command_id)) is not None
        if not repeated and not self._commands.router.is_connected(agent_id):
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                                f"asset {request.asset_id!r} is owned by agent {agent_id!r}, "
                                "which is not connected")
        timeout = request.timeout_seconds or DEFAULT_TIMEOUT_SECONDS
        command_id = request.command_id or f"pw-{secrets.token_hex(8)}"
        audited = action is not model.PowerAction.STATUS
        try:  # recorded before anything is journaled or sent; no record, no act (S7)
            if audited:
                await self._audit.record(f"power.{action.value}", request.asset_id,
                                         f"command {command_id} via agent {agent_id}")
        except AuditError as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        command = model.Command(
            command_id=command_id,
            asset_id=request.asset_id, deadline_unix_ms=int((time.time() + timeout) * 1000),
            action="power", power_action=action, requested_by=who(
                request.requested_by or "unknown"),
            timeout_seconds=timeout)
        try:
            result = await self._commands.run(command, "power", agent_id, timeout)
        except CommandError as exc:  # the id was used before for another command
            await context.abort(grpc.StatusCode.ALREADY_EXISTS, str(exc))
        if audited:
            await self._audit.outcome(f"power.{action.value}", request.asset_id,
                                      result.outcome.value, result.message)
        return control_pb2.PowerResult(result=convert.command_result_to_pb(result),
                                       agent_id=agent_id)

    async def ListPowerActions(self, request, context):  # type: ignore[no-untyped-def]
        rows = await self._db.commands.commands("power", request.asset_id, request.limit or 100)
        return control_pb2.ListPowerActionsResponse(actions=[
            control_pb2.PowerActionRecord(
                command_id=r.command_id, asset_id=r.asset_id, action=r.action,
                requested_by=r.requested_by, requested_unix_ms=r.requested_ms,
                outcome=r.outcome or "pending", message=r.message,
                elapsed_seconds=r.elapsed_seconds, power_state=r.power_state,
                agent_id=r.agent_id) for r in rows])
