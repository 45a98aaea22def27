"""The fleet table's model: summaries by asset, an ordered index per sort mode, incremental search."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from hotspare import model

SortKey = tuple[object, ...]
SORT_MODES = ("asset", "problems")
BULK = 256  # more changes than this at once: re-sort instead of inserting one by one


def sort_key(s: model.AssetSummary, mode: str) -> SortKey:
    """Asset id order, or problems first: alert level, then worst status, then id."""
    if mode == "problems":
        return (s.alert_level or 9, -int(s.worst_status), s.asset.asset_id)
    return (s.asset.asset_id,)


def haystack(s: model.AssetSummary) -> str:
    """What a search looks in: id, name, kind, status, site, rack, model, vendor (lower case)."""
    a = s.asset
    return " ".join([a.asset_id, a.name, a.kind.value, s.worst_status.label, a.location.site,
                     a.location.rack, a.model, a.vendor]).lower()


def _terms(query: str) -> list[str]:
    return query.lower().split()


def _narrows(old: list[str], new: list[str]) -> bool:
    """Whether every match of new also matches old (each old term is inside some new term)."""
    return all(any(o in n for n in new) for o in old)


class FleetIndex:
    """Summaries kept in sort order with bisect; the matching set narrows as a query grows."""

    def __init__(self, mode: str = "asset") -> None:
        self.summaries: dict[str, model.AssetSummary] = {}
        self.mode = mode
        self._keys: dict[str, dict[str, SortKey]] = {m: {} for m in SORT_MODES}
        self._orders: dict[str, list[tuple[SortKey, str]]] = {m: [] for m in SORT_MODES}
        self._hay: dict[str, str] = {}
        self._terms: list[str] = []
        self._matching: set[str] = set()

    def __len__(self) -> int:
        return len(self.summaries)

    @property
    def query(self) -> str:
        return " ".join(self._terms)

    def _matches(self, asset_id: str) -> bool:
        hay = self._hay[asset_id]
        return all(t in hay for t in self._terms)

    def upsert(self, summaries: Iterable[model.AssetSummary]) -> set[str]:
        """Add or replace summaries; returns the ids whose summary actually changed."""
        fresh = [s for s in summaries if self.summaries.get(s.asset.asset_id) != s]
        bulk = len(fresh) > BULK
        for s in fresh:
            asset_id = s.asset.asset_id
            if not bulk:
                self._drop_order(asset_id)
            self.summaries[asset_id] = s
            for mode, order in self._orders.items():
                key = sort_key(s, mode)
                self._keys[mode][asset_id] = key
                if not bulk:
                    bisect.insort(order, (key, asset_id))
            self._hay[asset_id] = haystack(s)
            if self._matches(asset_id):
                self._matching.add(asset_id)
            else:
                self._matching.discard(asset_id)
        if bulk:  # one sort beats thousands of list inserts
            for mode in self._orders:
                self._orders[mode] = sorted((key, k) for k, key in self._keys[mode].items())
        return {s.asset.asset_id for s in fresh}

    def remove(self, asset_ids: Iterable[str]) -> None:
        for asset_id in asset_ids:
            if asset_id in self.summaries:
                self._drop_order(asset_id)
                del self.summaries[asset_id], self._hay[asset_id]
                self._matching.discard(asset_id)

    def _drop_order(self, asset_id: str) -> None:
        for mode, order in self._orders.items():
            key = self._keys[mode].pop(asset_id, None)
            if key is not None:
                i = bisect.bisect_left(order, (key, asset_id))
                if i < len(order) and order[i][1] == asset_id:
                    del order[i]

    def set_mode(self, mode: str) -> None:
        """Switch sort order: every order is kept up to date, so this costs nothing."""
        if mode not in self._orders:
            raise ValueError(f"unknown sort mode {mode!r}")
        self.mode = mode

    def set_query(self, query: str) -> None:
        """Filter; a query that only narrows the last one searches the last matches only."""
        terms = _terms(query)
        if terms == self._terms:
            return
        pool: Iterable[str] = (self._matching if self._terms and _narrows(self._terms, terms)
                               else self.summaries)
        self._terms = terms
        self._matching = {k for k in pool if self._matches(k)}

    def ordered(self) -> list[tuple[SortKey, str]]:
        """Every asset (matching or not) in the current sort order."""
        return self._orders[self.mode]

    def visible(self) -> list[str]:
        """Matching asset ids in the current sort order."""
        order = self._orders[self.mode]
        if len(self._matching) == len(self.summaries):
            return [k for _, k in order]
        matching = self._matching
        return [k for _, k in order if k in matching]
