"""Every colour the TUI gives meaning to is one of the 16 ANSI colours, so a 16-colour terminal
(or a `TERM=xterm` SSH session) shows the same distinctions, and every mark is also a word."""

from __future__ import annotations

from rich.color import ColorType
from rich.style import Style

from hotspare import model, render
from tui.marks import LEVEL_STYLE, legend
from tui.widgets.history_plot import STATUS_COLOUR

ANSI_NAMES = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"}


def _ansi_only(style: Style) -> bool:
    return all(c is None or c.type in (ColorType.STANDARD, ColorType.DEFAULT)
               for c in (style.color, style.bgcolor))


def test_status_and_level_styles_use_ansi_colours_only():
    for text in [render.status_text(s) for s in model.Status]:
        assert _ansi_only(Style.parse(str(text.style))), text
    for style in LEVEL_STYLE.values():
        assert _ansi_only(Style.parse(style)), style


def test_plot_colours_are_ansi_names():
    assert set(STATUS_COLOUR.values()) <= ANSI_NAMES


def test_status_marks_differ_in_words_not_only_colour():
    words = [render.status_text(s).plain for s in model.Status]
    assert len(set(words)) == len(words)
    assert all(str(mark) for mark, _ in legend())
