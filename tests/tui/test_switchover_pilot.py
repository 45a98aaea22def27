"""Pilot test: a guarded switchover from the TUI against real processes (controller, member
agents, ipmi_sim BMCs); a wrong group name sends nothing, the right one switches with live
progress, and the drill list opens."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Static

from hotspare.standby import Verdict
from tests.helpers import cli_json, pilot_wait, wait_for
from tests.standby_pair import Pair, running_pair
from tui.app import HotSpareApp
from tui.dialogs.switchover import ConfirmSwitchoverDialog
from tui.screens.failover import FailoverScreen, GroupScreen
from tui.screens.fleet import FleetScreen

pytestmark = pytest.mark.integration

GROUP = "core-banking"


def _roles(pair: Pair) -> dict[str, str]:
    return {m["asset_id"]: m["role"] for m in pair.show()["members"]}  # type: ignore[attr-defined]


def _history(pair: Pair) -> list[dict[str, object]]:
    return list(cli_json("failover", "history", GROUP, "--controller",
                         pair.controller.address)["switchovers"])


async def test_tui_guarded_switchover_with_live_progress(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_pair(tmp_path, monkeypatch) as pair:
        await asyncio.to_thread(pair.wait_verdict, "ready", None, 40)
        assert _roles(pair) == {"srv-a": "active", "srv-b": "standby"}
        app = HotSpareApp(pair.controller.address)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
            await pilot.press("F")
            await pilot_wait(lambda: isinstance(app.screen, FailoverScreen), pilot)
            failover = app.screen
            assert isinstance(failover, FailoverScreen)
            await pilot_wait(lambda: GROUP in failover.groups, pilot, 20)
            await pilot.press("enter")
            await pilot_wait(lambda: isinstance(app.screen, GroupScreen), pilot)
            group = app.screen
            assert isinstance(group, GroupScreen)

            # a wrong group name: the dialog stays, says so; Esc cancels; nothing is sent
            await pilot.press("s")
            await pilot_wait(lambda: isinstance(app.screen, ConfirmSwitchoverDialog), pilot)
            dialog = app.screen
            what = str(dialog.query_one("#confirm-what", Static).render())
            assert "srv-a is demoted, srv-b promoted" in what
            await pilot.press(*"tui test", "enter", *"core-bank", "enter")
            assert isinstance(app.screen, ConfirmSwitchoverDialog)
            assert "does not match" in str(dialog.query_one("#confirm-error", Static).render())
            await pilot.press("escape")
            await pilot_wait(lambda: isinstance(app.screen, GroupScreen), pilot)
            assert not group.busy
            assert await asyncio.to_thread(_history, pair) == []

            # the group name typed exactly: it runs, step by step, to done. On this shared
            # machine an ipmi_sim BMC may miss a poll: pre-flight then refuses (correctly, and
            # shown with its reason); the operator retries, as here, at most three times.
            progress = group.query_one("#group-progress", Static)

            def text() -> str:
                return str(progress.render())

            def finished() -> bool:
                return any(w in text() for w in (" DONE ", " REFUSED ", " FAILED ", " BLOCKED ",
                                                  "error:"))

            refusals = 0
            for _ in range(3):
                await pilot_wait(lambda: failover.groups[GROUP].verdict is Verdict.READY,
                                 pilot, 40)
                await pilot.press("s")
                await pilot_wait(lambda: isinstance(app.screen, ConfirmSwitchoverDialog), pilot)
                await pilot.press(*"tui test", "enter", *GROUP, "enter")
                await pilot_wait(lambda: isinstance(app.screen, GroupScreen), pilot)
                await pilot_wait(lambda: not group.busy and finished(), pilot, 60)
                if " REFUSED " not in text():
                    break
                assert "pre-flight refused" in text() and "[not_ready]" in text(), text()
                refusals += 1
            lines = text().splitlines()
            assert " DONE " in text(), text()
            assert any(line.startswith("verify") and " done " in line for line in lines), text()
            assert "Traceback" not in text()
            assert not group.busy

            # past drills: none yet; the list opens and closes
            await pilot.press("h")
            drills = group.query_one("#group-drills", Static)
            await pilot_wait(lambda: "no drills yet" in str(drills.render()), pilot)
            await pilot.press("h")
            assert not group.query_one("#group-drills-box").display

            # a drill from the TUI: switch over and back, both legs shown, then listed
            await pilot_wait(lambda: failover.groups[GROUP].active == ("srv-b",)
                             and failover.groups[GROUP].verdict is Verdict.READY, pilot, 40)
            await pilot.press("d")
            await pilot_wait(lambda: isinstance(app.screen, ConfirmSwitchoverDialog), pilot)
            what = str(app.screen.query_one("#confirm-what", Static).render())
            assert "switch over and back" in what
            await pilot.press(*"tui drill", "enter", *GROUP, "enter")
            await pilot_wait(lambda: isinstance(app.screen, GroupScreen), pilot)
            await pilot_wait(lambda: any(w in text() for w in (" SUCCEEDED ", " FAILED ",
                                                               "error:")), pilot, 90)
            assert " SUCCEEDED " in text() and "leg 2/2" in text(), text()
            await pilot.press("h")
            await pilot_wait(lambda: "succeeded" in str(drills.render()), pilot)

        assert await asyncio.to_thread(
            wait_for, lambda: _roles(pair) == {"srv-a": "standby", "srv-b": "active"}, 15, 0.3)
        history = await asyncio.to_thread(_history, pair)
        mine = [h for h in history if not h["drill_id"]]
        assert [h["state"] for h in mine] == ["done"] + ["refused"] * refusals, history
        assert mine[0]["reason"] == "tui test" and mine[0]["mode"] == "planned"
        assert len(history) == len(mine) + 2  # and the drill's two legs
