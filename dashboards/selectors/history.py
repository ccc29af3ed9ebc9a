"""An indicator's history: its figures per period against the target path, who reported them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from communes.models import Commune
from dashboards.ontrack import (
    Standing,
    path_value,
    period_point,
    target_path,
)
from dashboards.selectors.periods import (
    KIND_ORDER,
    PER_YEAR,
    short_label,
    standing_of,
)
from indicators.models import Indicator, Target
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    ReportingSchedule,
    SubmissionStatus,
)
from reporting.periods import PeriodKind, period_for
from reporting.selectors import (
    Figure,
    figures_for_periods,
)


@dataclass
class HistoryPoint:
    code: str
    label: str
    period: ReportingPeriod | None  # None: the period was never opened
    figure: Figure | None
    expected: Decimal | None  # the target path at this period
    target: Target | None  # the printed target when this is the year's last period
    standing: Standing | None  # only for opened periods


@dataclass
class IndicatorHistory:
    indicator: Indicator
    kind: str
    kinds: list[str]
    points: list[HistoryPoint]
    values: list[IndicatorValue]  # every approved unit value, latest period first


def _schedule_kinds(commune: Commune) -> list[str]:
    unused = set(
        ReportingSchedule.objects.filter(commune=commune, is_used=False).values_list(
            "kind", flat=True
        )
    )
    return [kind for kind in reversed(KIND_ORDER) if kind not in unused]


def indicator_history(
    indicator: Indicator, *, commune: Commune, kind: str | None, today: date
) -> IndicatorHistory:
    """The indicator's commune figure per period of one kind, against the target path, and who
    reported each approved value. Needs `indicator.targets`, `lead_units` and `plan` fetched."""
    kinds = _schedule_kinds(commune)
    if kind not in kinds:
        kind = kinds[0] if kinds else PeriodKind.YEAR
    plan = indicator.plan
    targets = list(indicator.targets.all())
    first = plan.period_start
    last = min(plan.period_end, max(today.year, first))
    if kind == PeriodKind.YEAR:
        # Show the way to the next printed target (Trường Giang: 2030).
        ahead = [t.year for t in targets if t.year >= last and t.year <= plan.period_end]
        last = min(ahead) if ahead else last
    codes = []
    # Sub-year periods up to the one holding today's month; years up to `last`.
    span = 12 // PER_YEAR[kind]
    current = (
        period_for(kind, today.year, (today.month - 1) // span + 1)
        if kind != PeriodKind.YEAR
        else None
    )
    for year in range(first, last + 1):
        for index in range(1, PER_YEAR[kind] + 1):
            period = period_for(kind, year, index)
            if current is not None and period.first_month > current.first_month:
                break
            codes.append(period)
    opened = {
        p.code: p
        for p in ReportingPeriod.objects.filter(
            commune=commune,
            kind=kind,
            window_end__year__gte=first,
            window_end__year__lte=last,
        )
    }
    values = list(
        IndicatorValue.objects.filter(
            indicator=indicator,
            submission__status=SubmissionStatus.APPROVED,
            submission__period__in=list(opened.values()),
        )
        .select_related(
            "submission__period",
            "submission__unit",
            "submission__updated_by",
            "submission__reviewed_by",
        )
        .order_by("-submission__period__window_end", "submission__unit__order")
    )
    for value in values:
        value.indicator = indicator  # its figure needs the kind; spare a query per row
    figures = figures_for_periods(list(opened.values()), indicators=[indicator.pk])
    path = target_path(targets, indicator.direction)
    by_year = {t.year: t for t in targets}
    points = []
    for parsed in codes:
        period = opened.get(parsed.code)
        figure = figures.get(period.pk, {}).get(indicator.pk) if period else None
        at = period_point(parsed.kind, parsed.year, parsed.index)
        on_path = path_value(path, at)
        points.append(
            HistoryPoint(
                code=parsed.code,
                label=short_label(parsed.code),
                period=period,
                figure=figure,
                expected=on_path.aim if on_path else None,
                target=by_year.get(parsed.year) if at.is_final else None,
                standing=standing_of(indicator, targets, figure, at) if period else None,
            )
        )
    return IndicatorHistory(indicator, kind, kinds, points, values)
