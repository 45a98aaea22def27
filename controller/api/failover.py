"""The failover servicer: groups' readiness with every reason, one group, live updates."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from controller.failover.runtime import ReadinessRuntime
from hotspare import convert
from hotspare.v1 import failover_pb2, failover_pb2_grpc


class FailoverService(failover_pb2_grpc.FailoverServiceServicer):
    """Thin: readiness is kept current by the runtime; this converts it for clients."""

    def __init__(self, readiness: ReadinessRuntime) -> None:
        self._readiness = readiness

    async def _current(self) -> None:
        if len(self._readiness.current) < len(self._readiness.groups):
            await self._readiness.refresh()  # first call before the runtime's first pass

    async def ListGroups(self, request: failover_pb2.ListGroupsRequest,
                         context: grpc.aio.ServicerContext) -> failover_pb2.ListGroupsResponse:
        await self._current()
        groups = [self._readiness.current[n] for n in sorted(self._readiness.current)]
        return failover_pb2.ListGroupsResponse(groups=[convert.readiness_to_pb(g) for g in groups])

    async def GetGroup(self, request: failover_pb2.GetGroupRequest,
                       context: grpc.aio.ServicerContext) -> failover_pb2.GroupReadiness:
        if request.name not in self._readiness.groups:
            known = ", ".join(sorted(self._readiness.groups)) or "none configured"
            await context.abort(grpc.StatusCode.NOT_FOUND,
                                f"no standby group {request.name!r} (groups: {known})")
        await self._readiness.refresh([request.name])  # pre-flight asks for now, not a tick ago
        return convert.readiness_to_pb(self._readiness.current[request.name])

    async def WatchGroups(self, request: failover_pb2.WatchGroupsRequest,
                          context: grpc.aio.ServicerContext
                          ) -> AsyncIterator[failover_pb2.GroupsUpdate]:
        queue = self._readiness.subscribe()
        try:
            await self._current()
            yield failover_pb2.GroupsUpdate(snapshot=True, groups=[
                convert.readiness_to_pb(self._readiness.current[n])
                for n in sorted(self._readiness.current)])
            while True:
                changed = await queue.get()
                yield failover_pb2.GroupsUpdate(
                    snapshot=False, groups=[convert.readiness_to_pb(g) for g in changed])
        finally:
            self._readiness.unsubscribe(queue)
