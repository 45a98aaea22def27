"""A sensor's history as a plotext chart: clock-time axis, threshold lines, bad readings marked."""

from __future__ import annotations

import time

from textual_plotext import PlotextPlot

from hotspare import history, model

# Plain colour names: they map onto the 16 ANSI colours, so a 16-colour terminal keeps them.
STATUS_COLOUR = {model.Status.WARNING: "yellow", model.Status.CRITICAL: "red",
                 model.Status.UNKNOWN: "magenta", model.Status.OK: "green"}
TICKS = 5


def tick_labels(window: history.Window) -> tuple[list[float], list[str]]:
    """Evenly spaced ticks in hours before the window's end, labelled with local clock time."""
    span_s = (window.to_ms - window.from_ms) / 1000
    fmt = "%H:%M" if span_s <= 2 * 86400 else "%d %b"
    positions = [-span_s / 3600 * (1 - i / (TICKS - 1)) for i in range(TICKS)]
    labels = [time.strftime(fmt, time.localtime(window.to_ms / 1000 + h * 3600))
              for h in positions]
    return positions, labels


class HistoryPlot(PlotextPlot):
    """Redraws from plain data with `show`; the axis runs in hours before now, labelled as times."""

    def show(self, points: list[model.HistoryPoint], window: history.Window, unit: str,
             lines: list[history.Threshold], alerts_started_ms: list[int]) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        def hours(t_ms: int) -> float:
            return (t_ms - window.to_ms) / 3_600_000

        known = [p for p in points if p.value is not None]
        if known:
            plt.plot([hours(p.time_unix_ms) for p in known], [p.value for p in known],
                     marker="braille", color="cyan", label=unit or None)
            for status in (model.Status.WARNING, model.Status.CRITICAL):
                bad = [p for p in known if p.status is status]
                if bad:
                    plt.scatter([hours(p.time_unix_ms) for p in bad], [p.value for p in bad],
                                marker="dot", color=STATUS_COLOUR[status],
                                label=status.label)
        for line in lines:
            plt.hline(line.value, STATUS_COLOUR[line.status])
        for started in alerts_started_ms:
            if window.from_ms <= started <= window.to_ms:
                plt.vline(hours(started), "red")
        values = [p.value for p in known if p.value is not None] + [t.value for t in lines]
        if values:
            low, high = min(values), max(values)
            pad = (high - low) * 0.1 or 1.0
            plt.ylim(low - pad, high + pad)
        plt.xlim(hours(window.from_ms), 0)
        plt.xticks(*tick_labels(window))
        if not known:
            plt.title("no stored values in this range")
        self.refresh()
