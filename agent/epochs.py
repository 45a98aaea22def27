"""The highest group epoch this agent has seen, persisted: commands of older epochs are refused (S1)."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger("hotspare.agent.epochs")
MAX_GROUPS = 10_000  # bounded: an agent is a member of a handful of groups


class EpochError(Exception):
    """The epoch file cannot be read or written; actions carrying an epoch are refused."""


class StaleEpoch(EpochError):
    """A command carries an older epoch than one already seen for its group."""

    def __init__(self, group_id: str, epoch: int, highest: int) -> None:
        super().__init__(f"group {group_id!r}: epoch {epoch} is older than {highest}, already "
                         "seen; a newer controller decision exists")
        self.group_id, self.epoch, self.highest = group_id, epoch, highest


class EpochStore:
    """Group id -> highest epoch, in one JSON file written atomically (fsync, rename).

    `admit` raises for an older epoch and records a newer one before returning, so an action of
    epoch N runs only after N is on disk: after a restart the agent still refuses N-1.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._highest: dict[str, int] = self._load() if path is not None else {}

    def _load(self) -> dict[str, int]:
        assert self._path is not None
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise EpochError(f"{self._path}: cannot read group epochs: {exc}") from None
        if not isinstance(data, dict) or not all(
                isinstance(k, str) and isinstance(v, int) for k, v in data.items()):
            raise EpochError(f"{self._path}: not a map of group id to epoch")
        return dict(data)

    def highest(self, group_id: str) -> int:
        with self._lock:
            return self._highest.get(group_id, 0)

    def admit(self, group_id: str, epoch: int) -> None:
        """Accept `epoch` for `group_id` (equal or newer) or raise StaleEpoch."""
        with self._lock:
            highest = self._highest.get(group_id, 0)
            if epoch < highest:
                raise StaleEpoch(group_id, epoch, highest)
            if epoch == highest and group_id in self._highest:
                return
            if group_id not in self._highest and len(self._highest) >= MAX_GROUPS:
                raise EpochError(f"more than {MAX_GROUPS} groups; refusing {group_id!r}")
            updated = {**self._highest, group_id: epoch}
            self._save(updated)
            self._highest = updated
            log.info("group %s: epoch %d (was %d)", group_id, epoch, highest)

    def _save(self, data: dict[str, int]) -> None:
        if self._path is None:
            return
        tmp = self._path.with_suffix(".tmp")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(data, f, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            tmp.replace(self._path)
        except OSError as exc:
            raise EpochError(f"{self._path}: cannot save group epochs: {exc}") from None
