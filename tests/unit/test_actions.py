"""Actions: command ids run once across restarts, older epochs refused, deadlines from receipt."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agent.actions import ActionContext, CommandJournal, Dispatcher, PowerAction
from agent.actions.base import deadline_from_receipt
from agent.epochs import EpochError, EpochStore, StaleEpoch
from hotspare import model

OUT = model.CommandOutcome


class _Bmc:
    """A stand-in BMC whose power follows set_power after `lag` reads."""

    address = "10.0.0.9:623"

    def __init__(self, state: str = "on", lag: int = 1) -> None:
        self.state, self.lag = state, lag
        self.sets: list[str] = []
        self._pending: tuple[str, int] | None = None

    async def power_state(self, timeout_seconds: float) -> str:
        if self._pending is not None:
            want, left = self._pending
            if left <= 0:
                self.state, self._pending = want, None
            else:
                self._pending = (want, left - 1)
        return self.state

    async def set_power(self, state: str, timeout_seconds: float) -> None:
        self.sets.append(state)
        self._pending = (state, self.lag)


class _Provider:
    def __init__(self, bmcs: dict[str, _Bmc]) -> None:
        self.bmcs = bmcs

    def bmc_handle(self, asset_id: str) -> _Bmc | None:
        return self.bmcs.get(asset_id)


def _command(cid: str = "c1", action: str = "power", power=model.PowerAction.OFF,
             group: str = "", epoch: int = 0, timeout: float = 5.0) -> model.Command:
    return model.Command(cid, "srv", 0, action, power if action == "power" else None, group,
                         epoch, "alice", timeout)


def _dispatcher(state: Path | None, bmc: _Bmc) -> Dispatcher:
    journal = CommandJournal(state / "commands.sqlite3" if state else None)
    epochs = EpochStore(state / "group-epochs.json" if state else None)
    return Dispatcher("agent-1", [PowerAction([_Provider({"srv": bmc})])], journal, epochs)


def test_actions_power_off_is_confirmed_by_read_back():
    bmc = _Bmc(lag=2)
    result = asyncio.run(_dispatcher(None, bmc).execute(_command()))
    assert result.outcome is OUT.CONFIRMED and result.power_state == "off" and bmc.sets == ["off"]
    assert "off_confirmed_after_seconds" in result.details


def test_actions_repeated_id_returns_the_first_result_across_a_restart(tmp_path):
    bmc = _Bmc()
    first = asyncio.run(_dispatcher(tmp_path, bmc).execute(_command("pw-1")))
    assert first.outcome is OUT.CONFIRMED and bmc.sets == ["off"]
    bmc.state = "on"  # someone switched it on by hand; the agent restarts
    again = asyncio.run(_dispatcher(tmp_path, bmc).execute(_command("pw-1")))
    assert again == first and bmc.sets == ["off"]  # never ran twice
    other = asyncio.run(_dispatcher(tmp_path, bmc).execute(_command("pw-2")))
    assert other.outcome is OUT.CONFIRMED and bmc.sets == ["off", "off"]


def test_actions_same_id_in_flight_runs_once():
    bmc = _Bmc(lag=3)

    async def run() -> tuple[model.CommandResult, model.CommandResult]:
        d = _dispatcher(None, bmc)
        return await asyncio.gather(d.execute(_command("x")), d.execute(_command("x")))

    a, b = asyncio.run(run())
    assert a == b and bmc.sets == ["off"]


def test_actions_command_interrupted_by_a_restart_is_not_run_again(tmp_path):
    journal = CommandJournal(tmp_path / "commands.sqlite3")
    assert asyncio.run(journal.begin(_command("half"))) is None  # the agent dies here
    journal.close()
    bmc = _Bmc()
    result = asyncio.run(_dispatcher(tmp_path, bmc).execute(_command("half")))
    assert result.outcome is OUT.ERROR and "not run again" in result.message and bmc.sets == []
    again = asyncio.run(_dispatcher(tmp_path, bmc).execute(_command("half")))
    assert again == result


def test_actions_journal_is_bounded(tmp_path, monkeypatch):
    import agent.actions.journal as journal_module

    monkeypatch.setattr(journal_module, "MAX_COMMANDS", 5)
    journal = CommandJournal(tmp_path / "commands.sqlite3")

    async def run() -> int:
        for i in range(12):
            await journal.begin(_command(f"c{i}"))
        return await journal.count()

    assert asyncio.run(run()) <= 6
    journal.close()


def test_actions_older_epoch_refused_also_after_restart(tmp_path):
    bmc = _Bmc()
    fence = _command("f-7", "fence", group="pair-1", epoch=7)
    assert asyncio.run(_dispatcher(tmp_path, bmc).execute(fence)).outcome is OUT.CONFIRMED
    stale = _command("f-6", "fence", group="pair-1", epoch=6)
    refused = asyncio.run(_dispatcher(tmp_path, bmc).execute(stale))  # a restarted agent
    assert refused.outcome is OUT.REFUSED and "epoch 6 is older than 7" in refused.message
    assert bmc.sets == ["off"]
    assert json.loads((tmp_path / "group-epochs.json").read_text()) == {"pair-1": 7}
    same = asyncio.run(_dispatcher(tmp_path, bmc).execute(
        _command("f-7b", "fence", group="pair-1", epoch=7)))
    assert same.outcome is OUT.CONFIRMED  # the same epoch: fence, then promote, say


def test_epochs_store_refuses_older_and_persists_newer(tmp_path):
    path = tmp_path / "e.json"
    store = EpochStore(path)
    store.admit("g", 3)
    with pytest.raises(StaleEpoch, match="epoch 2 is older than 3"):
        store.admit("g", 2)
    store.admit("g", 4)
    store.admit("h", 1)
    assert EpochStore(path).highest("g") == 4 and EpochStore(path).highest("h") == 1
    assert EpochStore(None).highest("g") == 0
    path.write_text("not json")
    with pytest.raises(EpochError, match="cannot read group epochs"):
        EpochStore(path)


def test_actions_deadline_counts_from_receipt_on_the_monotonic_clock():
    relative = _command(timeout=4.0)
    # the controller's wall clock is an hour off: it does not matter with timeout_seconds
    assert deadline_from_receipt(relative, 50.0, wall_now=1e9) == 54.0
    legacy = model.Command("c", "srv", 1_000_010_000, "power", model.PowerAction.STATUS)
    assert deadline_from_receipt(legacy, 50.0, wall_now=1_000_000.0) == pytest.approx(60.0)
    ctx = ActionContext(relative, 50.0, 54.0, monotonic=lambda: 55.0)
    assert ctx.remaining() == -1.0


def test_actions_passed_deadline_unknown_asset_and_unknown_action():
    bmc = _Bmc()
    d = _dispatcher(None, bmc)
    late = asyncio.run(d.execute(_command("late", timeout=0.0)))  # no timeout, deadline 1970
    assert late.outcome is OUT.ERROR and "deadline" in late.message and bmc.sets == []
    stranger = model.Command("s", "nobody", 0, "power", model.PowerAction.OFF,
                             timeout_seconds=5)
    assert "does not own" in asyncio.run(d.execute(stranger)).message
    promote = model.Command("p", "srv", 0, "promote", group_id="g", group_epoch=1,
                            timeout_seconds=5)
    assert asyncio.run(d.execute(promote)).outcome is OUT.REFUSED
