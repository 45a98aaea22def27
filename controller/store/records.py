"""Records the store hands out and takes in (besides the shared domain records)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hotspare import model
from hotspare.errors import HotSpareError


class StoreError(HotSpareError):
    """The database cannot be opened, migrated or written."""


@dataclass(frozen=True, slots=True)
class IngestItem:
    """One wire batch, already validated and converted."""

    agent_id: str
    epoch: int
    seq: int
    batch: model.Batch
    dropped_batches_total: int = 0


@dataclass(slots=True)
class IngestResult:
    """What one ingest transaction did."""

    highest_seq: dict[tuple[str, int], int] = field(default_factory=dict)
    stored_items: int = 0
    duplicate_items: int = 0
    readings_stored: int = 0
    changed_assets: set[str] = field(default_factory=set)
    stored_readings: list[model.Reading] = field(default_factory=list)
    replaced_components: list[ComponentRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AgentRow:
    """An agent as stored."""

    agent_id: str
    hostname: str
    version: str
    collectors: str
    interval_seconds: float
    first_seen_ms: int
    last_seen_ms: int
    dropped_batches_total: int
    host_asset_id: str = ""


@dataclass(frozen=True, slots=True)
class ComponentRecord:
    """One part in one slot for a span of time: current (removed_ms 0) or replaced."""

    component: model.Component
    first_seen_ms: int
    last_seen_ms: int
    removed_ms: int = 0
    replaced_by_serial: str = ""
    last_verdict: str = ""

    @property
    def current(self) -> bool:
        return self.removed_ms == 0


class CommandState:
    """Where a journaled command is: written before it is sent, finished with a result."""

    REQUESTED = "requested"
    SENT = "sent"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """A journaled command and, once known, its result."""

    command_id: str
    kind: str
    asset_id: str
    agent_id: str
    action: str
    requested_by: str
    requested_ms: int
    timeout_seconds: float = 0.0
    group_id: str = ""
    group_epoch: int = 0
    state: str = CommandState.REQUESTED
    outcome: str = ""
    message: str = ""
    power_state: str = ""
    elapsed_seconds: float = 0.0
    finished_ms: int = 0
    details: dict[str, str] = field(default_factory=dict)

    def result(self) -> model.CommandResult | None:
        """The stored result as the agent reported it, or None while still open."""
        if self.state != CommandState.DONE or not self.outcome:
            return None
        return model.CommandResult(
            self.command_id, self.asset_id, model.CommandOutcome(self.outcome), self.message,
            self.power_state, self.elapsed_seconds, self.finished_ms, dict(self.details))
