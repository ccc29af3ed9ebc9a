"""Charts as SVG markup built on the server: the same function draws the dashboard and the report.

Pure functions returning safe markup, no JavaScript and no external assets. Every chart has a
<title> and <desc> (read by screen readers), writes its figures as text labels, and tells its
series apart by line style, marker and fill pattern as well as by colour, so that it reads on a
black-and-white printout. Figures are Decimal; only the drawing coordinates are floats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from communes.numbers import decimal_format_vi

FONT = 'font-family="Noto Sans, DejaVu Sans, Arial, sans-serif"'
INK, MUTED, GRID = "#1d2733", "#5b6776", "#d8dee6"


def number_label(value: Decimal | None, places: int = 1) -> str:
    """87.5 → "87,5"; 16.0000 → "16": the notation of Vietnamese documents."""
    if value is None:
        return "—"
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places))
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    return decimal_format_vi(rounded)


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _svg_open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{escape(chart_id)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" {FONT}>',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


@dataclass(frozen=True)
class Series:
    """One line of a line chart. `style` "actual" draws a solid line with dots and value labels,
    "path" a dashed line with hollow diamonds where `marks` is true (the printed targets)."""

    name: str
    values: Sequence[Decimal | None]
    style: str = "actual"
    marks: Sequence[bool] = ()


_LINE_STYLE = {
    "actual": {"colour": "#0b5cab", "dash": "", "width": 2.5},
    "path": {"colour": "#a15c00", "dash": ' stroke-dasharray="7 5"', "width": 2},
}


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    width: int = 720,
    height: int = 320,
) -> SafeString:
    """Values per period (x: `labels`) for each series; gaps where a value is None."""
    left, right, top, bottom = 56, 20, 44, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [float(v) for s in series for v in s.values if v is not None]
    low = min([0.0, *numbers])
    high = max([*numbers, 1.0])
    step = _nice_step(high - low)
    high = math.ceil(high / step) * step
    low = math.floor(low / step) * step if low < 0 else 0.0
    count = max(len(labels), 1)
    band = plot_w / count

    def x_at(index: int) -> float:
        return left + band * (index + 0.5)

    def y_at(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    parts = _svg_open(chart_id, title, description, width, height)
    parts.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>')
    # Horizontal grid with the scale.
    tick = low
    while tick <= high + step / 1000:
        y = y_at(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{_fmt(y + 4)}" font-size="12" fill="{MUTED}" '
            f'text-anchor="end">{escape(number_label(Decimal(str(tick))))}</text>'
        )
        tick += step
    if unit:
        parts.append(
            f'<text x="{left - 6}" y="{top - 14}" font-size="12" fill="{MUTED}" '
            f'text-anchor="end">{escape(unit)}</text>'
        )
    # Period labels: at most about 12, the last one always.
    every = max(1, math.ceil(count / 12))
    for index, label in enumerate(labels):
        if index % every and index != count - 1:
            continue
        x = x_at(index)
        parts.append(
            f'<text x="{_fmt(x)}" y="{height - bottom + 18}" font-size="12" fill="{INK}" '
            f'text-anchor="end" transform="rotate(-35 {_fmt(x)} {height - bottom + 18})">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y_at(low))}" y2="{_fmt(y_at(low))}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    # Legend: a sample of each line, named.
    legend_x = left
    for line in series:
        style = _LINE_STYLE.get(line.style, _LINE_STYLE["actual"])
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 28}" y1="14" y2="14" '
            f'stroke="{style["colour"]}" stroke-width="{style["width"]}"{style["dash"]}/>'
        )
        parts.append(_marker(line.style, legend_x + 14, 14, style["colour"]))
        parts.append(
            f'<text x="{legend_x + 34}" y="18" font-size="13" fill="{INK}">'
            f"{escape(line.name)}</text>"
        )
        legend_x += 44 + 7.5 * len(line.name)
    for line in series:
        style = _LINE_STYLE.get(line.style, _LINE_STYLE["actual"])
        runs, current = [], []
        for index, value in enumerate(line.values):
            if value is None:
                if current:
                    runs.append(current)
                current = []
            else:
                current.append((x_at(index), y_at(float(value))))
        if current:
            runs.append(current)
        for run in runs:
            points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{style["colour"]}" '
                f'stroke-width="{style["width"]}"{style["dash"]} stroke-linejoin="round"/>'
            )
        labelled = [i for i, v in enumerate(line.values) if v is not None]
        if line.style != "actual":
            labelled = [i for i in labelled if i < len(line.marks) and line.marks[i]]
        # Label every point when they fit, else every k-th one and the last.
        step = max(1, math.ceil(34 / band)) if line.style == "actual" else 1
        for position, index in enumerate(labelled):
            value = line.values[index]
            x, y = x_at(index), y_at(float(value))
            parts.append(_marker(line.style, x, y, style["colour"]))
            if position % step and index != labelled[-1]:
                continue
            dy = -9 if line.style == "actual" else 18
            parts.append(
                f'<text x="{_fmt(x)}" y="{_fmt(y + dy)}" font-size="12" font-weight="600" '
                f'fill="{style["colour"]}" text-anchor="middle" stroke="#fff" stroke-width="3" '
                f'paint-order="stroke">{escape(number_label(value))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()


def _marker(style: str, x: float, y: float, colour: str) -> str:
    if style == "actual":
        return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="4" fill="{colour}"/>'
    size = 5
    return (
        f'<path d="M{_fmt(x)} {_fmt(y - size)} L{_fmt(x + size)} {_fmt(y)} '
        f'L{_fmt(x)} {_fmt(y + size)} L{_fmt(x - size)} {_fmt(y)} Z" fill="#fff" '
        f'stroke="{colour}" stroke-width="2"/>'
    )


@dataclass(frozen=True)
class Category:
    """One kind of segment in a stacked bar: its key (CSS-safe), its name, its fill."""

    key: str
    label: str
    colour: str
    pattern: str = ""  # "", "hatch", "cross" or "dots": printable without colour
    ink: str = "#fff"  # text colour on the fill


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """Split `text` into at most `lines` lines of about `width` characters, "…" if cut."""
    words, result, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            result.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        result.append(current)
    if len(result) > lines:
        kept = result[: lines - 1]
        rest = " ".join(result[lines - 1 :])
        result = [*kept, rest[: max(1, width - 1)].rstrip() + "…"]
    return result or [""]


def _pattern_defs(chart_id: str, categories: Sequence[Category]) -> str:
    defs = []
    for category in categories:
        if not category.pattern:
            continue
        pid = f"{chart_id}-{category.key}"
        body = {
            "hatch": '<path d="M0 8 L8 0" stroke="#000" stroke-opacity="0.35" stroke-width="2"/>',
            "cross": (
                '<path d="M0 8 L8 0 M0 0 L8 8" stroke="#000" stroke-opacity="0.35" '
                'stroke-width="1.5"/>'
            ),
            "dots": '<circle cx="4" cy="4" r="1.4" fill="#000" fill-opacity="0.35"/>',
        }[category.pattern]
        defs.append(
            f'<pattern id="{escape(pid)}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{category.colour}"/>{body}</pattern>'
        )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _fill(chart_id: str, category: Category) -> str:
    if category.pattern:
        return f"url(#{escape(chart_id)}-{category.key})"
    return category.colour


def stacked_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[Category],
    rows: Sequence[tuple[str, Sequence[int]]],
    width: int = 640,
) -> SafeString:
    """One horizontal bar per row, split into its categories' counts, each segment labelled.

    The row's name sits above its bar (long Vietnamese group names fit on a phone), its total
    at the bar's end; the legend at the top names each category with its fill.
    """
    left, right = 8, 48
    legend_h, row_h, bar_h = 30, 50, 22
    legend_rows, x, legend_items = 1, left, []
    for category in categories:
        item_w = 26 + 7.2 * len(category.label) + 14
        if x + item_w > width - right and x > left:
            legend_rows += 1
            x = left
        legend_items.append((category, x, 16 + (legend_rows - 1) * 20))
        x += item_w
    top = legend_h + (legend_rows - 1) * 20
    plot_w = width - left - right
    # Long names (group titles run to 120 letters) wrap onto two lines, then end with "…".
    labels = [_wrap(label, int((width - left) / 8)) for label, _counts in rows]
    heights = [row_h + 17 * (len(lines) - 1) for lines in labels]
    height = top + sum(heights) + 8 if rows else top + row_h
    parts = _svg_open(chart_id, title, description, width, height)
    parts.append(_pattern_defs(chart_id, categories))
    parts.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>')
    for category, item_x, item_y in legend_items:
        parts.append(
            f'<rect x="{_fmt(item_x)}" y="{item_y - 11}" width="18" height="14" '
            f'fill="{_fill(chart_id, category)}" stroke="{MUTED}" stroke-width="0.8"/>'
        )
        parts.append(
            f'<text x="{_fmt(item_x + 24)}" y="{item_y}" font-size="13" fill="{INK}">'
            f"{escape(category.label)}</text>"
        )
    y = top
    for (label, counts), lines, row_height in zip(rows, labels, heights, strict=True):
        total = sum(counts)
        parts.append(
            f'<text x="{left}" y="{y + 16}" font-size="13" font-weight="600" fill="{INK}">'
            + (f"<title>{escape(label)}</title>" if lines[-1].endswith("…") else "")
            + "".join(
                f'<tspan x="{left}" dy="{0 if i == 0 else 17}">{escape(line)}</tspan>'
                for i, line in enumerate(lines)
            )
            + "</text>"
        )
        bar_y = y + 22 + 17 * (len(lines) - 1)
        y += row_height
        parts.append(
            f'<rect x="{left}" y="{bar_y}" width="{plot_w}" height="{bar_h}" fill="#f3f5f8" '
            f'stroke="{GRID}"/>'
        )
        cursor = float(left)
        for category, count in zip(categories, counts, strict=False):
            if not count:
                continue
            segment = plot_w * count / total
            parts.append(
                f'<rect x="{_fmt(cursor)}" y="{bar_y}" width="{_fmt(segment)}" height="{bar_h}" '
                f'fill="{_fill(chart_id, category)}" stroke="#fff" stroke-width="1">'
                f"<title>{escape(category.label)}: {count}</title></rect>"
            )
            if segment >= 18:
                parts.append(
                    f'<text x="{_fmt(cursor + segment / 2)}" y="{bar_y + 16}" font-size="13" '
                    f'font-weight="700" fill="{category.ink}" text-anchor="middle" '
                    f'stroke="{category.colour}" stroke-width="3" paint-order="stroke">'
                    f"{count}</text>"
                )
            cursor += segment
        parts.append(
            f'<text x="{width - right + 6}" y="{bar_y + 16}" font-size="13" fill="{MUTED}">'
            f"{total}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()
