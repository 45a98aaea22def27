"""An agent writes only the assets it owns: owners are pinned at first registration."""

from __future__ import annotations

from collections.abc import Iterable

from controller.store import Database
from hotspare.v1 import agent_pb2


def batch_assets(batch: agent_pb2.ReadingBatch) -> set[str]:
    """Every asset a batch writes: readings, asset records, events, gaps."""
    ids = {r.asset_id for r in batch.readings}
    ids.update(a.asset_id for a in batch.assets)
    ids.update(e.asset_id for e in batch.events)
    ids.update(g.asset_id for g in batch.gaps)
    ids.discard("")
    return ids


class Ownership:
    """A cache of asset -> owning agent in front of the store; misses are read once."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._owner: dict[str, str] = {}

    async def foreign(self, agent_id: str, asset_ids: Iterable[str]) -> dict[str, str]:
        """The assets among `asset_ids` owned by another agent (asset -> owner); new ones are
        claimed for `agent_id`."""
        ids = set(asset_ids)
        missing = [a for a in ids if a not in self._owner]
        if missing:
            found = await self._db.read(lambda s: s.ownership.owners(missing))
            for a in missing:
                self._owner[a] = found.get(a) or agent_id
        return {a: self._owner[a] for a in ids if self._owner[a] not in (agent_id, "")}
