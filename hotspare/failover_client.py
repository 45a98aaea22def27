"""Client calls for hot-standby groups (readiness, pre-flight, live updates), used by CLI and TUI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import grpc

from hotspare import convert
from hotspare.standby import GroupReadiness
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
