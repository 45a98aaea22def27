"""The command journal: written before sending, ids unique for ever, first result wins."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from controller.commands import CommandError, CommandRouter, Commands
from controller.store import CommandState, Database
from hotspare import model


def _cmd(command_id: str, action: model.PowerAction = model.PowerAction.OFF) -> model.Command:
    return model.Command(command_id, "bmc1", 0, "power", power_action=action, requested_by="ann")


async def _agent(queue: asyncio.Queue[model.Command], router: CommandRouter,
                 executed: list[str]) -> None:
    """A scripted agent: executes whatever arrives and reports it."""
    while True:
        command = await queue.get()
        executed.append(command.command_id)
        router.deliver(model.CommandResult(command.command_id, command.asset_id,
                                           model.CommandOutcome.CONFIRMED, "off", "off", 0.1))


async def test_command_journal_repeated_id_runs_once_across_a_restart(tmp_path: Path) -> None:
    executed: list[str] = []
    db = Database(tmp_path / "db.sqlite")
    router = CommandRouter()
    agent = asyncio.create_task(_agent(router.connect("ag"), router, executed))
    first = await Commands(db, router).run(_cmd("c-1"), "power", "ag", 5.0)
    assert first.outcome is model.CommandOutcome.CONFIRMED
    agent.cancel()
    db.close()

    db = Database(tmp_path / "db.sqlite")  # a controller restart
    router = CommandRouter()
    agent = asyncio.create_task(_agent(router.connect("ag"), router, executed))
    commands = Commands(db, router)
    again = await commands.run(_cmd("c-1"), "power", "ag", 5.0)
    assert again == first and executed == ["c-1"]
    with pytest.raises(CommandError, match="already used"):
        await commands.run(_cmd("c-1", model.PowerAction.ON), "power", "ag", 5.0)
    (record,) = await db.commands.commands("power")
    assert record.state == CommandState.DONE and record.requested_by == "ann"
    agent.cancel()
    db.close()


async def test_command_journal_interrupted_command_is_never_resent(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite")
    router = CommandRouter()
    router.connect("ag")  # an agent that never answers
    with pytest.raises(CommandError):
        await router.send("ag", _cmd("lost"), 0.0)
    task = asyncio.create_task(Commands(db, router).run(_cmd("c-2"), "power", "ag", 30.0))
    for _ in range(100):  # bounded: wait until the journal says it was sent
        await asyncio.sleep(0.01)
        rec = await db.commands.command("c-2")
        if rec is not None and rec.state == CommandState.SENT:
            break
    task.cancel()  # the controller dies before the result
    db.close()

    executed: list[str] = []
    db = Database(tmp_path / "db.sqlite")
    router = CommandRouter()
    agent = asyncio.create_task(_agent(router.connect("ag"), router, executed))
    result = await Commands(db, router).run(_cmd("c-2"), "power", "ag", 5.0)
    assert result.outcome is model.CommandOutcome.ERROR and "not sent again" in result.message
    assert executed == []
    # the agent's late result (after a restart) is journaled when it arrives
    router.deliver(model.CommandResult("c-2", "bmc1", model.CommandOutcome.CONFIRMED, "off"))
    for _ in range(100):
        await asyncio.sleep(0.01)
        rec = await db.commands.command("c-2")
        if rec is not None and rec.state == CommandState.DONE:
            break
    assert rec is not None and rec.outcome == "confirmed"
    agent.cancel()
    db.close()


async def test_command_journal_deadline_is_relative_and_monotonic(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite")
    router = CommandRouter()
    router.connect("ag")  # never answers
    loop = asyncio.get_running_loop()
    started = loop.time()
    # the wire deadline is far in the past: only the relative timeout counts
    result = await Commands(db, router).run(_cmd("c-3"), "power", "ag", 0.2)
    assert result.outcome is model.CommandOutcome.ERROR and "within 0.2s" in result.message
    assert 1.0 <= loop.time() - started < 3.0
    db.close()
