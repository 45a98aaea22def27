"""Client calls for hot-standby groups (readiness, pre-flight, live updates), used by CLI and TUI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import grpc

from hotspare import convert
from hotspare.standby import Drill, GroupReadiness, Reason, Switchover
from hotspare.v1 import failover_pb2, failover_pb2_grpc

if TYPE_CHECKING:
    from hotspare.client import ControllerClient


class FailoverCalls:
    """`client.failover.*`: the FailoverService through the client's channel and error mapping."""

    def __init__(self, client: ControllerClient, channel: grpc.aio.Channel) -> None:
        self._client = client
        self._stub = failover_pb2_grpc.FailoverServiceStub(channel)

    async def list_groups(self) -> list[GroupReadiness]:
        resp = await self._client._call(self._stub.ListGroups, failover_pb2.ListGroupsRequest())
        return [convert.readiness_from_pb(g) for g in resp.groups]

    async def group(self, name: str) -> GroupReadiness:
        resp = await self._client._call(self._stub.GetGroup, failover_pb2.GetGroupRequest(name=name))
        return convert.readiness_from_pb(resp)

    async def watch(self) -> AsyncIterator[tuple[bool, list[GroupReadiness]]]:
        """Yields (is_snapshot, groups): every group first, then the groups that changed."""
        call = self._stub.WatchGroups(failover_pb2.WatchGroupsRequest())
        try:
            async for update in call:
                yield update.snapshot, [convert.readiness_from_pb(g) for g in update.groups]
        except grpc.aio.AioRpcError as exc:
            raise self._client._mapped(exc) from None
        finally:
            call.cancel()

    async def switchover(self, group: str, mode: str, requested_by: str, reason: str, *,
                         to: str = "", dry_run: bool = False, force_reason: str = "",
                         request_id: str = "", timeout_seconds: float = 120.0
                         ) -> AsyncIterator[tuple[Switchover, bool, tuple[Reason, ...]]]:
        """Yields the record after every step; the last one is final."""
        call = self._stub.Switchover(failover_pb2.SwitchoverRequest(
            group=group, mode=mode, requested_by=requested_by, reason=reason, to_member=to,
            dry_run=dry_run, force_reason=force_reason, request_id=request_id),
            timeout=timeout_seconds)
        try:
            async for record in call:
                yield convert.switchover_from_pb(record)
        except grpc.aio.AioRpcError as exc:
            raise self._client._mapped(exc) from None
        finally:
            call.cancel()

    async def confirm_fenced(self, group: str, requested_by: str, reason: str) -> Switchover:
        resp = await self._client._call(self._stub.ConfirmFenced, failover_pb2.ConfirmFencedRequest(
            group=group, requested_by=requested_by, reason=reason))
        return convert.switchover_from_pb(resp)[0]

    async def history(self, group: str = "", limit: int = 50) -> list[Switchover]:
        resp = await self._client._call(self._stub.ListSwitchovers,
                                        failover_pb2.ListSwitchoversRequest(group=group,
                                                                            limit=limit))
        return [convert.switchover_from_pb(s)[0] for s in resp.switchovers]

    async def run_drill(self, group: str, requested_by: str, reason: str,
                        timeout_seconds: float = 300.0) -> AsyncIterator[Drill]:
        call = self._stub.RunDrill(failover_pb2.DrillRequest(
            group=group, requested_by=requested_by, reason=reason), timeout=timeout_seconds)
        try:
            async for record in call:
                yield convert.drill_from_pb(record)
        except grpc.aio.AioRpcError as exc:
            raise self._client._mapped(exc) from None
        finally:
            call.cancel()

    async def drills(self, group: str = "", limit: int = 50) -> list[Drill]:
        resp = await self._client._call(self._stub.ListDrills,
                                        failover_pb2.ListDrillsRequest(group=group, limit=limit))
        return [convert.drill_from_pb(d) for d in resp.drills]
