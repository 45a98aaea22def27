"""safe_text escapes what a terminal would act on; spans and thresholds for history."""

from __future__ import annotations

import pytest

from hotspare import history, model
from hotspare.render import safe_text


def test_safe_text_escapes_control_characters():
    assert safe_text("evil\x1b[31m\x07\n\t") == "evil\\x1b[31m\\x07\\n\\t"
    assert safe_text("rtl\u202eoverride") == "rtl\\u202eoverride"
    assert safe_text("plain name") == "plain name"


def test_safe_text_cuts_long_names_with_an_ellipsis():
    out = safe_text("x" * 300, 20)
    assert len(out) == 20 and out.endswith("\u2026")
    assert safe_text("short", 20) == "short"


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("10m", 600), ("24h", 86400),
                                                ("7d", 604800), ("1.5h", 5400)])
def test_history_parse_span(text, seconds):
    assert history.parse_span(text) == seconds


@pytest.mark.parametrize("text", ["", "10", "m", "-5m", "0h", "10y", "ten minutes"])
def test_history_parse_span_rejects(text):
    with pytest.raises(history.SpanError):
        history.parse_span(text)


def test_history_thresholds_from_device_labels_and_rules():
    r = model.Reading("a", "inlet", model.ReadingKind.TEMPERATURE, 70.0, "C",
                      labels={"upper_critical": "85", "upper_non_critical": "75",
                              "threshold_source": "bmc", "lower_critical": "junk"})
    alert = model.AlertView("x", "hot", 2, "a", "inlet", "firing", 0, threshold="80")
    same = model.AlertView("y", "hot2", 1, "a", "inlet", "firing", 0, threshold="85")
    lines = history.thresholds(r, [alert, same])
    assert [(t.value, t.status) for t in lines] == [
        (85.0, model.Status.CRITICAL), (75.0, model.Status.WARNING),
        (80.0, model.Status.WARNING)]
    assert history.thresholds(None, []) == []
