"""The spares half of the controller client: stock, ledger, reservations and the report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc

from hotspare import convert_spares as cs
from hotspare.spares import (
    CatalogueEntry,
    ImportRow,
    Reservation,
    SparesReport,
    StockChange,
    StockItem,
)
from hotspare.v1 import spares_pb2, spares_pb2_grpc

Call = Callable[[Any, Any], Awaitable[Any]]


class SparesClient:
    """Uses the ControllerClient's channel and error mapping (`client.spares`)."""

    def __init__(self, channel: grpc.aio.Channel, call: Call) -> None:
        self._stub = spares_pb2_grpc.SparesServiceStub(channel)
        self._call = call

    async def add(self, row: ImportRow, who: str, why: str, new_site: bool = False) -> StockItem:
        resp = await self._call(self._stub.AddStock, spares_pb2.StockChangeRequest(
            row=cs.row_to_pb(row), who=who, why=why, new_site=new_site))
        return cs.stock_from_pb(resp)

    async def remove(self, row: ImportRow, who: str, why: str) -> StockItem:
        resp = await self._call(self._stub.RemoveStock, spares_pb2.StockChangeRequest(
            row=cs.row_to_pb(row), who=who, why=why))
        return cs.stock_from_pb(resp)

    async def receive(self, row: ImportRow, who: str, why: str) -> StockItem:
        resp = await self._call(self._stub.ReceiveStock, spares_pb2.StockChangeRequest(
            row=cs.row_to_pb(row), who=who, why=why))
        return cs.stock_from_pb(resp)

    async def stock(self, site: str = "") -> list[StockItem]:
        resp = await self._call(self._stub.ListStock, spares_pb2.ListStockRequest(site=site))
        return [cs.stock_from_pb(i) for i in resp.items]

    async def import_rows(self, rows: Sequence[ImportRow], filename: str, who: str,
                          why: str) -> int:
        resp = await self._call(self._stub.ImportStock, spares_pb2.ImportStockRequest(
            filename=filename, rows=[cs.row_to_pb(r) for r in rows], who=who, why=why))
        return int(resp.rows)

    async def changes(self, part_number: str = "", site: str = "", limit: int = 200
                      ) -> list[StockChange]:
        resp = await self._call(self._stub.ListChanges, spares_pb2.ListChangesRequest(
            part_number=part_number, site=site, limit=limit))
        return [cs.change_from_pb(c) for c in resp.changes]

    async def reservations(self, site: str = "", open_only: bool = False) -> list[Reservation]:
        resp = await self._call(self._stub.ListReservations, spares_pb2.ListReservationsRequest(
            site=site, open_only=open_only))
        return [cs.reservation_from_pb(r) for r in resp.reservations]

    async def catalogue(self) -> list[CatalogueEntry]:
        resp = await self._call(self._stub.ListCatalogue, spares_pb2.ListCatalogueRequest())
        return [cs.catalogue_from_pb(e) for e in resp.entries]

    async def report(self, site: str = "") -> SparesReport:
        resp = await self._call(self._stub.GetReport, spares_pb2.GetReportRequest(site=site))
        return cs.report_from_pb(resp)
