"""A behaviour's importance and confidence rulers over time, drawn on the server as an inline SVG.

No JavaScript library and no `style` attributes (the Content-Security-Policy forbids inline styles): the
drawing is computed here and the template writes SVG elements whose look comes from presentation
attributes (stroke, fill, stroke-dasharray), which the policy allows. The two lines differ in dash and
marker shape as well as colour, so neither colour vision nor print in black and white is needed to tell
them apart. The chart is `role="img"` with a title and a description summarising it; the data table beside
it is the accessible source of the same readings (a chart alone is not accessible).
"""

from __future__ import annotations

from dataclasses import dataclass

# A small drawing, scaled to its column: its text stays readable beside the table (about 14px at half a
# desktop page). Room to the right for the last date's label.
WIDTH, HEIGHT = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 40, 40, 14, 62
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# GOV.UK colours: blue for importance, black for confidence (contrast on white above 4.5:1 for both).
IMPORTANCE_COLOUR = "#1d70b8"
CONFIDENCE_COLOUR = "#0b0c0c"
# Dates along the bottom: at most this many labelled, so they do not overlap at any width.
MAX_DATE_LABELS = 4


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int

    @property
    def corner_x(self) -> float:
        """A square marker's top-left corner (10 units a side)."""
        return self.x - 5

    @property
    def corner_y(self) -> float:
        return self.y - 5


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dash: str  # stroke-dasharray ("" for a solid line)
    marker: str  # "circle" or "square"
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    series: tuple[Series, ...]
    # (y, label) for 0, 2, 4, ... 10 on the left axis.
    y_ticks: tuple[tuple[float, str], ...]
    # (x, label, iso date) for the dates along the bottom.
    x_ticks: tuple[tuple[float, str, str], ...]
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def _y(value: int) -> float:
    return TOP + PLOT_H * (1 - value / 10)


def _x(index: int, count: int) -> float:
    if count == 1:
        return LEFT + PLOT_W / 2
    return LEFT + PLOT_W * index / (count - 1)


def _trend(first: int, last: int) -> str:
    if last > first:
        return f"rose from {first} to {last}"
    if last < first:
        return f"fell from {first} to {last}"
    return f"stayed at {last}"


def ruler_chart(behaviour: str, adult_name: str, readings) -> Chart:
    """The chart of one behaviour's readings (oldest first), evenly spaced by reading: a reading is taken
    about once a cycle, and the dates are labelled below."""
    count = len(readings)
    first, last = readings[0], readings[-1]
    span = (
        f"{count} readings from {first.recorded_on:%-d %B %Y} to {last.recorded_on:%-d %B %Y}"
        if count > 1
        else f"1 reading, on {first.recorded_on:%-d %B %Y}"
    )
    if count > 1:
        description = (
            f"{span}. Importance {_trend(first.importance, last.importance)}; confidence "
            f"{_trend(first.confidence, last.confidence)}. Latest stage: {last.stage_label}. "
            "The table beside the chart lists every reading."
        )
    else:
        description = (
            f"{span}: importance {last.importance}, confidence {last.confidence}, stage {last.stage_label}."
        )
    series = (
        Series(
            "Importance",
            IMPORTANCE_COLOUR,
            "",
            "circle",
            tuple(Point(_x(i, count), _y(r.importance), r.importance) for i, r in enumerate(readings)),
        ),
        Series(
            "Confidence",
            CONFIDENCE_COLOUR,
            "8 5",
            "square",
            tuple(Point(_x(i, count), _y(r.confidence), r.confidence) for i, r in enumerate(readings)),
        ),
    )
    step = max(1, -(-count // MAX_DATE_LABELS))  # ceiling division
    labelled = set(range(0, count, step)) | {count - 1}
    x_ticks = tuple(
        (_x(i, count), f"{r.recorded_on:%-d %b %y}", r.recorded_on.isoformat())
        for i, r in enumerate(readings)
        if i in labelled
    )
    return Chart(
        title=f"{behaviour}: {adult_name}'s importance and confidence, 0 to 10",
        description=description,
        width=WIDTH,
        height=HEIGHT,
        series=series,
        y_ticks=tuple((_y(v), str(v)) for v in range(0, 11, 2)),
        x_ticks=x_ticks,
    )
