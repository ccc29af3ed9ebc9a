import weakref
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dashboards.charts import number_label
from dashboards.legend import TRACK_SYMBOLS
from indicators.models import MeasureKind
from reporting.periods import PeriodKind, period_parse

register = template.Library()

COMPLIANCE_SYMBOLS = {"on_time": "✓", "late": "◷", "returned": "↩", "missing": "✗", "not_due": "·"}


@register.filter
def cell(value):
    """A table cell as the page shows it: Vietnamese numbers, dd/mm/yyyy dates, "—" for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return number_label(value, 2)
    if isinstance(value, datetime):
        return formats.date_format(value, "d/m/Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "d/m/Y")
    return value


@register.filter
def figure_number(figure, indicator):
    """The commune's figure in one line: "87,5%" for percentages, the number otherwise."""
    if figure is None:
        return ""
    if figure.is_done is not None:
        return "✓" if figure.is_done else "✗"
    if figure.value is None:
        return figure.text[:60] if figure.text else ""
    text = number_label(figure.value, 1)
    if indicator.measure_kind == MeasureKind.PERCENT or indicator.unit_of_measure.startswith("%"):
        return f"{text}%"
    return text


@register.filter
def number(value, places=1):
    return number_label(value, int(places)) if value is not None else "—"


@register.filter
def track_symbol(track):
    return TRACK_SYMBOLS.get(track, "")


@lru_cache(maxsize=65536)
def _indicator_url(commune_code: str, indicator_id: int) -> str:
    return reverse("dashboards:indicator", args=[commune_code, indicator_id])


@register.simple_tag
def heat_cells(line, absent: str):
    """A commune's row of the province heatmap: a cell per indicator shown, its colour and
    symbol the commune's standing, its title the figure and the reason, a link to the
    indicator's page; an indicator the commune's plans lack is a grey cell saying `absent`.
    Built here rather than in the template: the whole table of a big province is 168 × 62
    cells, and the template language took about 0.1 ms a cell."""
    key = (tuple(row.indicator.pk for row in line.columns), translation.get_language())
    kept = _heat_rows.get(id(line.standing))
    if kept is None:
        kept = _heat_rows[id(line.standing)] = {}
        weakref.finalize(line.standing, _heat_rows.pop, id(line.standing), None)
    if key not in kept:
        kept[key] = _heat_row(line, absent)
    return kept[key]


# Each commune's row of cells, kept with the commune's standing it was drawn from: an object of
# the province's kept consolidation (`reporting.consolidation.province_consolidation_cached`),
# so a new reading of the province brings new standings, and the rows kept for the old ones go
# when they do. By the standing's id, the entry removed as the standing is freed.
_heat_rows: dict[int, dict[tuple, str]] = {}


def _heat_row(line, absent: str) -> str:
    commune = line.commune
    name = commune.name
    absent_cell = f'<td class="h absent"><span class="visually-hidden">{escape(absent)}</span></td>'
    cells = []
    # Over the columns rather than `line.cells`: no object per cell (10,416 of them in the whole
    # table), so fewer of the garbage collector's passes over the kept consolidation.
    for row in line.columns:
        standing = line.heats.get(row.indicator.pk)
        if not standing:
            cells.append(absent_cell)
            continue
        cell = row.cells[commune.pk]
        code, label, figure = row.indicator.code, str(standing.track.label), cell.figure
        title = f"{code} · {name}: {label}"
        if figure:
            title += f" ({figure_number(figure, cell.indicator)})"
        url = _indicator_url(commune.code, cell.indicator.id)
        cells.append(
            f'<td class="h track-{standing.track.value}" title="{escape(title)} — '
            f'{escape(standing.reason)}"><a href="{url}#progress">'
            f'<span aria-hidden="true">{track_symbol(standing.track)}</span>'
            f'<span class="visually-hidden">{escape(code)}: {escape(label)}</span></a></td>'
        )
    return mark_safe("".join(cells))  # every text in it escaped above


@register.filter
def compliance_symbol(state):
    return COMPLIANCE_SYMBOLS.get(state, "")


@register.filter
def percent_of(part, whole):
    if not whole:
        return None
    return Decimal(part * 100) / Decimal(whole)


@register.filter
def is_numeric(value):
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


@register.filter
def period_in_year(code):
    """A period named within its year, for a grid's header: "T6", "Quý II", "6T đầu", "Năm"."""
    parsed = period_parse(code)
    if parsed.kind == PeriodKind.MONTH:
        return f"T{parsed.index}"
    if parsed.kind == PeriodKind.QUARTER:
        return f"Quý {('I', 'II', 'III', 'IV')[parsed.index - 1]}"
    if parsed.kind == PeriodKind.HALF_YEAR:
        return f"6T {'đầu' if parsed.index == 1 else 'cuối'}"
    return str(parsed.year)


@register.filter
def unit_figure(value):
    """One unit's reported value as a number: a/b scaled for ratios, else the value."""
    from reporting.selectors import indicator_figure

    return indicator_figure(value)
