"""Spares aggregate SQL: stock per part and site, its change ledger, reservations, part lives."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from controller.store.records import ComponentRecord, StoreError
from controller.store.sql import Sql, now_ms, to_json
from hotspare import model
from hotspare.spares import ImportRow, Reservation, StockChange, StockItem

RESERVED, RELEASED, CONSUMED = "reserved", "released", "consumed"
VERDICT_KINDS = (model.ReadingKind.DISK_HEALTH.value, model.ReadingKind.PSU.value,
                 model.ReadingKind.FAN.value)
# Picks the spare part number for an installed component (the compatibility map), or "".
SpareLookup = Callable[[model.Component], str]
_STOCK_COLUMNS = ("part_number, site, on_hand, on_order, expected_ms, lead_time_days, part_class,"
                  " description, replaces, prior_afr, service_level, reserve_at_risk, updated_ms")
_RES_COLUMNS = ("reservation_id, part_number, site, asset_id, component_id, serial, model, state,"
                " created_ms, closed_ms, reason, replaced_by_serial")


class SparesError(StoreError):
    """A stock change that cannot be made; the message says what and, for files, where."""


class SparesSql(Sql):
    """Stock, its ledger (who, when, why) and reservations on one connection."""

    # ---- stock ---------------------------------------------------------------------
    def known_sites(self) -> set[str]:
        rows = self.conn.execute(
            "SELECT site FROM assets WHERE site != '' UNION SELECT site FROM spare_stock")
        return {r[0] for r in rows}

    def stock(self, site: str = "", part_number: str = "") -> list[StockItem]:
        where, params = ["1=1"], []
        if site:
            where.append("site=?")
            params.append(site)
        if part_number:
            where.append("part_number=?")
            params.append(part_number)
        rows = self.conn.execute(
            f"SELECT {_STOCK_COLUMNS} FROM spare_stock WHERE {' AND '.join(where)}"
            " ORDER BY part_number, site", params).fetchall()
        reserved = self.reserved_counts()
        serials: dict[tuple[str, str], list[str]] = {}
        for serial, pn, st in self.conn.execute(
                "SELECT serial, part_number, site FROM spare_units ORDER BY serial"):
            serials.setdefault((pn, st), []).append(serial)
        return [_stock_from_row(r, reserved.get((r[0], r[1]), 0), serials.get((r[0], r[1]), []))
                for r in rows]

    def change_stock(self, row: ImportRow, who: str, why: str, *, remove: bool = False,
                     new_site: bool = False) -> StockItem:
        """Add (or remove) stock for one part at one site, recorded with who and why."""
        with self.transaction():
            self._apply(row, who, why, remove=remove, new_site=new_site, where="")
        return self.stock(row.site, row.part_number)[0]

    def receive(self, row: ImportRow, who: str, why: str) -> StockItem:
        """A delivery: units on order arrive on the shelf, refused beyond what is on order."""
        with self.transaction():
            if not who or not why:
                raise SparesError("every stock change needs who and why")
            if row.quantity <= 0:
                raise SparesError(f"a delivery needs a quantity above 0, not {row.quantity}")
            cur = self.conn.execute("SELECT on_hand, on_order FROM spare_stock WHERE"
                                    " part_number=? AND site=?",
                                    (row.part_number, row.site)).fetchone()
            on_hand, on_order = (int(cur[0]), int(cur[1])) if cur else (0, 0)
            if row.quantity > on_order:
                raise SparesError(
                    f"cannot receive {row.quantity} of {row.part_number} at {row.site}: only"
                    f" {on_order} on order (add unordered stock with `stock add`)")
            now = now_ms()
            self.conn.execute("UPDATE spare_stock SET on_hand=on_hand+?, on_order=on_order-?,"
                              " expected_ms=CASE WHEN on_order-? = 0 THEN 0 ELSE expected_ms END,"
                              " updated_ms=? WHERE part_number=? AND site=?",
                              (row.quantity, row.quantity, row.quantity, now, row.part_number,
                               row.site))
            self._ledger(row.part_number, row.site, row.quantity, -row.quantity,
                         on_hand + row.quantity, who, why, now)
        return self.stock(row.site, row.part_number)[0]

    def import_rows(self, rows: Sequence[ImportRow], filename: str, who: str, why: str) -> int:
        """Every row or none: the first bad row (with file and line) rolls the whole file back."""
        with self.transaction():
            for row in rows:
                self._apply(row, who, why, remove=False, new_site=False,
                            where=f"{filename}:{row.line}: ")
        return len(rows)

    def _apply(self, row: ImportRow, who: str, why: str, *, remove: bool, new_site: bool,
               where: str) -> None:
        if not who or not why:
            raise SparesError(f"{where}every stock change needs who and why")
        if not row.part_number or not row.site:
            raise SparesError(f"{where}part number and site are required")
        if row.quantity < 0 or row.on_order < 0:
            raise SparesError(f"{where}quantity {row.quantity} and on order {row.on_order}"
                              " must not be negative (use remove to take stock out)")
        sites = self.known_sites()
        if row.site not in sites and not new_site:
            raise SparesError(f"{where}unknown site {row.site!r} (known: "
                              f"{', '.join(sorted(sites)) or 'none yet'}; sites come from the"
                              " fleet's assets, or add the first stock with --new-site)")
        now = now_ms()
        cur = self.conn.execute("SELECT on_hand, on_order FROM spare_stock WHERE part_number=?"
                                " AND site=?", (row.part_number, row.site)).fetchone()
        on_hand, on_order = (int(cur[0]), int(cur[1])) if cur else (0, 0)
        if remove:
            return self._remove(row, who, why, on_hand, on_order, where, now)
        if row.serial:
            if row.quantity != 1:
                raise SparesError(f"{where}a row with a serial is one unit, not {row.quantity}")
            dup = self.conn.execute("SELECT part_number, site FROM spare_units WHERE serial=?",
                                    (row.serial,)).fetchone()
            if dup is not None:
                raise SparesError(f"{where}duplicate serial {row.serial!r}: already in stock as"
                                  f" {dup[0]} at {dup[1]}")
            self.conn.execute("INSERT INTO spare_units VALUES (?,?,?,?)",
                              (row.serial, row.part_number, row.site, now))
        self.conn.execute(
            f"INSERT INTO spare_stock ({_STOCK_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(part_number, site) DO UPDATE SET on_hand=on_hand + excluded.on_hand,"
            " on_order=on_order + excluded.on_order,"
            " expected_ms=CASE WHEN excluded.expected_ms THEN excluded.expected_ms"
            "  ELSE expected_ms END,"
            " lead_time_days=CASE WHEN excluded.lead_time_days THEN excluded.lead_time_days"
            "  ELSE lead_time_days END,"
            " part_class=coalesce(nullif(excluded.part_class,''), part_class),"
            " description=coalesce(nullif(excluded.description,''), description),"
            " replaces=CASE WHEN excluded.replaces != '[]' THEN excluded.replaces"
            "  ELSE replaces END,"
            " prior_afr=CASE WHEN excluded.prior_afr THEN excluded.prior_afr ELSE prior_afr END,"
            " service_level=CASE WHEN excluded.service_level THEN excluded.service_level"
            "  ELSE service_level END,"
            " reserve_at_risk=max(reserve_at_risk, excluded.reserve_at_risk),"
            " updated_ms=excluded.updated_ms",
            (row.part_number, row.site, row.quantity, row.on_order, row.expected_unix_ms,
             row.lead_time_days, row.part_class, row.description, to_json(list(row.replaces)),
             row.prior_afr_per_year, row.service_level, int(row.reserve_at_risk), now))
        self._ledger(row.part_number, row.site, row.quantity, row.on_order,
                     on_hand + row.quantity, who, why, now, row.serial)
        if row.replaces:  # open reservations made before the map said so move to this spare
            marks = ",".join("?" * len(row.replaces))
            self.conn.execute(
                f"UPDATE spare_reservations SET part_number=? WHERE state=? AND part_number"
                f" IN ({marks})", (row.part_number, RESERVED, *row.replaces))

    def _remove(self, row: ImportRow, who: str, why: str, on_hand: int, on_order: int,
                where: str, now: int) -> None:
        if row.quantity > on_hand or row.on_order > on_order:
            raise SparesError(
                f"{where}cannot remove {row.quantity} on hand / {row.on_order} on order of"
                f" {row.part_number} at {row.site}: there are {on_hand} on hand and {on_order}"
                " on order")
        if row.serial:
            cur = self.conn.execute("DELETE FROM spare_units WHERE serial=? AND part_number=?"
                                    " AND site=?", (row.serial, row.part_number, row.site))
            if cur.rowcount == 0:
                raise SparesError(f"{where}serial {row.serial!r} is not in stock as"
                                  f" {row.part_number} at {row.site}")
        self.conn.execute("UPDATE spare_stock SET on_hand=on_hand-?, on_order=on_order-?,"
                          " updated_ms=? WHERE part_number=? AND site=?",
                          (row.quantity, row.on_order, now, row.part_number, row.site))
        self._ledger(row.part_number, row.site, -row.quantity, -row.on_order,
                     on_hand - row.quantity, who, why, now, row.serial)

    def _ledger(self, pn: str, site: str, d_hand: int, d_order: int, after: int, who: str,
                why: str, now: int, serial: str = "") -> None:
        self.conn.execute(
            "INSERT INTO spare_changes (time_ms, who, why, part_number, site, delta_on_hand,"
            " delta_on_order, on_hand_after, serial) VALUES (?,?,?,?,?,?,?,?,?)",
            (now, who, why, pn, site, d_hand, d_order, after, serial))

    def changes(self, part_number: str = "", site: str = "", limit: int = 200
                ) -> list[StockChange]:
        rows = self.conn.execute(
            "SELECT part_number, site, delta_on_hand, delta_on_order, on_hand_after, who, why,"
            " time_ms, serial FROM spare_changes WHERE (?='' OR part_number=?) AND"
            " (?='' OR site=?) ORDER BY change_id DESC LIMIT ?",
            (part_number, part_number, site, site, limit)).fetchall()
        return [StockChange(*r) for r in rows]

    # ---- reservations ------------------------------------------------------------------
    def reservations(self, site: str = "", open_only: bool = False, limit: int = 500
                     ) -> list[Reservation]:
        rows = self.conn.execute(
            f"SELECT {_RES_COLUMNS} FROM spare_reservations WHERE (?='' OR site=?)"
            " AND (? = 0 OR state=?) ORDER BY reservation_id DESC LIMIT ?",
            (site, site, int(open_only), RESERVED, limit)).fetchall()
        return [Reservation(*r) for r in rows]

    def reserved_counts(self) -> dict[tuple[str, str], int]:
        """Open reservations per (part number, site), with or without stock behind them."""
        return {(pn, st): int(n) for pn, st, n in self.conn.execute(
            "SELECT part_number, site, count(*) FROM spare_reservations WHERE state=?"
            " GROUP BY 1, 2", (RESERVED,))}

    def follow_verdicts(self, verdicts: Mapping[tuple[str, str], str],
                        spare_of: SpareLookup, now: int) -> list[Reservation]:
        """Failing reserves a spare at the asset's site; a recovered part releases its spare.

        At-risk reserves only where the spare's stock item says `reserve_at_risk`.
        """
        changed: list[Reservation] = []
        for (asset_id, component_id), verdict in sorted(verdicts.items()):
            row = self.conn.execute(
                "SELECT c.component_id, c.asset_id, c.type, c.vendor, c.model, c.part_number,"
                " c.serial, a.site FROM components c LEFT JOIN assets a USING (asset_id)"
                " WHERE c.asset_id=? AND c.component_id=?", (asset_id, component_id)).fetchone()
            if row is None:
                continue
            comp = model.Component(component_id=row[0], asset_id=row[1], type=row[2],
                                   vendor=row[3], model=row[4], part_number=row[5],
                                   serial=row[6])
            site = row[7] or ""
            open_row = self.conn.execute(
                "SELECT reservation_id FROM spare_reservations WHERE asset_id=? AND"
                " component_id=? AND serial=? AND state=?",
                (asset_id, component_id, comp.serial, RESERVED)).fetchone()
            pn = spare_of(comp)
            flag = self.conn.execute("SELECT reserve_at_risk FROM spare_stock WHERE"
                                     " part_number=? AND site=?", (pn, site)).fetchone()
            want = verdict == "failing" or (verdict == "at-risk" and bool(flag and flag[0]))
            if want and open_row is None and pn:
                cur = self.conn.execute(
                    "INSERT INTO spare_reservations (part_number, site, asset_id, component_id,"
                    " serial, model, state, created_ms, reason) VALUES (?,?,?,?,?,?,?,?,?)",
                    (pn, site, asset_id, component_id, comp.serial, comp.model, RESERVED, now,
                     f"{component_id} ({comp.model} {comp.serial}) is {verdict}"))
                changed.append(self._reservation(int(cur.lastrowid or 0)))
            elif verdict in ("healthy", "at-risk") and not want and open_row is not None:
                self.conn.execute(
                    "UPDATE spare_reservations SET state=?, closed_ms=?, reason=reason || ?"
                    " WHERE reservation_id=?",
                    (RELEASED, now, f"; released: {verdict} again", open_row[0]))
                changed.append(self._reservation(int(open_row[0])))
        return changed

    def consume(self, replaced: Iterable[ComponentRecord], now: int) -> list[Reservation]:
        """A new serial in the slot uses the reserved spare: stock goes down by one, recorded."""
        done: list[Reservation] = []
        for rec in replaced:
            c = rec.component
            row = self.conn.execute(
                "SELECT reservation_id, part_number, site FROM spare_reservations WHERE"
                " asset_id=? AND component_id=? AND serial=? AND state=?",
                (c.asset_id, c.component_id, c.serial, RESERVED)).fetchone()
            if row is None:
                continue
            rid, pn, site = row
            self.conn.execute(
                "UPDATE spare_reservations SET state=?, closed_ms=?, replaced_by_serial=?"
                " WHERE reservation_id=?", (CONSUMED, now, rec.replaced_by_serial, rid))
            stock = self.conn.execute("SELECT on_hand FROM spare_stock WHERE part_number=? AND"
                                      " site=?", (pn, site)).fetchone()
            if stock is not None and stock[0] > 0:
                self.conn.execute("UPDATE spare_stock SET on_hand=on_hand-1, updated_ms=? WHERE"
                                  " part_number=? AND site=?", (now, pn, site))
                self.conn.execute("DELETE FROM spare_units WHERE serial=?",
                                  (rec.replaced_by_serial,))
                self._ledger(pn, site, -1, 0, int(stock[0]) - 1, "hotspare",
                             f"replacement: {c.asset_id} {c.component_id} failed serial"
                             f" {c.serial} replaced by {rec.replaced_by_serial}", now,
                             rec.replaced_by_serial)
            done.append(self._reservation(int(rid)))
        return done

    def open_reservations_replaced(self) -> list[ComponentRecord]:
        """Open reservations whose part already left its slot (a crash between the two writes)."""
        rows = self.conn.execute(
            "SELECT h.component_id, h.asset_id, h.serial, h.first_seen_ms, h.last_seen_ms,"
            " h.removed_ms, h.replaced_by_serial, h.last_verdict FROM spare_reservations r"
            " JOIN component_history h ON h.asset_id=r.asset_id AND"
            " h.component_id=r.component_id AND h.serial=r.serial WHERE r.state=?",
            (RESERVED,)).fetchall()
        return [ComponentRecord(model.Component(r[0], r[1], "", serial=r[2]), r[3], r[4], r[5],
                                r[6], r[7]) for r in rows]

    def _reservation(self, rid: int) -> Reservation:
        row = self.conn.execute(f"SELECT {_RES_COLUMNS} FROM spare_reservations"
                                " WHERE reservation_id=?", (rid,)).fetchone()
        return Reservation(*row)

    # ---- inputs of the forecast ---------------------------------------------------------
    def verdict_readings(self) -> list[model.Reading]:
        """Latest readings that can speak for a part's health (not the whole fleet's latest)."""
        rows = self.conn.execute(
            "SELECT s.asset_id, s.sensor_id, s.kind, l.value, s.unit, l.status, l.reason,"
            " l.time_ms, s.name, l.labels FROM latest l JOIN sensors s USING (sensor_key)"
            " WHERE s.kind IN (?, ?, ?) OR l.labels LIKE '%\"verdict\"%'",
            VERDICT_KINDS).fetchall()
        return [_reading(r) for r in rows]

    def part_lives(self) -> list[tuple[model.Component, str, int, int, int, str]]:
        """(component, site, first_seen_ms, last_seen_ms, removed_ms, last_verdict), every part."""
        rows = self.conn.execute(
            "SELECT c.component_id, c.asset_id, c.type, c.vendor, c.model, c.part_number,"
            " c.serial, c.description, coalesce(a.site, ''), c.first_seen_ms, c.last_seen_ms,"
            " 0, '', c.firmware, c.capacity_bytes FROM components c LEFT JOIN assets a USING (asset_id)"
            " UNION ALL SELECT h.component_id, h.asset_id, h.type, h.vendor, h.model,"
            " h.part_number, h.serial, h.description, coalesce(a.site, ''), h.first_seen_ms,"
            " h.last_seen_ms, h.removed_ms, h.last_verdict, h.firmware, h.capacity_bytes"
            " FROM component_history h"
            " LEFT JOIN assets a USING (asset_id)").fetchall()
        return [(model.Component(component_id=r[0], asset_id=r[1], type=r[2], vendor=r[3],
                                 model=r[4], part_number=r[5], serial=r[6], description=r[7],
                                 firmware=r[13], capacity_bytes=r[14]),
                 r[8], r[9], r[10], r[11], r[12]) for r in rows]


def _stock_from_row(r: Sequence[Any], reserved: int, serials: list[str]) -> StockItem:
    return StockItem(part_number=r[0], site=r[1], on_hand=r[2], on_order=r[3],
                     expected_unix_ms=r[4], lead_time_days=r[5], part_class=r[6],
                     description=r[7], replaces=tuple(json.loads(r[8] or "[]")),
                     serials=tuple(serials), reserved=reserved, prior_afr_per_year=r[9],
                     service_level=r[10], reserve_at_risk=bool(r[11]), updated_unix_ms=r[12])


def _reading(r: Sequence[Any]) -> model.Reading:
    try:
        kind = model.ReadingKind(r[2])
    except ValueError:
        kind = model.ReadingKind.OTHER
    return model.Reading(r[0], r[1], kind, r[3], r[4], model.Status(r[5]), r[6], r[7], r[8],
                         json.loads(r[9]) if r[9] else {})
