"""Choosing the period a dashboard shows: short labels, the choice by year and code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import pgettext

from communes.models import Commune
from dashboards.ontrack import (
    PeriodPoint,
    Standing,
    indicator_standing,
    period_point,
)
from indicators.models import Indicator
from plans.models import Plan
from plans.selectors import plan_years_in_force
from reporting.models import (
    ReportingPeriod,
)
from reporting.periods import PeriodKind, period_parse
from reporting.selectors import (
    Figure,
)

KIND_ORDER = [PeriodKind.YEAR, PeriodKind.HALF_YEAR, PeriodKind.QUARTER, PeriodKind.MONTH]
PER_YEAR = {
    PeriodKind.MONTH: 12,
    PeriodKind.QUARTER: 4,
    PeriodKind.HALF_YEAR: 2,
    PeriodKind.YEAR: 1,
}


def point_of(code: str) -> PeriodPoint:
    parsed = period_parse(code)
    return period_point(parsed.kind, parsed.year, parsed.index)


# Translated by pgettext("short period", …) where used (Django has no pgettext_noop).
_SHORT_MONTHS = (
    "Jan %(year)s",
    "Feb %(year)s",
    "Mar %(year)s",
    "Apr %(year)s",
    "May %(year)s",
    "Jun %(year)s",
    "Jul %(year)s",
    "Aug %(year)s",
    "Sep %(year)s",
    "Oct %(year)s",
    "Nov %(year)s",
    "Dec %(year)s",
)
_SHORT_HALVES = (
    "H1 %(year)s",
    "H2 %(year)s",
)


def short_label(code: str) -> str:
    """A period's label short enough for a chart's axis or a grid's header, in the reader's
    language: "T6/2025" ("Jun 2025")."""
    parsed = period_parse(code)
    params = {"year": parsed.year}
    if parsed.kind == PeriodKind.MONTH:
        return pgettext("short period", _SHORT_MONTHS[parsed.index - 1]) % params
    if parsed.kind in (PeriodKind.QUARTER, PeriodKind.YEAR):
        return parsed.label() if parsed.kind == PeriodKind.QUARTER else str(parsed.year)
    return pgettext("short period", _SHORT_HALVES[parsed.index - 1]) % params


def standing_of(
    indicator: Indicator, targets: list, figure: Figure | None, point: PeriodPoint
) -> Standing:
    """The on-track class of a commune indicator, with its `targets` by year."""
    return indicator_standing(
        targets,
        point,
        value=figure.value if figure else None,
        is_done=figure.is_done if figure else None,
        text=figure.text if figure else "",
        direction=indicator.direction,
    )


# ---------------------------------------------------------------------------------------------


@dataclass
class PeriodChoice:
    """The periods a dashboard offers, and the one shown."""

    years: list[int]
    year: int | None
    periods: list[ReportingPeriod]  # of the chosen year, annual first
    period: ReportingPeriod | None


def _period_key(period: ReportingPeriod) -> tuple:
    parsed = period_parse(period.code)
    return (parsed.year, KIND_ORDER.index(parsed.kind), parsed.index)


def period_choose(
    periods: list[ReportingPeriod],
    *,
    plan_years: set[int],
    now: datetime,
    year: int | None = None,
    code: str | None = None,
) -> PeriodChoice:
    """The period asked for (by code, else the latest of the year asked for), else the latest
    period whose reports are due, in a year the commune has a plan in force: its results are
    the ones to look at. At equal data cut-off the longer period wins (the year over December)."""
    periodic = [p for p in periods if p.kind != PeriodKind.AD_HOC]
    years = sorted({p.year for p in periodic}, reverse=True)
    chosen = next((p for p in periodic if p.code == code), None) if code else None
    if chosen is None:
        candidates = [p for p in periodic if p.year == year] if year in years else []
        if not candidates:
            candidates = [p for p in periodic if p.year in plan_years] or periodic
        due = [p for p in candidates if p.deadline <= now] or candidates
        chosen = max(due, key=lambda p: (p.window_end, -KIND_ORDER.index(p.kind))) if due else None
    chosen_year = chosen.year if chosen else None
    in_year = sorted((p for p in periodic if p.year == chosen_year), key=_period_key)
    return PeriodChoice(years=years, year=chosen_year, periods=in_year, period=chosen)


def plan_years(commune: Commune) -> set[int]:
    return plan_years_in_force(Plan.objects.filter(commune=commune))
