"""Asset ownership SQL: which agent owns which asset (the assets table's agent_id)."""

from __future__ import annotations

from collections.abc import Sequence

from controller.store.sql import Sql


class OwnershipSql(Sql):
    """Owners of assets, looked up in chunks (SQLite's variable limit)."""

    def owners(self, asset_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        ids = list(asset_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out.update((str(a), str(g)) for a, g in self.conn.execute(
                f"SELECT asset_id, agent_id FROM assets WHERE asset_id IN ({marks})", chunk))
        return out
