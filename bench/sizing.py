"""Disk sizing: bytes on disk per stored reading of a controller database (run it on a copy)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(db: Path) -> dict[str, float]:
    """Whole file (+WAL) and the history tables' own pages (dbstat), per stored reading."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        readings = conn.execute("SELECT count(*) FROM readings").fetchone()[0]
        sensors = conn.execute("SELECT count(*) FROM sensors").fetchone()[0]
        span = conn.execute("SELECT (max(time_ms) - min(time_ms)) / 1000.0 FROM readings"
                            ).fetchone()[0] or 0.0
        pages = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    finally:
        conn.close()
    file_bytes = db.stat().st_size + (Path(f"{db}-wal").stat().st_size
                                      if Path(f"{db}-wal").exists() else 0)
    history = pages.get("readings", 0)
    return {"readings": readings, "sensors": sensors, "span_seconds": span,
            "file_bytes": file_bytes, "readings_table_bytes": history,
            "file_bytes_per_reading": file_bytes / readings if readings else float("nan"),
            "history_bytes_per_reading": history / readings if readings else float("nan")}


def hourly_row_bytes(db: Path) -> tuple[int, float]:
    """Fold a copy's whole history into hourly rows (what retention does); bytes per hourly row."""
    from controller.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.sqlite"
        src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.close()
        store = Store(copy)
        store.fleet.prune_readings(int(time.time() * 1000) + 3_600_000)
        rows = store.conn.execute("SELECT count(*) FROM readings_hourly").fetchone()[0]
        size = store.conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name='readings_hourly'").fetchone()[0] or 0
        store.close()
    return rows, size / rows if rows else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database", type=Path, help="hotspare.sqlite (a copy or a backup)")
    args = parser.parse_args()
    if not args.database.exists():
        sys.exit(f"{args.database}: no such file")
    m = measure(args.database)
    print(f"{m['readings']:,} readings of {m['sensors']:,} sensors over {m['span_seconds']:,.0f} s")
    print(f"file (+WAL): {m['file_bytes']:,} bytes = {m['file_bytes_per_reading']:.1f} bytes/reading")
    print(f"readings table: {m['readings_table_bytes']:,} bytes = "
          f"{m['history_bytes_per_reading']:.1f} bytes/reading")
    rows, per_row = hourly_row_bytes(args.database)
    print(f"after retention (history folded into hourly rows, on a copy): {rows:,} hourly rows,"
          f" {per_row:.1f} bytes each")


if __name__ == "__main__":
    main()
