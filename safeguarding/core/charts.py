"""Line charts of values over time, drawn on the server as an inline SVG (core/_line_chart.html).

No JavaScript library and no `style` attributes (the Content-Security-Policy forbids inline styles): the
drawing is computed here and the template writes SVG elements whose look comes from presentation
attributes (stroke, fill, stroke-dasharray), which the policy allows. Series differ in dash and marker
shape as well as colour, so neither colour vision nor print in black and white is needed to tell them
apart. Bands (a questionnaire's severity bands) are shaded behind the lines in greys that get darker up
the scale; the description names them, and the table beside the chart gives each score's band. The
chart is `role="img"` with a title and a description summarising it; the data table beside it is the
accessible source (a chart alone is not accessible).

Used by readiness (importance and confidence rulers, 0 to 10) and measures (a questionnaire's total
between its lowest and highest score, with its bands).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import mark_safe

# A small drawing, scaled to its column: its text stays readable beside the table (about 14px at half a
# desktop page). Room to the right for the last date's label.
WIDTH, HEIGHT = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 40, 40, 14, 62
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# Dates along the bottom: at most this many labelled, so they do not overlap at any width.
MAX_DATE_LABELS = 4
# GOV.UK colours: blue and black (contrast on white above 4.5:1 for both).
BLUE, BLACK = "#1d70b8", "#0b0c0c"
# Band shades, lightest first: light enough behind a black or blue line and its markers.
BAND_SHADES = ("#ffffff", "#f3f2f1", "#e8e7e6", "#dddcdb", "#d2d1d0", "#c7c6c5")


@functools.lru_cache(maxsize=4096)
def one_place(value: float) -> str:
    """A coordinate as the SVG writes it: Django's floatformat:"1u" (one decimal place, rounded half up, not
    localised), remembered per value. The template wrote each coordinate through the filter, and a page
    with a few charts spent more time there than in its queries; the text is the same."""
    return floatformat(value, "1u")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: object

    @property
    def corner_x(self) -> float:
        """A square marker's top-left corner (10 units a side)."""
        return self.x - 5

    @property
    def corner_y(self) -> float:
        return self.y - 5

    @property
    def x_text(self) -> str:
        return one_place(self.x)

    @property
    def y_text(self) -> str:
        return one_place(self.y)

    @property
    def corner_x_text(self) -> str:
        return one_place(self.corner_x)

    @property
    def corner_y_text(self) -> str:
        return one_place(self.corner_y)


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

    @property
    def markers_svg(self) -> str:
        """Each point's marker, written as the template's loop over the points wrote it (the same text and
        line breaks): a monthly chart has dozens of points, and the loop was most of a chart's rendering."""
        colour = escape(self.colour)
        if self.marker == "circle":
            made = (f'<circle cx="{p.x_text}" cy="{p.y_text}" r="6" fill="{colour}"/>' for p in self.points)
        else:
            made = (
                f'<rect x="{p.corner_x_text}" y="{p.corner_y_text}" width="10" height="10" fill="#ffffff" '
                f'stroke="{colour}" stroke-width="3"/>'
                for p in self.points
            )
        return mark_safe("".join(f"\n    {element}\n    " for element in made))  # noqa: S308 - escaped above


@dataclass(frozen=True)
class BandArea:
    y: float  # top edge
    height: float
    fill: str
    label: str

    @property
    def y_text(self) -> str:
        return one_place(self.y)

    @property
    def height_text(self) -> str:
        return one_place(self.height)


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    series: tuple[Series, ...]
    # (y, label) on the left axis.
    y_ticks: tuple[tuple[float, str], ...]
    # (x, label, iso date) for the dates along the bottom.
    x_ticks: tuple[tuple[float, str, str], ...]
    bands: tuple[BandArea, ...] = ()
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    # The key: one entry per series, unless a single series needs none (its title names it).
    show_key: bool = True
    # (x, label): a dated event drawn as a dashed upright line (the day a council started Family
    # Safeguarding); the description says it too.
    marks: tuple[tuple[float, str], ...] = ()

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    @property
    def y_tick_texts(self) -> tuple[tuple[str, str], ...]:
        """(y as the SVG writes it, label) for each tick on the left axis."""
        return tuple((one_place(y), label) for y, label in self.y_ticks)

    @property
    def x_tick_texts(self) -> tuple[tuple[str, str], ...]:
        """(x as the SVG writes it, label) for each date along the bottom."""
        return tuple((one_place(x), label) for x, label, _iso in self.x_ticks)

    @property
    def mark_texts(self) -> tuple[tuple[str, str], ...]:
        return tuple((one_place(x), label) for x, label in self.marks)


