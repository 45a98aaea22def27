"""Fan-out of "these assets changed" to live watchers (WatchFleet), bounded per watcher."""

from __future__ import annotations

import asyncio


class FleetHub:
    """Each watcher gets a set of changed asset ids; a slow watcher's changes coalesce."""

    def __init__(self) -> None:
        self._watchers: dict[int, tuple[set[str], asyncio.Event]] = {}
        self._next = 0

    def subscribe(self) -> int:
        self._next += 1
        self._watchers[self._next] = (set(), asyncio.Event())
        return self._next

    def unsubscribe(self, token: int) -> None:
        self._watchers.pop(token, None)

    def publish(self, asset_ids: set[str]) -> None:
        if not asset_ids:
            return
        for pending, event in self._watchers.values():
            pending.update(asset_ids)
            event.set()

    async def next_changes(self, token: int) -> set[str]:
        """Wait for changes, then return and clear them."""
        pending, event = self._watchers[token]
        await event.wait()
        event.clear()
        changed = set(pending)
        pending.clear()
        return changed

    @property
    def watcher_count(self) -> int:
        return len(self._watchers)
