"""The failover servicer: readiness, pre-flight, live updates, switchovers, confirm-fenced, drills."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc

from controller.auth.identity import who
from controller.failover.drills import Drills
from controller.failover.runtime import ReadinessRuntime
from controller.failover.switchover import SwitchoverError, Switchovers
from hotspare import convert
from hotspare.standby import Drill, Switchover, SwitchoverMode
from hotspare.v1 import failover_pb2, failover_pb2_grpc


class FailoverService(failover_pb2_grpc.FailoverServiceServicer):
    """Thin: readiness is kept current by the runtime; this converts it for clients."""

    def __init__(self, readiness: ReadinessRuntime, switchovers: Switchovers,
                 drills: Drills) -> None:
        self._readiness = readiness
        self.switchovers = switchovers
        self.drills = drills

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

    # ---- switchovers and drills (the destructive half) --------------------------------

    async def Switchover(self, request: failover_pb2.SwitchoverRequest,
                         context: grpc.aio.ServicerContext
                         ) -> AsyncIterator[failover_pb2.SwitchoverRecord]:
        try:
            mode = SwitchoverMode(request.mode or "planned")
        except ValueError:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                f"mode must be planned or failover, not {request.mode!r}")
        if not request.reason.strip() and not request.dry_run:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "a switchover needs a reason")
        updates: asyncio.Queue[Switchover] = asyncio.Queue()
        task = asyncio.create_task(self.switchovers.request(
            request.group, mode, who(request.requested_by or "unknown"), request.reason,
            to=request.to_member, force_reason=request.force_reason,
            request_id=request.request_id, dry_run=request.dry_run,
            progress=updates.put_nowait))
        try:
            while not task.done():
                getter = asyncio.ensure_future(updates.get())
                await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
                if getter.done():
                    yield convert.switchover_to_pb(getter.result())
                else:
                    getter.cancel()
            sw, reasons = task.result()
        except SwitchoverError as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
            return
        yield convert.switchover_to_pb(sw, dry_run=request.dry_run, preflight=reasons)

    async def ConfirmFenced(self, request: failover_pb2.ConfirmFencedRequest,
                            context: grpc.aio.ServicerContext) -> failover_pb2.SwitchoverRecord:
        try:
            sw = await self.switchovers.confirm_fenced(request.group,
                                                       who(request.requested_by or "unknown"),
                                                       request.reason)
        except SwitchoverError as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        return convert.switchover_to_pb(sw)

    async def ListSwitchovers(self, request: failover_pb2.ListSwitchoversRequest,
                              context: grpc.aio.ServicerContext
                              ) -> failover_pb2.ListSwitchoversResponse:
        items = await self.switchovers.history(request.group, request.limit or 50)
        return failover_pb2.ListSwitchoversResponse(
            switchovers=[convert.switchover_to_pb(s) for s in items])

    async def RunDrill(self, request: failover_pb2.DrillRequest,
                       context: grpc.aio.ServicerContext
                       ) -> AsyncIterator[failover_pb2.DrillRecord]:
        updates: asyncio.Queue[Drill] = asyncio.Queue()
        task = asyncio.create_task(self.drills.run(request.group,
                                                   who(request.requested_by or "unknown"),
                                                   request.reason, updates.put_nowait))
        try:
            while not task.done():
                getter = asyncio.ensure_future(updates.get())
                await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
                if getter.done():
                    yield convert.drill_to_pb(getter.result())
                else:
                    getter.cancel()
            drill = task.result()
        except SwitchoverError as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
            return
        yield convert.drill_to_pb(drill)

    async def ListDrills(self, request: failover_pb2.ListDrillsRequest,
                         context: grpc.aio.ServicerContext) -> failover_pb2.ListDrillsResponse:
        drills = await self.drills.history(request.group, request.limit or 50)
        return failover_pb2.ListDrillsResponse(drills=[convert.drill_to_pb(d) for d in drills])

