"""Geometry of the dashboard's SVG bar charts, drawn by templates on the server.

No JavaScript and no external library: the page stays readable on a phone, in print and
under a strict Content-Security-Policy. Sizes are in the SVG's own units; the SVG scales to
the width of its container, so the viewBox is kept narrow enough for a phone screen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from aid.money import thousands

WIDTH = 420


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    gridlines: list[float] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.bars


def horizontal_bars(
    rows: list[tuple[str, list[int]]], series: list[tuple[str, str]], *, label_width: int = 120
) -> Chart:
    """One group of bars per row (e.g. a kecamatan), one bar per series (css class, name).

    Each bar is labelled with its value, so the chart reads without a scale.
    """
    bar_height, gap, group_gap = 14, 2, 10
    group = len(series) * (bar_height + gap) + group_gap
    chart = Chart(width=WIDTH, height=max(group * len(rows), group) + 4)
    peak = max((v for _, values in rows for v in values), default=0)
    room = WIDTH - label_width - 56  # leave space for the value after the longest bar
    for r, (name, values) in enumerate(rows):
        top = r * group + 2
        chart.labels.append(Label(label_width - 6, top + bar_height + 2, name, "end"))
        for s, ((css, series_name), value) in enumerate(zip(series, values, strict=True)):
            y = top + s * (bar_height + gap)
            length = room * value / peak if peak else 0
            chart.bars.append(
                Bar(
                    label_width,
                    y,
                    round(max(length, 1 if value else 0), 1),
                    bar_height,
                    css,
                    f"{name} – {series_name}: {thousands(value)}",
                )
            )
            chart.labels.append(
                Label(label_width + length + 4, y + bar_height - 2, thousands(value))
            )
    return chart


def columns_per_day(points: list[tuple[datetime.date, int]], *, css: str) -> Chart:
    """A column per day; the tallest column and every few days are labelled."""
    top, bottom, left = 18, 30, 4
    chart = Chart(width=WIDTH, height=200)
    if not points:
        return chart
    plot_height = chart.height - top - bottom
    step = min((WIDTH - 2 * left) / len(points), 28)  # a few days do not make fat columns
    peak = max(value for _, value in points) or 1
    every = max(1, round(len(points) / 6))
    peak_labelled = False
    for i, (day, value) in enumerate(points):
        height = plot_height * value / peak
        x = left + i * step
        chart.bars.append(
            Bar(
                round(x + step * 0.1, 1),
                round(top + plot_height - height, 1),
                round(max(step * 0.8, 1), 1),
                round(height, 1),
                css,
                f"{day:%d-%m-%Y}: {thousands(value)}",
            )
        )
        if i % every == 0:
            chart.labels.append(
                Label(round(x + step / 2, 1), chart.height - 10, f"{day:%d/%m}", "middle")
            )
        if value == peak and not peak_labelled:
            peak_labelled = True
            chart.labels.append(Label(round(x + step / 2, 1), top - 4, thousands(value), "middle"))
    chart.gridlines = [top + plot_height]
    return chart
