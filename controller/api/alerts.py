"""Thin grpc.aio servicer for alerts, silences and maintenance windows."""

from __future__ import annotations

import dataclasses
import secrets
import time

import grpc

from controller.alerts.runtime import Alerting
from controller.audit import Audit, AuditError
from controller.auth.identity import who
from controller.store import Database
from hotspare import convert
from hotspare.maintenance import Silence, validate_window
from hotspare.v1 import alerts_pb2, alerts_pb2_grpc


def _now_ms() -> int:
    return int(time.time() * 1000)


class AlertService(alerts_pb2_grpc.AlertServiceServicer):
    """Reads go through the read connection; changes go through the alerting writer thread."""

    def __init__(self, alerting: Alerting, db: Database, audit: Audit | None = None) -> None:
        self._alerting = alerting
        self._db = db
        self._audit = audit or Audit(db)

    async def _audited(self, context, action: str, target: str,  # type: ignore[no-untyped-def]
                       reason: str) -> None:
        try:
            await self._audit.record(action, target, reason)
        except AuditError as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))

    async def ListAlerts(self, request, context):  # type: ignore[no-untyped-def]
        if request.state and request.state not in ("pending", "firing", "resolved"):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                "state must be pending, firing or resolved")
        alerts = await self._db.alerts.list_alerts(request.state, request.level)
        return alerts_pb2.ListAlertsResponse(alerts=[convert.alert_to_pb(a.view()) for a in alerts])

    async def GetAlert(self, request, context):  # type: ignore[no-untyped-def]
        alert = await self._db.alerts.alert(request.alert_id)
        if alert is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no alert {request.alert_id!r}")
        assert alert is not None
        history = await self._db.alerts.alert_history(request.alert_id)
        out = alerts_pb2.AlertDetail(alert=convert.alert_to_pb(alert.view()))
        for t, state, value, detail in history:
            item = out.history.add(time_unix_ms=t, state=state, detail=detail)
            if value is not None:
                item.value = value
        return out

    async def AckAlert(self, request, context):  # type: ignore[no-untyped-def]
        acker = who(request.who)
        if not acker.strip():
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "who acknowledges is required")
        await self._audited(context, "alert.ack", request.alert_id, request.comment)
        alert = await self._alerting.acknowledge(request.alert_id, acker, request.comment)
        if alert is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no alert {request.alert_id!r}")
        assert alert is not None
        return convert.alert_to_pb(alert.view())

    async def AddSilence(self, request, context):  # type: ignore[no-untyped-def]
        silence = convert.silence_from_pb(request)
        now = _now_ms()
        if not silence.author.strip() or not silence.reason.strip():
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "author and reason are required")
        if silence.expires_ms <= now:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "expiry must be in the future")
        silence = Silence(f"s-{secrets.token_hex(4)}", silence.matcher, who(silence.author),
                          silence.reason, now, silence.expires_ms)
        await self._audited(context, "silence.add", silence.silence_id, silence.reason)
        await self._alerting.change_holds(lambda store: store.alerts.add_silence(silence))
        return convert.silence_to_pb(silence)

    async def ListSilences(self, request, context):  # type: ignore[no-untyped-def]
        items = await self._db.alerts.silences(request.include_expired, _now_ms())
        return alerts_pb2.ListSilencesResponse(silences=[convert.silence_to_pb(s) for s in items])

    async def ExpireSilence(self, request, context):  # type: ignore[no-untyped-def]
        now = _now_ms()
        await self._audited(context, "silence.expire", request.silence_id, "")
        ok = await self._alerting.change_holds(
            lambda store: store.alerts.expire_silence(request.silence_id, now))
        if not ok:
            await context.abort(grpc.StatusCode.NOT_FOUND,
                                f"no active silence {request.silence_id!r}")
        items = await self._db.alerts.silences(True, 0)
        match = next(s for s in items if s.silence_id == request.silence_id)
        return convert.silence_to_pb(match)

    async def AddMaintenance(self, request, context):  # type: ignore[no-untyped-def]
        window = convert.window_from_pb(request)
        if not window.name.strip():
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "a window needs a name")
        try:
            validate_window(window)
        except (ValueError, KeyError) as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"bad window: {exc}")
        window = dataclasses.replace(window, window_id=f"m-{secrets.token_hex(4)}")
        await self._audited(context, "maintenance.add", window.window_id, window.name)
        await self._alerting.change_holds(lambda store: store.alerts.add_window(window))
        return convert.window_to_pb(window)

    async def ListMaintenance(self, request, context):  # type: ignore[no-untyped-def]
        windows = list(self._alerting.config.windows)
        windows += await self._db.alerts.windows()
        return alerts_pb2.ListMaintenanceResponse(windows=[convert.window_to_pb(w) for w in windows])

    async def RemoveMaintenance(self, request, context):  # type: ignore[no-untyped-def]
        windows = await self._db.alerts.windows()
        match = next((w for w in windows if w.window_id == request.window_id), None)
        if match is not None:
            await self._audited(context, "maintenance.remove", request.window_id, match.name)
        if match is None or not await self._alerting.change_holds(
                lambda store: store.alerts.remove_window(request.window_id)):
            await context.abort(grpc.StatusCode.NOT_FOUND,
                                f"no maintenance window {request.window_id!r} (windows from the "
                                "config file are changed there)")
        assert match is not None
        return convert.window_to_pb(match)
