"""Drills: a planned switchover and the switch-back, timed step by step and recorded."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from controller.audit import AuditError
from controller.failover.switchover import SwitchoverError, Switchovers
from controller.store import Database
from hotspare.standby import Drill, Switchover, SwitchoverMode, SwitchoverState


class Drills:
    """Runs drills through the switchover machine; the last successful one feeds readiness."""

    def __init__(self, switchovers: Switchovers, db: Database) -> None:
        self._switchovers = switchovers
        self._db = db

    async def run(self, group: str, requested_by: str, reason: str,
                  progress: Callable[[Drill], None] | None = None) -> Drill:
        drill_id = f"drill-{secrets.token_hex(6)}"
        try:
            await self._switchovers.audit.record("drill.run", group, f"{drill_id}: {reason}",
                                                 actor=requested_by)
        except AuditError as exc:
            raise SwitchoverError(str(exc)) from None
        started = int(time.time() * 1000)
        done: list[Switchover] = []

        async def record(outcome: str, finished: int = 0) -> Drill:
            drill = Drill(drill_id, group, requested_by, started, finished, outcome, tuple(done))
            body = {"reason": reason, "switchovers": [s.request_id for s in done],
                    "total_seconds": drill.total_seconds if finished else None}
            await self._db.write(lambda s: s.failover.record_drill(
                drill_id, group, started, finished, outcome, requested_by, body))
            if progress is not None:
                progress(drill)
            return drill

        await record("running")
        why = f"drill {drill_id}: {reason or 'rehearsal'}"
        first, _ = await self._switchovers.request(group, SwitchoverMode.PLANNED, requested_by,
                                                   why + " (switch over)", drill_id=drill_id)
        done.append(first)
        await record("running")
        if first.state is SwitchoverState.DONE:
            back, _ = await self._switchovers.request(
                group, SwitchoverMode.PLANNED, requested_by, why + " (switch back)",
                to=first.from_member, drill_id=drill_id)
            done.append(back)
        ok = len(done) == 2 and all(s.state is SwitchoverState.DONE for s in done)
        return await record("succeeded" if ok else "failed", int(time.time() * 1000))

    async def history(self, group: str = "", limit: int = 50) -> list[Drill]:
        def read(store) -> list[Drill]:  # type: ignore[no-untyped-def]
            out = []
            for d in store.failover.drills(group, limit):
                ids = d["body"].get("switchovers", [])
                sws = tuple(sw for sw in (store.switchovers.get(i) for i in ids) if sw)
                out.append(Drill(d["drill_id"], d["group_id"], d["requested_by"],
                                 d["started_ms"], d["finished_ms"], d["outcome"], sws))
            return out

        return await self._db.read(read)
