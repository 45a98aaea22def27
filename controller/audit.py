"""The audit trail (S7): every security-relevant act is recorded before it happens, or refused."""

from __future__ import annotations

import logging

from controller.auth.identity import current
from controller.store import Database
from controller.store.audit import AuditRecord, verify_chain
from hotspare.errors import HotSpareError

log = logging.getLogger("hotspare.controller.audit")


def _actor(claimed: str) -> str:
    """The authenticated caller; an unauthenticated local admin's claim is kept but marked."""
    ident = current()
    if ident is None or ident.kind == "agent":
        return claimed or "controller"
    if ident.kind == "local" and claimed and claimed not in (ident.name, "unknown"):
        return f"{claimed} via {ident.name}"
    return ident.name


class AuditError(HotSpareError):
    """The audit record could not be written, so the act it describes is refused (S7)."""


class Audit:
    """Appends through the writer thread; a failed append raises AuditError and nothing happens."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, action: str, target: str, reason: str = "",
                     outcome: str = "requested", actor: str = "") -> AuditRecord:
        """Record an act by `actor` (default: the authenticated caller) before doing it."""
        name = _actor(actor)
        try:
            return await self._db.write(
                lambda s: s.audit.append(name, action, target, reason, outcome))
        except Exception as exc:  # any failure to record refuses the act (S7)
            log.error("audit write failed for %s %s by %s: %s", action, target, name, exc)
            raise AuditError(f"audit write failed ({exc}); {action} of {target or '-'} refused"
                             " (S7)") from None

    async def outcome(self, action: str, target: str, outcome: str, reason: str = "",
                      actor: str = "") -> None:
        """Record how an act ended; a failure here is logged (the act already happened)."""
        try:
            await self.record(action, target, reason, outcome, actor)
        except AuditError as exc:
            log.error("%s", exc)

    async def records(self, after_seq: int = 0, limit: int = 0) -> list[AuditRecord]:
        return await self._db.read(lambda s: s.audit.records(after_seq, limit))

    async def verify(self) -> tuple[int, int, str, str]:
        """(records, first bad seq or 0, problem, head hash)."""
        rows = await self.records()
        bad, problem = verify_chain(rows)
        return len(rows), bad, problem, rows[-1].hash if rows else ""
