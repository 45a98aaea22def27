"""Async client to the controller's query API, returning domain records; used by TUI and CLI."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc

from hotspare import convert, model
from hotspare.credentials import interceptors
from hotspare.errors import HotSpareError
from hotspare.failover_client import FailoverCalls
from hotspare.maintenance import Matcher, Silence, Window
from hotspare.security_client import SecurityClient
from hotspare.spares_client import SparesClient
from hotspare.v1 import (
    alerts_pb2,
    alerts_pb2_grpc,
    control_pb2,
    control_pb2_grpc,
    query_pb2,
    query_pb2_grpc,
)

DEFAULT_CONTROLLER = "127.0.0.1:50051"


def _channel(address: str) -> grpc.aio.Channel:
    """TLS when HOTSPARE_CA_FILE is set (mutual with HOTSPARE_CERT_FILE/HOTSPARE_KEY_FILE)."""
    ca = os.environ.get("HOTSPARE_CA_FILE")
    if not ca:
        return grpc.aio.insecure_channel(address, interceptors=interceptors())
    cert, key = os.environ.get("HOTSPARE_CERT_FILE"), os.environ.get("HOTSPARE_KEY_FILE")
    creds = grpc.ssl_channel_credentials(
        root_certificates=Path(ca).read_bytes(),
        private_key=Path(key).read_bytes() if key else None,
        certificate_chain=Path(cert).read_bytes() if cert else None,
    )
    return grpc.aio.secure_channel(address, creds, interceptors=interceptors())


class ClientError(HotSpareError):
    """The controller could not answer; the message is one line for the user."""


def _error(address: str, exc: grpc.aio.AioRpcError) -> ClientError:
    if exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return ClientError(f"controller at {address} is unreachable ({exc.code().name.lower()})")
    return ClientError(f"controller at {address}: {exc.details() or exc.code().name}")


class ControllerClient:
    """One channel to one controller; create and use it on one event loop."""

    def __init__(self, address: str = DEFAULT_CONTROLLER, timeout_seconds: float = 5.0) -> None:
        self.address = address
        self.timeout_seconds = timeout_seconds
        self._channel = _channel(address)
        self._stub = query_pb2_grpc.QueryServiceStub(self._channel)
        self._alerts = alerts_pb2_grpc.AlertServiceStub(self._channel)
        self._control = control_pb2_grpc.ControlServiceStub(self._channel)
        self.failover = FailoverCalls(self, self._channel)
        self.spares = SparesClient(self._channel, self._call)
        self.security = SecurityClient(self._channel, self._call)

    async def __aenter__(self) -> ControllerClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._channel.close(None)

    async def list_assets(self) -> list[model.AssetSummary]:
        try:
            resp = await self._stub.ListAssets(
                query_pb2.ListAssetsRequest(), timeout=self.timeout_seconds
            )
        except grpc.aio.AioRpcError as exc:
            raise _error(self.address, exc) from None
        return [convert.summary_from_pb(s) for s in resp.assets]

    async def list_assets_page(
        self, page_size: int, page_token: str = ""
    ) -> tuple[list[model.AssetSummary], str, int]:
        """One page of the fleet in asset id order: (summaries, next token or "", fleet size)."""
        resp = await self._call(self._stub.ListAssets, query_pb2.ListAssetsRequest(
            page_size=page_size, page_token=page_token))
        return [convert.summary_from_pb(s) for s in resp.assets], resp.next_page_token, resp.total

    async def get_asset(self, asset_id: str) -> model.AssetDetail:
        try:
            resp = await self._stub.GetAsset(
                query_pb2.GetAssetRequest(asset_id=asset_id), timeout=self.timeout_seconds
            )
        except grpc.aio.AioRpcError as exc:
            raise _error(self.address, exc) from None
        return convert.detail_from_pb(resp)

    async def history(
        self, asset_id: str, sensor_id: str, from_ms: int = 0, to_ms: int = 0, max_points: int = 200
    ) -> list[model.HistoryPoint]:
        try:
            resp = await self._stub.GetHistory(
                query_pb2.HistoryRequest(asset_id=asset_id, sensor_id=sensor_id,
                                         from_unix_ms=from_ms, to_unix_ms=to_ms,
                                         max_points=max_points),
                timeout=self.timeout_seconds,
            )
        except grpc.aio.AioRpcError as exc:
            raise _error(self.address, exc) from None
        return convert.history_from_pb(resp)

    async def history_gaps(self, asset_id: str, sensor_id: str, from_ms: int, to_ms: int
                           ) -> list[model.Gap]:
        """The asset's known holes (readings its agent dropped unsent) in the range."""
        resp = await self._call(self._stub.GetHistory, query_pb2.HistoryRequest(
            asset_id=asset_id, sensor_id=sensor_id, from_unix_ms=from_ms, to_unix_ms=to_ms,
            max_points=1))
        return convert.history_gaps_from_pb(resp)

    async def forget_asset(self, asset_id: str) -> dict[str, int]:
        """Remove a decommissioned asset with its alerts and readings (rows removed per table)."""
        resp = await self._call(self._stub.ForgetAsset, query_pb2.ForgetAssetRequest(
            asset_id=asset_id))
        return convert.forget_from_pb(resp)[1]

    def _mapped(self, exc: grpc.aio.AioRpcError) -> ClientError:
        """A gRPC failure as the clear error the CLI and TUI show."""
        return _error(self.address, exc)

    async def _call(self, method: Any, request: Any) -> Any:
        try:
            return await method(request, timeout=self.timeout_seconds)
        except grpc.aio.AioRpcError as exc:
            raise _error(self.address, exc) from None

    async def list_alerts(self, state: str = "", level: int = 0) -> list[model.AlertView]:
        resp = await self._call(self._alerts.ListAlerts,
                                alerts_pb2.ListAlertsRequest(state=state, level=level))
        return [convert.alert_from_pb(a) for a in resp.alerts]

    async def alert_detail(self, alert_id: str) -> tuple[model.AlertView, list[tuple[int, str, str]]]:
        resp = await self._call(self._alerts.GetAlert, alerts_pb2.GetAlertRequest(alert_id=alert_id))
        history = [(h.time_unix_ms, h.state, h.detail) for h in resp.history]
        return convert.alert_from_pb(resp.alert), history

    async def ack_alert(self, alert_id: str, who: str, comment: str) -> model.AlertView:
        resp = await self._call(self._alerts.AckAlert, alerts_pb2.AckAlertRequest(
            alert_id=alert_id, who=who, comment=comment))
        return convert.alert_from_pb(resp)

    async def add_silence(self, matcher: Matcher, author: str, reason: str,
                          expires_ms: int) -> Silence:
        resp = await self._call(self._alerts.AddSilence, convert.silence_to_pb(
            Silence("", matcher, author, reason, 0, expires_ms)))
        return convert.silence_from_pb(resp)

    async def list_silences(self, include_expired: bool = False) -> list[Silence]:
        resp = await self._call(self._alerts.ListSilences,
                                alerts_pb2.ListSilencesRequest(include_expired=include_expired))
        return [convert.silence_from_pb(s) for s in resp.silences]

    async def expire_silence(self, silence_id: str) -> Silence:
        resp = await self._call(self._alerts.ExpireSilence,
                                alerts_pb2.ExpireSilenceRequest(silence_id=silence_id))
        return convert.silence_from_pb(resp)

    async def add_maintenance(self, window: Window) -> Window:
        resp = await self._call(self._alerts.AddMaintenance, convert.window_to_pb(window))
        return convert.window_from_pb(resp)

    async def list_maintenance(self) -> list[Window]:
        resp = await self._call(self._alerts.ListMaintenance, alerts_pb2.ListMaintenanceRequest())
        return [convert.window_from_pb(w) for w in resp.windows]

    async def remove_maintenance(self, window_id: str) -> Window:
        resp = await self._call(self._alerts.RemoveMaintenance,
                                alerts_pb2.RemoveMaintenanceRequest(window_id=window_id))
        return convert.window_from_pb(resp)

    async def power(self, asset_id: str, action: model.PowerAction, requested_by: str,
                    timeout_seconds: float = 30.0) -> tuple[model.CommandResult, str]:
        """Run a power action; returns the agent's result and the agent's id."""
        request = control_pb2.PowerRequest(
            asset_id=asset_id, action=convert.power_action_to_pb(action),  # type: ignore[arg-type]
            requested_by=requested_by, timeout_seconds=timeout_seconds)
        try:
            resp = await self._control.Power(request, timeout=timeout_seconds + 10)
        except grpc.aio.AioRpcError as exc:
            raise _error(self.address, exc) from None
        return convert.command_result_from_pb(resp.result), resp.agent_id

    async def power_actions(self, asset_id: str = "") -> list[dict[str, Any]]:
        resp = await self._call(self._control.ListPowerActions,
                                control_pb2.ListPowerActionsRequest(asset_id=asset_id))
        return [{"command_id": a.command_id, "asset_id": a.asset_id, "action": a.action,
                 "requested_by": a.requested_by, "requested_unix_ms": a.requested_unix_ms,
                 "outcome": a.outcome, "message": a.message, "power_state": a.power_state,
                 "elapsed_seconds": a.elapsed_seconds, "agent_id": a.agent_id}
                for a in resp.actions]

    async def watch_fleet(
        self, skip_snapshot: bool = False
    ) -> AsyncIterator[tuple[bool, list[model.AssetSummary]]]:
        """Yields (is_snapshot, summaries): a full snapshot first (empty with skip_snapshot,
        for callers that page through list_assets_page), then changed assets."""
        call = self._stub.WatchFleet(query_pb2.WatchFleetRequest(skip_snapshot=skip_snapshot))
        try:
            async for update in call:
                yield update.snapshot, [convert.summary_from_pb(s) for s in update.assets]
        except grpc.aio.AioRpcError as exc:
            raise _error(self.address, exc) from None
        finally:
            call.cancel()
