"""Protobuf <-> spares records (the spares half of convert.py): pure, field names match 1:1."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from hotspare.spares import (
    CatalogueEntry,
    ImportRow,
    PartRef,
    ReportLine,
    Reservation,
    SparesReport,
    StockChange,
    StockItem,
)
from hotspare.v1 import spares_pb2

T = TypeVar("T")
_REF_FIELDS = ("at_risk", "failing", "installed_parts")


def _to_pb(record: Any, msg_type: Any) -> Any:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if f.name in _REF_FIELDS:
            value = [_to_pb(ref, spares_pb2.PartRef) for ref in value]
        values[f.name] = list(value) if isinstance(value, tuple) else value
    return msg_type(**values)


def _from_pb(msg: Any, record_type: type[T]) -> T:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(record_type):  # type: ignore[arg-type]
        value = getattr(msg, f.name)
        if f.name in _REF_FIELDS:
            value = tuple(_from_pb(ref, PartRef) for ref in value)
        elif f.name == "installed_by_site":
            value = dict(value)
        elif not isinstance(value, (str, int, float, bool)):
            value = tuple(value)
        values[f.name] = value
    return record_type(**values)


def row_to_pb(row: ImportRow) -> spares_pb2.StockRow:
    return _to_pb(row, spares_pb2.StockRow)  # type: ignore[no-any-return]


def row_from_pb(msg: spares_pb2.StockRow) -> ImportRow:
    return _from_pb(msg, ImportRow)


def stock_to_pb(item: StockItem) -> spares_pb2.StockItem:
    return _to_pb(item, spares_pb2.StockItem)  # type: ignore[no-any-return]


def stock_from_pb(msg: spares_pb2.StockItem) -> StockItem:
    return _from_pb(msg, StockItem)


def change_to_pb(change: StockChange) -> spares_pb2.StockChange:
    return _to_pb(change, spares_pb2.StockChange)  # type: ignore[no-any-return]


def change_from_pb(msg: spares_pb2.StockChange) -> StockChange:
    return _from_pb(msg, StockChange)


def reservation_to_pb(res: Reservation) -> spares_pb2.Reservation:
    return _to_pb(res, spares_pb2.Reservation)  # type: ignore[no-any-return]


def reservation_from_pb(msg: spares_pb2.Reservation) -> Reservation:
    return _from_pb(msg, Reservation)


def catalogue_to_pb(entry: CatalogueEntry) -> spares_pb2.CatalogueEntry:
    return _to_pb(entry, spares_pb2.CatalogueEntry)  # type: ignore[no-any-return]


def catalogue_from_pb(msg: spares_pb2.CatalogueEntry) -> CatalogueEntry:
    return _from_pb(msg, CatalogueEntry)


def report_to_pb(report: SparesReport) -> spares_pb2.SparesReport:
    return spares_pb2.SparesReport(
        generated_unix_ms=report.generated_unix_ms, site=report.site,
        lines=[_to_pb(line, spares_pb2.ReportLine) for line in report.lines])


def report_from_pb(msg: spares_pb2.SparesReport) -> SparesReport:
    return SparesReport(msg.generated_unix_ms, msg.site,
                        tuple(_from_pb(line, ReportLine) for line in msg.lines))
