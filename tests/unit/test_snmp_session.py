"""Session walks over a scripted backend: termination, bounds and agents that go backwards."""

from __future__ import annotations

import asyncio

import pytest

from agent.collectors.snmp.ber import END
from agent.collectors.snmp.session import Session, SnmpError

COLUMN = "1.3.6.1.2.1.2.2.1.2"


class Table:
    """A GETBULK responder over a sorted table, optionally misbehaving."""

    def __init__(self, oids: dict[str, object], backwards: bool = False) -> None:
        self.oids = sorted(oids, key=lambda o: tuple(map(int, o.split("."))))
        self.values = oids
        self.backwards = backwards
        self.requests = 0

    def _next(self, oid: str) -> tuple[str, object]:
        key = tuple(map(int, oid.split(".")))
        for candidate in self.oids:
            if tuple(map(int, candidate.split("."))) > key:
                return candidate, self.values[candidate]
        return oid, END

    async def get(self, oids):
        return [(o, self.values.get(o)) for o in oids]

    async def bulk(self, oids, max_repetitions):
        self.requests += 1
        if self.backwards:  # every answer starts below what was asked: new OIDs, going down
            return [(f"{COLUMN}.{1000 - self.requests}", "x")]
        out = []
        current = list(oids)
        for _ in range(max_repetitions):
            for i, oid in enumerate(current):
                current[i], value = self._next(oid)
                out.append((current[i], value))
        return out

    def close(self):
        pass


def _rows(n: int, column: str = COLUMN) -> dict[str, object]:
    return {f"{column}.{i}": f"eth{i}" for i in range(1, n + 1)}


def test_session_walk_stays_in_its_subtree_and_stops_at_the_end():
    table = Table({**_rows(30), "1.3.6.1.2.1.2.2.1.3.1": 6})
    walked = asyncio.run(Session(table, 7).walk(COLUMN))
    assert walked == _rows(30)
    assert table.requests == 5  # 30 rows at 7 per request, the fifth leaves the subtree


def test_session_walk_columns_sizes_the_next_poll_by_the_rows_seen():
    other = "1.3.6.1.2.1.2.2.1.8"
    table = Table({**_rows(3), **{f"{other}.{i}": 1 for i in range(1, 4)}})
    session = Session(table, 25)
    first = asyncio.run(session.walk_columns([COLUMN, other]))
    assert len(first) == 6
    table.requests = 0
    again = asyncio.run(session.walk_columns([COLUMN, other]))
    assert again == first and table.requests == 1  # 3 rows + 1 asked: one request is enough


def test_session_walk_refuses_an_agent_going_backwards():
    table = Table({}, backwards=True)
    with pytest.raises(SnmpError) as caught:
        asyncio.run(Session(table, 10).walk(COLUMN))
    assert caught.value.kind == "bad" and "not increasing" in str(caught.value)
    assert table.requests <= 2


def test_session_walk_columns_drops_a_column_that_goes_backwards():
    table = Table({}, backwards=True)
    walked = asyncio.run(Session(table, 10).walk_columns([COLUMN]))
    assert table.requests <= 2 and len(walked) <= 1  # not 2,000 requests of new, smaller OIDs
