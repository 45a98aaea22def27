"""A small modal that asks for one or two lines of text and returns them (or None if cancelled)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label


class PromptDialog(ModalScreen[list[str] | None]):
    """Ask for values; Enter in the last field or OK submits, Escape cancels."""

    DEFAULT_CSS = """
    PromptDialog { align: center middle; }
    PromptDialog > Vertical { width: 70; height: auto; border: thick $primary; padding: 1 2;
                              background: $surface; }
    PromptDialog Input { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields  # (placeholder, default)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            for i, (placeholder, default) in enumerate(self.fields):
                yield Input(value=default, placeholder=placeholder, id=f"field{i}")
            yield Button("OK", variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#field0", Input).focus()

    def _values(self) -> list[str]:
        return [self.query_one(f"#field{i}", Input).value for i in range(len(self.fields))]

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(self._values())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        last = f"field{len(self.fields) - 1}"
        if event.input.id == last:
            self.dismiss(self._values())
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)
