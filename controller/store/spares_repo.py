"""SparesRepo: the async face of the spares aggregate on the Database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hotspare.spares import ImportRow, Reservation, StockChange, StockItem

if TYPE_CHECKING:
    from controller.store.database import Database


class SparesRepo:
    """Stock with its ledger, reservations; the runtime's unit of work uses `db.write` directly."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def stock(self, site: str = "", part_number: str = "") -> list[StockItem]:
        return await self._db.read(lambda s: s.spares.stock(site, part_number))

    async def change_stock(self, row: ImportRow, who: str, why: str, *, remove: bool = False,
                           new_site: bool = False) -> StockItem:
        return await self._db.write(
            lambda s: s.spares.change_stock(row, who, why, remove=remove, new_site=new_site))

    async def receive(self, row: ImportRow, who: str, why: str) -> StockItem:
        return await self._db.write(lambda s: s.spares.receive(row, who, why))

    async def import_rows(self, rows: Sequence[ImportRow], filename: str, who: str,
                          why: str) -> int:
        return await self._db.write(lambda s: s.spares.import_rows(rows, filename, who, why))

    async def changes(self, part_number: str = "", site: str = "", limit: int = 200
                      ) -> list[StockChange]:
        return await self._db.read(lambda s: s.spares.changes(part_number, site, limit))

    async def reservations(self, site: str = "", open_only: bool = False,
                           limit: int = 500) -> list[Reservation]:
        return await self._db.read(lambda s: s.spares.reservations(site, open_only, limit))