def trend(first, last, show=str) -> str:
    """How a value moved, compared as numbers and written by `show`: "rose from 4 to 7", "fell from 7 to 4",
    "stayed at 5"."""
    if last > first:
        return f"rose from {show(first)} to {show(last)}"
    if last < first:
        return f"fell from {show(first)} to {show(last)}"
    return f"stayed at {show(last)}"


def _x(index: int, count: int) -> float:
    if count == 1:
        return LEFT + PLOT_W / 2
    return LEFT + PLOT_W * index / (count - 1)


def _x_of_day(day: datetime.date, dates: Sequence[datetime.date]) -> float | None:
    """Where a day falls between the dated readings (linearly between its neighbours); None outside them."""
    count = len(dates)
    for index in range(count - 1):
        before, after = dates[index], dates[index + 1]
        if before <= day <= after:
            fraction = (day - before).days / ((after - before).days or 1)
            return _x(index, count) + fraction * (_x(index + 1, count) - _x(index, count))
    if count and day == dates[-1]:
        return _x(count - 1, count)
    return None


def line_chart(
    *,
    title: str,
    description: str,
    dates: Sequence[datetime.date],
    series: Sequence[tuple[str, str, str, str, Sequence]],
    y_min: float,
    y_max: float,
    y_step: float,
    bands: Sequence[tuple[float, float, str]] = (),
    show_key: bool = True,
    marks: Sequence[tuple[datetime.date, str]] = (),
) -> Chart:
    """A chart of values taken on `dates` (oldest first), evenly spaced by reading and dated below.

    `series` is (name, colour, dash, marker, values) with one value per date (None: no point); `bands` are
    (start, end, label) in the values' units, shaded from y_min up (each up to the next band's start)."""
    count = len(dates)
    span = y_max - y_min or 1

    def y_of(value) -> float:
        return TOP + PLOT_H * (1 - (float(value) - y_min) / span)

    drawn = tuple(
        Series(
            name,
            colour,
            dash,
            marker,
            tuple(Point(_x(i, count), y_of(v), v) for i, v in enumerate(values) if v is not None),
        )
        for name, colour, dash, marker, values in series
    )
    areas = []
    for index, (start, _end, label) in enumerate(bands):
        upper = bands[index + 1][0] if index + 1 < len(bands) else y_max
        lower = max(start, y_min)
        top, bottom = y_of(upper), y_of(lower)
        areas.append(BandArea(top, bottom - top, BAND_SHADES[min(index, len(BAND_SHADES) - 1)], label))
    step = max(1, -(-count // MAX_DATE_LABELS))  # ceiling division
    labelled = set(range(0, count, step)) | {count - 1}
    x_ticks = tuple(
        (_x(i, count), f"{day:%-d %b %y}", day.isoformat()) for i, day in enumerate(dates) if i in labelled
    )
    ticks = []
    value = y_min
    while value <= y_max + 1e-9:
        ticks.append((y_of(value), f"{value:g}"))
        value += y_step
    placed = tuple((x, label) for day, label in marks if (x := _x_of_day(day, dates)) is not None)
    return Chart(
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        series=drawn,
        y_ticks=tuple(ticks),
        x_ticks=x_ticks,
        bands=tuple(areas),
        show_key=show_key,
        marks=placed,
    )
