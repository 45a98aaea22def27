"""A database written by a newer HotSpare is refused, never migrated or written by an older one."""

from __future__ import annotations

import sqlite3

import pytest

from controller.store import Store, StoreError
from controller.store.schema import MIGRATIONS


def test_schema_guard_refuses_a_newer_database(tmp_path) -> None:
    path = tmp_path / "hotspare.sqlite"
    store = Store(path)
    store.migrate()
    store.close()
    newer = max(v for v, _ in MIGRATIONS) + 1
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (?, 0)", (newer,))
    store = Store(path)
    try:
        with pytest.raises(StoreError, match=f"newer HotSpare \\(schema version {newer}"):
            store.migrate()
    finally:
        store.close()


def test_schema_guard_lets_the_same_version_through(tmp_path) -> None:
    path = tmp_path / "hotspare.sqlite"
    for _ in range(2):
        store = Store(path)
        assert store.migrate() == max(v for v, _ in MIGRATIONS)
        store.close()
