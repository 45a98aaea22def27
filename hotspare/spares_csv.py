"""Stock CSV: parse with file:line errors (nothing half-read), and export that imports back.

Columns: see COLUMNS; `replaces` lists installed part numbers or models separated by ";".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence

from hotspare.errors import HotSpareError
from hotspare.spares import ImportRow, StockItem

COLUMNS = ("part_number", "site", "quantity", "on_order", "expected_date", "lead_time_days",
           "class", "description", "replaces", "serial", "prior_afr_percent",
           "service_level_percent", "reserve_at_risk")
_YES, _NO = {"yes", "true", "1", "y"}, {"no", "false", "0", "n", ""}
REQUIRED = ("part_number", "site", "quantity")


class StockCsvError(HotSpareError):
    """A stock file cannot be read; the message starts with file:line."""


def _int(text: str, name: str, where: str) -> int:
    try:
        value = int(text.strip() or "0")
    except ValueError:
        raise StockCsvError(f"{where}: {name} {text!r} is not a whole number") from None
    if value < 0:
        raise StockCsvError(f"{where}: {name} {value} is negative")
    return value


def _float(text: str, name: str, where: str, upper: float = math.inf) -> float:
    try:
        value = float(text.strip() or "0")
    except ValueError:
        raise StockCsvError(f"{where}: {name} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0 or value > upper:
        raise StockCsvError(f"{where}: {name} {text!r} must be between 0 and {upper:g}")
    return value


def date_ms(text: str, where: str) -> int:
    if not text.strip():
        return 0
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise StockCsvError(f"{where}: expected_date {text!r} is not a date (YYYY-MM-DD)"
                            ) from None
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def _flag(text: str, name: str, where: str) -> bool:
    low = text.strip().lower()
    if low not in _YES | _NO:
        raise StockCsvError(f"{where}: {name} {text!r} is not yes or no")
    return low in _YES


def parse(text: str, filename: str) -> list[ImportRow]:
    """Every row, validated; the first bad one raises with file:line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise StockCsvError(f"{filename}:1: missing column(s) {', '.join(missing)}"
                            f" (columns: {', '.join(COLUMNS)})")
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise StockCsvError(f"{filename}:1: unknown column(s) {', '.join(unknown)}"
                            f" (columns: {', '.join(COLUMNS)})")
    rows: list[ImportRow] = []
    serials: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        where = f"{filename}:{line}"
        cell = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(cell.values()):
            continue
        if not cell.get("part_number") or not cell.get("site"):
            raise StockCsvError(f"{where}: part_number and site must not be empty")
        serial = cell.get("serial", "")
        if serial:
            if serial in serials:
                raise StockCsvError(f"{where}: duplicate serial {serial!r} (first on line"
                                    f" {serials[serial]})")
            serials[serial] = line
        rows.append(ImportRow(
            line=line, part_number=cell["part_number"], site=cell["site"],
            quantity=_int(cell.get("quantity", ""), "quantity", where),
            on_order=_int(cell.get("on_order", ""), "on_order", where),
            expected_unix_ms=date_ms(cell.get("expected_date", ""), where),
            lead_time_days=_float(cell.get("lead_time_days", ""), "lead_time_days", where),
            part_class=cell.get("class", ""), description=cell.get("description", ""),
            replaces=tuple(x.strip() for x in cell.get("replaces", "").split(";") if x.strip()),
            serial=serial,
            prior_afr_per_year=_float(cell.get("prior_afr_percent", ""), "prior_afr_percent",
                                      where, 100) / 100,
            service_level=_float(cell.get("service_level_percent", ""),
                                 "service_level_percent", where, 99.99) / 100,
            reserve_at_risk=_flag(cell.get("reserve_at_risk", ""), "reserve_at_risk", where)))
    return rows


def export(items: Sequence[StockItem]) -> str:
    """UTF-8 CSV with a header row; serialised units one row each, so it imports back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for it in items:
        expected = (dt.datetime.fromtimestamp(it.expected_unix_ms / 1000, dt.UTC).date()
                    .isoformat() if it.expected_unix_ms else "")
        common = [f"{it.lead_time_days:g}" if it.lead_time_days else "", it.part_class,
                  it.description, "; ".join(it.replaces)]
        rates = [f"{it.prior_afr_per_year * 100:g}" if it.prior_afr_per_year else "",
                 f"{it.service_level * 100:g}" if it.service_level else "",
                 "yes" if it.reserve_at_risk else ""]
        loose = it.on_hand - len(it.serials)
        writer.writerow([it.part_number, it.site, loose, it.on_order, expected, *common, "",
                         *rates])
        for serial in it.serials:
            writer.writerow([it.part_number, it.site, 1, 0, "", *common, serial, *rates])
    return out.getvalue()
