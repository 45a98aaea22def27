"""Fleet aggregate SQL: agents and their streams, assets, components with history, readings."""

# Slightly over ~500 lines: one aggregate's SQL (ingest, assets, components with their history,
# readings, retention) kept together so the ingest transaction sees every table it writes.

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from controller.store.records import AgentRow, ComponentRecord, IngestItem, IngestResult
from controller.store.sql import Sql, now_ms, to_json
from hotspare import model

# Runs inside the ingest transaction with the newly stored readings (the alert engine's hook).
AfterStore = Callable[[list[model.Reading], int], None]
_COMPONENT_COLUMNS = (
    "component_id, asset_id, type, vendor, model, part_number, serial, firmware, description,"
    " capacity_bytes, fru, parent_component_id, labels"
)


class FleetSql(Sql):
    """Agents, assets, components, sensors and readings on one connection."""

    def __init__(self, conn: Any) -> None:
        super().__init__(conn)
        self._sensor_keys: dict[tuple[str, str], int] = {}

    # ---- agents --------------------------------------------------------------------
    def register_agent(
        self,
        agent_id: str,
        hostname: str,
        version: str,
        collectors: Sequence[str],
        interval_seconds: float,
        epoch: int,
        assets: Sequence[model.Asset],
    ) -> int:
        """Record a Hello; returns the highest stored sequence number for this epoch."""
        now = now_ms()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO agents (agent_id, hostname, version, collectors, interval_seconds,"
                " host_asset_id, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(agent_id) DO UPDATE SET hostname=excluded.hostname,"
                " version=excluded.version, collectors=excluded.collectors,"
                " interval_seconds=excluded.interval_seconds,"
                " host_asset_id=excluded.host_asset_id, last_seen_ms=excluded.last_seen_ms",
                (agent_id, hostname, version, ",".join(collectors), interval_seconds,
                 assets[0].asset_id if assets else "", now, now),
            )
            self._upsert_assets(agent_id, assets, now)
            row = self.conn.execute(
                "SELECT highest_seq FROM streams WHERE agent_id=? AND epoch=?", (agent_id, epoch)
            ).fetchone()
        return int(row[0]) if row else 0

    def agents(self) -> list[AgentRow]:
        rows = self.conn.execute(
            "SELECT agent_id, hostname, version, collectors, interval_seconds, first_seen_ms,"
            " last_seen_ms, dropped_batches_total, host_asset_id FROM agents ORDER BY agent_id"
        ).fetchall()
        return [AgentRow(*row) for row in rows]

    def stored_seqs(self, agent_id: str) -> dict[int, tuple[int, int]]:
        """Per epoch of one agent: (highest stored sequence number, batches stored)."""
        rows = self.conn.execute(
            "SELECT epoch, highest_seq, stored_batches FROM streams WHERE agent_id=?", (agent_id,)
        ).fetchall()
        return {int(e): (int(h), int(n)) for e, h, n in rows}

    # ---- ingest --------------------------------------------------------------------
    def ingest(
        self, items: Iterable[IngestItem], after_store: AfterStore | None = None
    ) -> IngestResult:
        """Store batches in one transaction; a batch at or below the stored seq is skipped.

        `after_store` sees the newly stored readings inside the same transaction; what it writes
        (alert changes) is stored atomically with them (so a crash loses neither or both).
        """
        result = IngestResult()
        now = now_ms()
        try:
            self._ingest(items, now, result, after_store)
        except BaseException:
            self._sensor_keys.clear()  # keys created in the rolled-back transaction are gone
            raise
        return result

    def _ingest(
        self, items: Iterable[IngestItem], now: int, result: IngestResult,
        after_store: AfterStore | None,
    ) -> None:
        conn = self.conn
        with self.transaction():
            highest: dict[tuple[str, int], int] = {}
            stored: dict[tuple[str, int], int] = {}
            for item in items:
                key = (item.agent_id, item.epoch)
                if key not in highest:
                    row = conn.execute(
                        "SELECT highest_seq FROM streams WHERE agent_id=? AND epoch=?", key
                    ).fetchone()
                    highest[key] = int(row[0]) if row else 0
                if item.seq <= highest[key]:
                    result.duplicate_items += 1
                    continue
                highest[key] = item.seq
                stored[key] = stored.get(key, 0) + 1
                self._store_batch(item, now, result)
                result.stored_items += 1
                if after_store is not None:
                    result.stored_readings.extend(item.batch.readings)
            for (agent_id, epoch), seq in highest.items():
                conn.execute(
                    "INSERT INTO streams (agent_id, epoch, highest_seq, stored_batches, updated_ms)"
                    " VALUES (?,?,?,?,?) ON CONFLICT(agent_id, epoch) DO UPDATE SET"
                    " highest_seq=excluded.highest_seq,"
                    " stored_batches=streams.stored_batches + excluded.stored_batches,"
                    " updated_ms=excluded.updated_ms",
                    (agent_id, epoch, seq, stored.get((agent_id, epoch), 0), now),
                )
                conn.execute(
                    "UPDATE agents SET last_seen_ms=? WHERE agent_id=?", (now, agent_id)
                )
            result.highest_seq = highest
            if after_store is not None and result.stored_readings:
                after_store(result.stored_readings, now)

    def _store_batch(self, item: IngestItem, now: int, result: IngestResult) -> None:
        conn = self.conn
        batch = item.batch
        if batch.assets:
            self._upsert_assets(item.agent_id, batch.assets, now)
            result.changed_assets.update(a.asset_id for a in batch.assets)
        if batch.components:
            result.replaced_components.extend(self._upsert_components(batch.components, now))
        if item.dropped_batches_total:
            conn.execute(
                "UPDATE agents SET dropped_batches_total=max(dropped_batches_total, ?)"
                " WHERE agent_id=?",
                (item.dropped_batches_total, item.agent_id),
            )
        if batch.readings:
            rows = []
            latest: dict[int, model.Reading] = {}
            for r in batch.readings:
                key = self._sensor_key(r, item.agent_id, now)
                rows.append((key, r.time_unix_ms, r.value, int(r.status)))
                prev = latest.get(key)
                if prev is None or prev.time_unix_ms <= r.time_unix_ms:
                    latest[key] = r
            conn.executemany(
                "INSERT OR REPLACE INTO readings (sensor_key, time_ms, value, status)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )
            conn.executemany(
                "INSERT INTO latest (sensor_key, time_ms, value, status, reason, labels)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(sensor_key) DO UPDATE SET"
                " time_ms=excluded.time_ms, value=excluded.value, status=excluded.status,"
                " reason=excluded.reason, labels=excluded.labels"
                " WHERE excluded.time_ms >= latest.time_ms",
                [
                    (k, r.time_unix_ms, r.value, int(r.status), r.reason,
                     to_json(r.labels) if r.labels else "")
                    for k, r in latest.items()
                ],
            )
            result.readings_stored += len(rows)
            result.changed_assets.update(r.asset_id for r in latest.values())
        if batch.gaps:  # readings the agent dropped unsent: recorded so "no data" can say why
            conn.executemany(
                "INSERT INTO gaps (agent_id, asset_id, from_ms, to_ms, readings_dropped, reason,"
                " received_ms) VALUES (?,?,?,?,?,?,?)",
                [(item.agent_id, g.asset_id, g.from_unix_ms, g.to_unix_ms, g.readings_dropped,
                  g.reason, now) for g in batch.gaps])
        if batch.events:
            conn.executemany(
                "INSERT OR IGNORE INTO events (asset_id, source_id, time_ms, type, severity,"
                " sensor, direction, description, attributes, received_ms)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (e.asset_id, e.source_id, e.time_unix_ms, e.type, int(e.severity), e.sensor,
                     e.direction, e.description, to_json(e.attributes), now)
                    for e in batch.events
                ],
            )

    def _sensor_key(self, r: model.Reading, agent_id: str, now: int) -> int:
        cache_key = (r.asset_id, r.sensor_id)
        key = self._sensor_keys.get(cache_key)
        if key is not None:
            return key
        row = self.conn.execute(
            "SELECT sensor_key FROM sensors WHERE asset_id=? AND sensor_id=?", cache_key
        ).fetchone()
        if row is None:
            if not self.conn.execute(
                "SELECT 1 FROM assets WHERE asset_id=?", (r.asset_id,)
            ).fetchone():
                self.conn.execute(
                    "INSERT INTO assets (asset_id, kind, name, agent_id, first_seen_ms,"
                    " updated_ms) VALUES (?, 'other', ?, ?, ?, ?)",
                    (r.asset_id, r.asset_id, agent_id, now, now),
                )
            cur = self.conn.execute(
                "INSERT INTO sensors (asset_id, sensor_id, name, kind, unit) VALUES (?,?,?,?,?)",
                (r.asset_id, r.sensor_id, r.name or r.sensor_id, r.kind.value, r.unit),
            )
            key = int(cur.lastrowid or 0)
        else:
            key = int(row[0])
        self._sensor_keys[cache_key] = key
        return key

    def _upsert_assets(self, agent_id: str, assets: Iterable[model.Asset], now: int) -> None:
        self.conn.executemany(
            "INSERT INTO assets (asset_id, kind, name, vendor, model, serial, site, room, rack,"
            " unit, parent_id, agent_id, labels, flags, first_seen_ms, updated_ms)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(asset_id) DO UPDATE SET"
            " kind=excluded.kind, name=excluded.name,"
            " vendor=coalesce(nullif(excluded.vendor,''), assets.vendor),"
            " model=coalesce(nullif(excluded.model,''), assets.model),"
            " serial=coalesce(nullif(excluded.serial,''), assets.serial),"
            " site=excluded.site, room=excluded.room, rack=excluded.rack, unit=excluded.unit,"
            " parent_id=excluded.parent_id, agent_id=excluded.agent_id, labels=excluded.labels,"
            " flags=excluded.flags, updated_ms=excluded.updated_ms",
            [
                (a.asset_id, a.kind.value, a.name or a.asset_id, a.vendor, a.model, a.serial,
                 a.location.site, a.location.room, a.location.rack, a.location.unit, a.parent_id,
                 agent_id, to_json(a.labels), to_json(list(a.flags)), now, now)
                for a in assets
            ],
        )

    def _upsert_components(self, components: Iterable[model.Component], now: int
                           ) -> list[ComponentRecord]:
        """Insert or refresh parts; a new serial in a known slot closes the old part's record."""
        comps = list(components)
        replaced: list[ComponentRecord] = []
        for c in comps:
            row = self.conn.execute(
                f"SELECT {_COMPONENT_COLUMNS}, first_seen_ms, last_seen_ms FROM components"
                " WHERE asset_id=? AND component_id=?", (c.asset_id, c.component_id)).fetchone()
            if row is None or not row[6] or not c.serial or row[6] == c.serial:
                continue
            old = _component_from_row(row)
            record = ComponentRecord(old, row[13], row[14], removed_ms=now,
                                     replaced_by_serial=c.serial,
                                     last_verdict=self._last_verdict(old))
            self.conn.execute(
                "INSERT INTO component_history (asset_id, component_id, type, vendor, model,"
                " part_number, serial, firmware, description, capacity_bytes, fru, labels,"
                " first_seen_ms, last_seen_ms, removed_ms, replaced_by_serial, last_verdict)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (old.asset_id, old.component_id, old.type, old.vendor, old.model,
                 old.part_number, old.serial, old.firmware, old.description, old.capacity_bytes,
                 int(old.fru), to_json(old.labels), record.first_seen_ms, record.last_seen_ms,
                 now, c.serial, record.last_verdict))
            # The new part's life starts now: the slot's first_seen_ms is reset below.
            self.conn.execute("DELETE FROM components WHERE asset_id=? AND component_id=?",
                              (c.asset_id, c.component_id))
            replaced.append(record)
        self.conn.executemany(
            "INSERT INTO components (asset_id, component_id, type, vendor, model, part_number,"
            " serial, firmware, description, capacity_bytes, fru, parent_component_id, labels,"
            " first_seen_ms, last_seen_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(asset_id, component_id) DO UPDATE SET type=excluded.type,"
            " vendor=excluded.vendor, model=excluded.model, part_number=excluded.part_number,"
            " serial=coalesce(nullif(excluded.serial,''), components.serial),"
            " firmware=excluded.firmware,"
            " description=excluded.description, capacity_bytes=excluded.capacity_bytes,"
            " fru=excluded.fru, parent_component_id=excluded.parent_component_id,"
            " labels=excluded.labels, last_seen_ms=excluded.last_seen_ms",
            [
                (c.asset_id, c.component_id, c.type, c.vendor, c.model, c.part_number, c.serial,
                 c.firmware, c.description, c.capacity_bytes, int(c.fru), c.parent_component_id,
                 to_json(c.labels), now, now)
                for c in comps
            ],
        )
        return replaced

    def _last_verdict(self, c: model.Component) -> str:
        """The part's health when it left: the verdict label (or status) of its own sensors."""
        rows = self.conn.execute(
            "SELECT l.status, l.labels FROM latest l JOIN sensors s USING (sensor_key)"
            " WHERE s.asset_id=? AND (s.sensor_id=? OR s.sensor_id LIKE ? ESCAPE '\\')"
            " ORDER BY l.status DESC",
            (c.asset_id, c.component_id,
             c.component_id.replace("%", "\\%").replace("_", "\\_") + ":%")).fetchall()
        for _, labels in rows:
            verdict = json.loads(labels).get("verdict", "") if labels else ""
            if verdict:
                return str(verdict)
        return model.Status(rows[0][0]).label if rows else ""

    # ---- queries -------------------------------------------------------------------
    def assets(self) -> list[tuple[model.Asset, str]]:
        """Every asset with the id of the agent that reports it."""
        rows = self.conn.execute(
            "SELECT asset_id, kind, name, vendor, model, serial, site, room, rack, unit,"
            " parent_id, labels, flags, agent_id FROM assets ORDER BY asset_id"
        ).fetchall()
        return [(_asset_from_row(row), row[13]) for row in rows]

    def asset_page(self, after: str, limit: int) -> tuple[list[tuple[model.Asset, str]], int]:
        """Up to `limit` assets with ids after `after`, in id order, and the fleet's size."""
        rows = self.conn.execute(
            "SELECT asset_id, kind, name, vendor, model, serial, site, room, rack, unit,"
            " parent_id, labels, flags, agent_id FROM assets WHERE asset_id > ?"
            " ORDER BY asset_id LIMIT ?", (after, limit),
        ).fetchall()
        total = int(self.conn.execute("SELECT count(*) FROM assets").fetchone()[0])
        return [(_asset_from_row(row), row[13]) for row in rows], total

    def owners(self, asset_ids: Sequence[str]) -> dict[str, str]:
        """Which agent reports each of these assets (absent: no such asset)."""
        out: dict[str, str] = {}
        ids = list(asset_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self.conn.execute(
                f"SELECT asset_id, agent_id FROM assets WHERE asset_id IN"
                f" ({','.join('?' * len(chunk))})", chunk).fetchall())
        return out

    def asset(self, asset_id: str) -> tuple[model.Asset, str] | None:
        row = self.conn.execute(
            "SELECT asset_id, kind, name, vendor, model, serial, site, room, rack, unit,"
            " parent_id, labels, flags, agent_id FROM assets WHERE asset_id=?",
            (asset_id,),
        ).fetchone()
        return (_asset_from_row(row), row[13]) if row else None

    def latest_readings(self, asset_ids: Sequence[str] | None = None) -> list[model.Reading]:
        """Latest reading of every sensor (of the given assets, or all)."""
        sql = (
            "SELECT s.asset_id, s.sensor_id, s.kind, l.value, s.unit, l.status, l.reason,"
            " l.time_ms, s.name, l.labels FROM latest l JOIN sensors s USING (sensor_key)"
        )
        params: list[str] = []
        if asset_ids is not None:
            sql += f" WHERE s.asset_id IN ({','.join('?' * len(asset_ids))})"
            params = list(asset_ids)
        sql += " ORDER BY s.asset_id, s.sensor_id"
        return [_reading_from_row(row) for row in self.conn.execute(sql, params)]

    def components(self, asset_id: str | None = None) -> list[model.Component]:
        """The parts installed now (of one asset, or all)."""
        return [r.component for r in self.component_records(asset_id)]

    def component_records(self, asset_id: str | None = None) -> list[ComponentRecord]:
        sql = f"SELECT {_COMPONENT_COLUMNS}, first_seen_ms, last_seen_ms FROM components"
        params: tuple[str, ...] = ()
        if asset_id is not None:
            sql += " WHERE asset_id=?"
            params = (asset_id,)
        sql += " ORDER BY asset_id, component_id"
        return [ComponentRecord(_component_from_row(row), row[13], row[14])
                for row in self.conn.execute(sql, params)]

    def component_history(self, asset_id: str | None = None, component_id: str | None = None,
                          since_ms: int = 0) -> list[ComponentRecord]:
        """Replaced parts (oldest first), then the current ones: every part each slot has held."""
        where, params = ["removed_ms >= ?"], [since_ms]
        if asset_id is not None:
            where.append("asset_id=?")
            params.append(asset_id)  # type: ignore[arg-type]
        if component_id is not None:
            where.append("component_id=?")
            params.append(component_id)  # type: ignore[arg-type]
        rows = self.conn.execute(
            "SELECT component_id, asset_id, type, vendor, model, part_number, serial, firmware,"
            " description, capacity_bytes, fru, '', labels, first_seen_ms, last_seen_ms,"
            " removed_ms, replaced_by_serial, last_verdict FROM component_history"
            f" WHERE {' AND '.join(where)} ORDER BY asset_id, component_id, removed_ms",
            params).fetchall()
        past = [ComponentRecord(_component_from_row(r), r[13], r[14], r[15], r[16], r[17])
                for r in rows]
        current = [r for r in self.component_records(asset_id)
                   if component_id is None or r.component.component_id == component_id]
        return past + current

    def events(self, asset_id: str, limit: int = 50) -> list[model.Event]:
        rows = self.conn.execute(
            "SELECT asset_id, source_id, time_ms, type, severity, sensor, direction, description,"
            " attributes FROM events WHERE asset_id=? ORDER BY time_ms DESC, event_key DESC"
            " LIMIT ?",
            (asset_id, limit),
        ).fetchall()
        return [
            model.Event(row[0], row[1], row[2], row[3], model.Status(row[4]), row[5], row[6],
                        row[7], json.loads(row[8] or "{}"))
            for row in rows
        ]

    def history(
        self, asset_id: str, sensor_id: str, from_ms: int, to_ms: int, max_points: int = 0
    ) -> list[model.HistoryPoint]:
        """Stored values of one sensor in [from_ms, to_ms], evenly thinned to max_points."""
        row = self.conn.execute(
            "SELECT sensor_key FROM sensors WHERE asset_id=? AND sensor_id=?", (asset_id, sensor_id)
        ).fetchone()
        if row is None:
            return []
        key = row[0]
        rows = self.conn.execute(
            "SELECT time_ms, value, status FROM readings WHERE sensor_key=? AND time_ms BETWEEN ? AND ?"
            " ORDER BY time_ms",
            (key, from_ms, to_ms),
        ).fetchall()
        # Older than retention: hourly averages (with the hour's worst status) from downsampling.
        raw_start = rows[0][0] if rows else to_ms + 1
        hourly = self.conn.execute(
            "SELECT hour_ms, sum_value / nullif(samples, 0), worst_status FROM readings_hourly"
            " WHERE sensor_key=? AND hour_ms BETWEEN ? AND ? AND hour_ms + 3600000 <= ?"
            " ORDER BY hour_ms",
            (key, from_ms - 3_600_000 + 1, to_ms, raw_start),
        ).fetchall()
        rows = hourly + rows
        if max_points and len(rows) > max_points:
            step = len(rows) / max_points
            rows = [rows[int(i * step)] for i in range(max_points)]
        return [model.HistoryPoint(t, v, model.Status(s)) for t, v, s in rows]

    def gaps(self, asset_id: str | None = None, from_ms: int = 0,
             to_ms: int = 2**62) -> list[model.Gap]:
        """Readings agents dropped unsent, overlapping [from_ms, to_ms] (of one asset, or all)."""
        sql = ("SELECT asset_id, from_ms, to_ms, readings_dropped, reason FROM gaps"
               " WHERE to_ms >= ? AND from_ms <= ?")
        params: list[Any] = [from_ms, to_ms]
        if asset_id is not None:
            sql += " AND asset_id=?"
            params.append(asset_id)
        return [model.Gap(*row) for row in self.conn.execute(sql + " ORDER BY from_ms", params)]

    def forget_asset(self, asset_id: str) -> dict[str, int]:
        """Remove a decommissioned asset with its sensors, readings, events, components, gaps and
        alerts; returns how many rows of each went (all zero: no such asset)."""
        sensors = "SELECT sensor_key FROM sensors WHERE asset_id=?"
        alerts = "SELECT alert_id FROM alerts WHERE asset_id=?"
        steps = (
            ("readings", f"DELETE FROM readings WHERE sensor_key IN ({sensors})"),
            ("hourly", f"DELETE FROM readings_hourly WHERE sensor_key IN ({sensors})"),
            ("latest", f"DELETE FROM latest WHERE sensor_key IN ({sensors})"),
            ("sensors", "DELETE FROM sensors WHERE asset_id=?"),
            ("events", "DELETE FROM events WHERE asset_id=?"),
            ("components", "DELETE FROM components WHERE asset_id=?"),
            ("component_history", "DELETE FROM component_history WHERE asset_id=?"),
            ("gaps", "DELETE FROM gaps WHERE asset_id=?"),
            ("alert_history", f"DELETE FROM alert_history WHERE alert_id IN ({alerts})"),
            ("alerts", "DELETE FROM alerts WHERE asset_id=?"),
            ("assets", "DELETE FROM assets WHERE asset_id=?"),
        )
        with self.transaction():
            counts = {name: self.conn.execute(sql, (asset_id,)).rowcount for name, sql in steps}
        for key in [k for k in self._sensor_keys if k[0] == asset_id]:
            del self._sensor_keys[key]
        return counts

    def count_readings(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM readings").fetchone()[0])

    def prune_readings(self, older_than_ms: int) -> int:
        """Retention: fold history older than the cutoff into hourly rows, then delete it."""
        cutoff = older_than_ms - older_than_ms % 3_600_000  # whole hours only
        with self.transaction():
            self.conn.execute(
                "INSERT INTO readings_hourly (sensor_key, hour_ms, samples, min_value, max_value,"
                " sum_value, worst_status) SELECT sensor_key, time_ms - time_ms % 3600000,"
                " count(value), min(value), max(value), sum(value), max(status) FROM readings"
                " WHERE time_ms < ? GROUP BY 1, 2 ON CONFLICT(sensor_key, hour_ms) DO UPDATE SET"
                " samples = samples + excluded.samples,"
                " min_value = min(coalesce(min_value, excluded.min_value), excluded.min_value),"
                " max_value = max(coalesce(max_value, excluded.max_value), excluded.max_value),"
                " sum_value = coalesce(sum_value, 0) + coalesce(excluded.sum_value, 0),"
                " worst_status = max(worst_status, excluded.worst_status)",
                (cutoff,),
            )
            cur = self.conn.execute("DELETE FROM readings WHERE time_ms < ?", (cutoff,))
        return cur.rowcount


def _asset_from_row(row: Sequence[Any]) -> model.Asset:
    try:
        kind = model.AssetKind(row[1])
    except ValueError:
        kind = model.AssetKind.OTHER
    return model.Asset(
        asset_id=row[0],
        kind=kind,
        name=row[2],
        vendor=row[3],
        model=row[4],
        serial=row[5],
        location=model.Location(site=row[6], room=row[7], rack=row[8], unit=row[9]),
        parent_id=row[10],
        labels=json.loads(row[11] or "{}"),
        flags=tuple(json.loads(row[12] or "[]")),
    )


def _component_from_row(row: Sequence[Any]) -> model.Component:
    return model.Component(
        component_id=row[0], asset_id=row[1], type=row[2], vendor=row[3], model=row[4],
        part_number=row[5], serial=row[6], firmware=row[7], description=row[8],
        capacity_bytes=row[9], fru=bool(row[10]), parent_component_id=row[11],
        labels=json.loads(row[12] or "{}"),
    )


def _reading_from_row(row: Sequence[Any]) -> model.Reading:
    try:
        kind = model.ReadingKind(row[2])
    except ValueError:
        kind = model.ReadingKind.OTHER
    return model.Reading(
        asset_id=row[0],
        sensor_id=row[1],
        kind=kind,
        value=row[3],
        unit=row[4],
        status=model.Status(row[5]),
        reason=row[6],
        time_unix_ms=row[7],
        name=row[8],
        labels=json.loads(row[9]) if row[9] else {},
    )


