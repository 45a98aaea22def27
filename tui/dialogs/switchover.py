"""Guarded switchover: names the group, the mode and what will happen; proceeds only when the
operator gives a reason and types the group name exactly. Returns the reason, or None."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from hotspare.render import safe_text

MODE_TITLES = {"planned": "PLANNED SWITCHOVER", "failover": "FAILOVER", "drill": "DRILL"}


def consequences(mode: str, active: str, standby: str) -> str:
    """What the operation does, in plain words (names already escaped by the caller or not)."""
    a, s = safe_text(active or "the active member"), safe_text(standby or "the standby member")
    if mode == "planned":
        return f"{a} is demoted, {s} promoted."
    if mode == "failover":
        return f"{a} is POWERED OFF through its BMC, then {s} promoted."
    return (f"Drill: switch over and back ({a} demoted, {s} promoted, then back again); "
            "timed and recorded.")


class ConfirmSwitchoverDialog(ModalScreen[str | None]):
    """Reason + the group name typed exactly; Escape cancels and nothing is sent."""

    DEFAULT_CSS = """
    ConfirmSwitchoverDialog { align: center middle; }
    ConfirmSwitchoverDialog > Vertical { width: 76; max-width: 100%; height: auto;
                                         max-height: 100%; border: thick $error;
                                         padding: 0 1; background: $surface; }
    ConfirmSwitchoverDialog #confirm-title { text-style: bold; }
    ConfirmSwitchoverDialog #confirm-what { margin-bottom: 1; }
    ConfirmSwitchoverDialog #confirm-error { color: $error; text-style: bold; height: auto; }
    ConfirmSwitchoverDialog Horizontal { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, group: str, mode: str, active: str, standby: str) -> None:
        super().__init__()
        self.group = group
        self.mode = mode
        self.active = active
        self.standby = standby

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{MODE_TITLES.get(self.mode, self.mode.upper())} of group "
                        f"{safe_text(self.group)}", id="confirm-title", markup=False)
            yield Static(consequences(self.mode, self.active, self.standby), id="confirm-what",
                         markup=False)
            yield Input(placeholder="reason (required, recorded)", id="confirm-reason")
            yield Label(f"Type the group name ({safe_text(self.group)}) to confirm; "
                        "Esc cancels.", markup=False)
            yield Input(placeholder=safe_text(self.group), id="confirm-group")
            yield Static("", id="confirm-error", markup=False)
            yield Button("Confirm", variant="error", id="confirm-ok")

    def on_mount(self) -> None:
        self.query_one("#confirm-reason", Input).focus()

    def _try_confirm(self) -> None:
        reason = self.query_one("#confirm-reason", Input).value.strip()
        typed = self.query_one("#confirm-group", Input).value
        error = self.query_one("#confirm-error", Static)
        if not reason:
            error.update("A reason is required.")
            self.query_one("#confirm-reason", Input).focus()
        elif typed != self.group:
            error.update("The group name does not match; nothing was sent.")
            self.query_one("#confirm-group", Input).focus()
        else:
            self.dismiss(reason)

    @on(Button.Pressed, "#confirm-ok")
    def _ok(self) -> None:
        self._try_confirm()

    @on(Input.Submitted, "#confirm-reason")
    def _reason_submitted(self) -> None:
        self.query_one("#confirm-group", Input).focus()

    @on(Input.Submitted, "#confirm-group")
    def _group_submitted(self) -> None:
        self._try_confirm()

    def action_cancel(self) -> None:
        self.dismiss(None)
