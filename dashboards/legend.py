"""How the dashboards draw each class: colour, a fill pattern for printing, a symbol for tables.

Shared by the SVG charts, the heatmap's CSS classes and the legends, so a class looks the same
everywhere (and in the reports that reuse the charts).
"""

from __future__ import annotations

from dashboards.charts import Category
from dashboards.ontrack import Track
from reporting.results import TaskState

# Symbols say the class without colour: on screen, on paper, to a screen reader's user.
TRACK_SYMBOLS = {
    Track.ACHIEVED: "✓",
    Track.ON_TRACK: "↗",
    Track.AT_RISK: "!",
    Track.OFF_TRACK: "✗",
    Track.NOT_ASSESSABLE: "–",
    Track.NO_DATA: "?",
}


def track_categories() -> list[Category]:
    return [
        Category(Track.ACHIEVED.value, str(Track.ACHIEVED.label), "#1b7a3d"),
        Category(Track.ON_TRACK.value, str(Track.ON_TRACK.label), "#8fcf9f", "", "#0f3d1f"),
        Category(Track.AT_RISK.value, str(Track.AT_RISK.label), "#f0b429", "hatch", "#3d2a00"),
        Category(Track.OFF_TRACK.value, str(Track.OFF_TRACK.label), "#c0392b", "cross"),
        Category(
            Track.NOT_ASSESSABLE.value, str(Track.NOT_ASSESSABLE.label), "#c5ccd6", "", "#1d2733"
        ),
        Category(Track.NO_DATA.value, str(Track.NO_DATA.label), "#ffffff", "dots", "#1d2733"),
    ]


# The tasks board's columns: what needs attention first.
TASK_STATE_ORDER = [
    TaskState.OVERDUE,
    TaskState.IN_PROGRESS,
    TaskState.NOT_STARTED,
    TaskState.DONE_LATE,
    TaskState.DONE,
    TaskState.CANCELLED,
]
