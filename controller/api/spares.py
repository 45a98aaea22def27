"""Thin SparesService servicer: convert, call the repository or the runtime, convert back."""

from __future__ import annotations

import grpc

from controller.spares.runtime import SparesRuntime
from controller.store import Database
from controller.store.spares import SparesError
from hotspare import convert_spares as cs
from hotspare.v1 import spares_pb2, spares_pb2_grpc


class SparesService(spares_pb2_grpc.SparesServiceServicer):
    """Stock changes are refused as FAILED_PRECONDITION with the store's message (file:line)."""

    def __init__(self, db: Database, runtime: SparesRuntime) -> None:
        self._db = db
        self._runtime = runtime

    async def _change(self, request, context, remove: bool,  # type: ignore[no-untyped-def]
                      receive: bool = False):
        row = cs.row_from_pb(request.row)
        try:
            if receive:
                item = await self._db.spares.receive(row, request.who, request.why)
            else:
                item = await self._db.spares.change_stock(row, request.who, request.why,
                                                          remove=remove,
                                                          new_site=request.new_site)
        except SparesError as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        self._runtime.stock_changed()
        return cs.stock_to_pb(item)

    async def AddStock(self, request, context):  # type: ignore[no-untyped-def]
        return await self._change(request, context, remove=False)

    async def RemoveStock(self, request, context):  # type: ignore[no-untyped-def]
        return await self._change(request, context, remove=True)

    async def ReceiveStock(self, request, context):  # type: ignore[no-untyped-def]
        return await self._change(request, context, remove=False, receive=True)

    async def ListStock(self, request, context):  # type: ignore[no-untyped-def]
        items = await self._db.spares.stock(request.site)
        return spares_pb2.ListStockResponse(items=[cs.stock_to_pb(i) for i in items])

    async def ImportStock(self, request, context):  # type: ignore[no-untyped-def]
        rows = [cs.row_from_pb(r) for r in request.rows]
        try:
            count = await self._db.spares.import_rows(rows, request.filename, request.who,
                                                      request.why)
        except SparesError as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        self._runtime.stock_changed()
        return spares_pb2.ImportStockResponse(rows=count)

    async def ListChanges(self, request, context):  # type: ignore[no-untyped-def]
        changes = await self._db.spares.changes(request.part_number, request.site,
                                                request.limit or 200)
        return spares_pb2.ListChangesResponse(changes=[cs.change_to_pb(c) for c in changes])

    async def ListReservations(self, request, context):  # type: ignore[no-untyped-def]
        found = await self._db.spares.reservations(request.site, request.open_only)
        return spares_pb2.ListReservationsResponse(
            reservations=[cs.reservation_to_pb(r) for r in found])

    async def ListCatalogue(self, request, context):  # type: ignore[no-untyped-def]
        entries = await self._runtime.catalogue()
        return spares_pb2.ListCatalogueResponse(entries=[cs.catalogue_to_pb(e) for e in entries])

    async def GetReport(self, request, context):  # type: ignore[no-untyped-def]
        return cs.report_to_pb(await self._runtime.report(request.site))
