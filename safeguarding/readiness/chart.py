"""A behaviour's importance and confidence rulers over time (core.charts draws it).

The two lines differ in dash and marker shape as well as colour: importance blue, solid, round markers;
confidence black, dashed, square markers.
"""

from __future__ import annotations

from safeguarding.core.charts import BLACK, BLUE, Chart, line_chart, trend

IMPORTANCE_COLOUR = BLUE
CONFIDENCE_COLOUR = BLACK


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
            f"{span}. Importance {trend(first.importance, last.importance)}; confidence "
            f"{trend(first.confidence, last.confidence)}. Latest stage: {last.stage_label}. "
            "The table beside the chart lists every reading."
        )
    else:
        description = (
            f"{span}: importance {last.importance}, confidence {last.confidence}, stage {last.stage_label}."
        )
    return line_chart(
        title=f"{behaviour}: {adult_name}'s importance and confidence, 0 to 10",
        description=description,
        dates=[r.recorded_on for r in readings],
        series=[
            ("Importance", IMPORTANCE_COLOUR, "", "circle", [r.importance for r in readings]),
            ("Confidence", CONFIDENCE_COLOUR, "8 5", "square", [r.confidence for r in readings]),
        ],
        y_min=0,
        y_max=10,
        y_step=2,
    )
