"""The guarded switchover dialog and the progress text, without a controller: the dialog
returns the reason only for the exact group name, keys typed into it never trigger bindings,
and device- or user-supplied text is escaped."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Static

from hotspare.standby import (
    Drill,
    Reason,
    Switchover,
    SwitchoverMode,
    SwitchoverState,
    SwitchoverStep,
    Verdict,
)
from tests.helpers import pilot_wait
from tui.dialogs.switchover import ConfirmSwitchoverDialog, consequences
from tui.screens.failover import drill_text, drills_text, switchover_text

GROUP = "core-banking"


class DialogApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]  # like the real app: typing q in the dialog must not quit

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode
        self.results: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(ConfirmSwitchoverDialog(GROUP, self.mode, "srv-a", "srv-b"),
                         self.results.append)


async def test_dialog_needs_reason_and_exact_group_name() -> None:
    app = DialogApp("failover")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = app.screen
        assert isinstance(dialog, ConfirmSwitchoverDialog)
        what = str(dialog.query_one("#confirm-what", Static).render())
        assert "srv-a is POWERED OFF through its BMC, then srv-b promoted" in what
        error = dialog.query_one("#confirm-error", Static)
        await pilot.press("enter", "enter")  # no reason
        assert "reason is required" in str(error.render()) and app.results == []
        await pilot.press(*"quarterly: fsdh", "enter", *"Core-Banking", "enter")
        assert "does not match" in str(error.render()) and app.results == []
        assert app.is_running and app.screen is dialog
        dialog.query_one("#confirm-group").focus()
        await pilot.press(*["backspace"] * len(GROUP), *GROUP, "enter")
        await pilot_wait(lambda: app.results, pilot, 5)
        assert app.results == ["quarterly: fsdh"]


async def test_dialog_escape_cancels() -> None:
    app = DialogApp("planned")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"maint", "enter", *GROUP, "escape")
        await pilot_wait(lambda: app.results, pilot, 5)
        assert app.results == [None]


def test_consequences_in_plain_words() -> None:
    assert consequences("planned", "a", "b") == "a is demoted, b promoted."
    assert "switch over and back" in consequences("drill", "a", "b")
    assert "\x1b" not in consequences("failover", "evil\x1b[2J", "b")


def _sw(state: SwitchoverState, outcome: str = "", detail: str = "ok") -> Switchover:
    return Switchover("r1", GROUP, SwitchoverMode.FAILOVER, "op", "why", "srv-a", "srv-b", 2,
                      state, outcome_reason=outcome, requested_ms=1000, finished_ms=2500,
                      steps=(SwitchoverStep(1, "preflight", "done", 1000, 1010, "allowed"),
                             SwitchoverStep(2, "fence", "started", 1010, 0, detail)))


def test_progress_text_steps_final_states_and_escaping() -> None:
    text = switchover_text(_sw(SwitchoverState.RUNNING, detail="bmc\x1b[31m"), False, (),
                           now_ms=3010).plain
    lines = text.splitlines()
    assert lines[0].startswith("failover srv-a -> srv-b  epoch 2")
    assert lines[1].split()[:3] == ["preflight", "done", "0.01s"]
    assert lines[2].split()[:3] == ["fence", "started", "2.00s..."]
    assert "\x1b" not in text and "bmc\\x1b[31m" in text
    refused = switchover_text(_sw(SwitchoverState.REFUSED, "pre-flight refused"), False, (
        Reason("lag_missing", Verdict.NOT_READY, "no lag reading\x07", "srv-b"),)).plain
    assert " REFUSED  pre-flight refused" in refused
    assert "[not_ready] lag_missing: no lag reading\\x07" in refused
    blocked = switchover_text(_sw(SwitchoverState.BLOCKED, "power off not confirmed"), False,
                              ()).plain
    assert " BLOCKED " in blocked and "confirm-fenced core-banking" in blocked
    assert all(len(line) <= 80 for line in blocked.splitlines()[:3])


def test_drill_text_and_history() -> None:
    d = Drill("d-1", GROUP, "op\x1b", 1000, 4500, "succeeded",
              (_sw(SwitchoverState.DONE), _sw(SwitchoverState.DONE)))
    text = drill_text(d).plain
    assert " SUCCEEDED  in 3.50s" in text and "leg 2/2" in text
    listing = drills_text([d]).plain.splitlines()
    assert listing[1].split()[2:] == ["succeeded", "3.50s", "op\\x1b"]
    assert drills_text([]).plain == "no drills yet"
