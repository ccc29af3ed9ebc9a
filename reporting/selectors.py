"""Reads for reporting: what a unit reports on, previous figures, commune figures, review grids.

Every function runs a fixed number of queries, whatever the number of indicators, tasks or units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet, TextField, prefetch_related_objects
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Notification, Unit, UnitKind
from indicators.assessment import target_or_next
from indicators.models import Indicator, MeasureKind, Target
from plans.models import Plan
from plans.selectors import plans_in_force
from reporting.models import (
    PROVINCE_ADDRESSEES,
    DeadlineExtension,
    ExtensionStatus,
    FigureVerification,
    IndicatorValue,
    Proposal,
    ProposalStatus,
    ReportingPeriod,
    ReportingSchedule,
    Submission,
    SubmissionStatus,
    TaskProgress,
    VerificationStatus,
)
from reporting.periods import (
    Period,
    PeriodKind,
    period_containing,
    period_deadline,
    period_parse,
    period_window,
)
from tasks.models import Task

CALENDAR_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR)


def schedule_for(commune: Commune, kind: str) -> ReportingSchedule:
    schedule = ReportingSchedule.objects.filter(commune=commune, kind=kind).first()
    return schedule or ReportingSchedule.default_for(commune, kind)


def schedules_for(commune: Commune) -> dict[str, ReportingSchedule]:
    """The commune's schedule of each calendar kind, its own or the default, in one query."""
    saved = {s.kind: s for s in ReportingSchedule.objects.filter(commune=commune)}
    return {
        kind: saved.get(kind) or ReportingSchedule.default_for(commune, kind)
        for kind in CALENDAR_KINDS
    }


def reporting_start(commune: Commune) -> date:
    """The first day of the earliest plan's period: the commune's reporting periods start there."""
    years = list(commune.plans.values_list("period_start", flat=True))
    return date(min(years), 1, 1) if years else timezone.localdate().replace(month=1, day=1)


def period_unopened(
    commune: Commune, period: Period, schedule: ReportingSchedule
) -> ReportingPeriod:
    """The row a period of the schedule gets when it is first written to, not saved: pages show
    a period nobody has written to yet as not started, without creating it on a read."""
    start, end = period_window(period, schedule.cutoff_rule)
    return ReportingPeriod(
        commune=commune,
        kind=period.kind,
        code=period.code,
        window_start=start,
        window_end=end,
        deadline=period_deadline(period, schedule.deadline_rule),
    )


def periods_due(commune: Commune, today: date, *, since: date) -> list[ReportingPeriod]:
    """Every period of the kinds the commune uses, from `since` up to the one containing `today`:
    its row where it has one, else an unsaved one (`period_unopened`). Two queries."""
    wanted = []
    for kind, schedule in schedules_for(commune).items():
        if not schedule.is_in_effect:  # unused, or days still to be completed by the office
            continue
        current = period_containing(kind, today, schedule.cutoff_rule)
        period = period_containing(kind, since, schedule.cutoff_rule)
        while period.first_month <= current.first_month:
            wanted.append((period, schedule))
            period = period.next()
    existing = {
        saved.code: saved
        for saved in ReportingPeriod.objects.filter(
            commune=commune, code__in=[period.code for period, _schedule in wanted]
        )
    }
    return [
        existing.get(period.code) or period_unopened(commune, period, schedule)
        for period, schedule in wanted
    ]


def periods_listed(commune: Commune, today: date) -> list[ReportingPeriod]:
    """The reporting periods page: the commune's rows (ad-hoc requests among them) and the
    periods due by today that have none yet, the latest deadline first."""
    saved = list(ReportingPeriod.objects.filter(commune=commune).order_by("-deadline"))
    unopened = [
        period
        for period in periods_due(commune, today, since=reporting_start(commune))
        if period.pk is None
    ]
    return sorted(saved + unopened, key=lambda period: period.deadline, reverse=True)


def period_by_code(
    commune: Commune, code: str, today: date | None = None
) -> ReportingPeriod | None:
    """The commune's period with this code: its row, or, for a period of its schedule due by
    today that has none yet, an unsaved one (it is created by the first write). None otherwise."""
    saved = ReportingPeriod.objects.filter(commune=commune, code=code).first()
    if saved is not None:
        return saved
    try:
        period = period_parse(code)
    except ValueError:
        return None
    if period.kind not in CALENDAR_KINDS:
        return None
    schedule = schedule_for(commune, period.kind)
    if not schedule.is_in_effect:
        return None
    today = today or timezone.localdate()
    first = period_containing(period.kind, reporting_start(commune), schedule.cutoff_rule)
    current = period_containing(period.kind, today, schedule.cutoff_rule)
    if not first.first_month <= period.first_month <= current.first_month:
        return None
    return period_unopened(commune, period, schedule)


def notifications_of(user) -> QuerySet[Notification]:
    """A person's notifications, the latest first, their commune read with them."""
    return Notification.objects.filter(user=user).select_related("commune")


def periods_with_approved_reports(commune: Commune, *, limit: int) -> list[ReportingPeriod]:
    """The latest periods of the commune with at least one approved unit report."""
    approved = ReportingPeriod.objects.filter(
        commune=commune, submissions__status=SubmissionStatus.APPROVED
    ).distinct()
    return list(approved.order_by("-window_end", "kind")[:limit])


def period_saved(commune: Commune, code: str) -> ReportingPeriod | None:
    """The commune's period with this code, if it has its row (None otherwise)."""
    return (
        ReportingPeriod.objects.filter(commune=commune, code=code)
        .select_related("commune__province")
        .first()
    )


def periodic_periods(commune: Commune) -> list[ReportingPeriod]:
    """The commune's periods with their row, ad-hoc requests left out (the dashboards)."""
    return list(ReportingPeriod.objects.filter(commune=commune).exclude(kind=PeriodKind.AD_HOC))


def periods_by_end(commune: Commune) -> QuerySet[ReportingPeriod]:
    """The commune's periods with their row, the latest data window first (its reports)."""
    return ReportingPeriod.objects.filter(commune=commune).order_by("-window_end", "kind")


def submission_read(period: ReportingPeriod, unit: Unit) -> Submission:
    """The unit's report for the period: its row, or an unsaved draft (created by the first write)."""
    if period.pk is not None:
        saved = Submission.objects.filter(period=period, unit=unit).first()
        if saved is not None:
            return saved
    return Submission(period=period, unit=unit, commune=period.commune)


def unit_reports_readable(commune: Commune, scope) -> QuerySet[Submission]:
    """Every report of the commune for its reviewers and leaders; a unit's own for its staff."""
    return Submission.objects.filter(scope.unit_reports_filter(commune), commune=commune)


def submission_in(commune: Commune, pk) -> Submission | None:
    """The commune's report with this id (its unit and period read with it), or None."""
    return (
        Submission.objects.filter(commune=commune, pk=pk).select_related("unit", "period").first()
    )


def submission_detail(submission: Submission) -> Submission:
    """The report as saved now, with its figures and task progress (the API's detail)."""
    return (
        Submission.objects.select_related("period", "unit", "commune")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=IndicatorValue.objects.select_related(
                    "submission__period", "indicator"
                ).order_by("indicator_id"),
            ),
            Prefetch(
                "task_progress",
                queryset=TaskProgress.objects.select_related("submission__period").order_by(
                    "task_id"
                ),
            ),
        )
        .get(pk=submission.pk)
    )


def submission_fresh(submission: Submission) -> Submission:
    """The report as saved now, after a service wrote it (its version, its status)."""
    return Submission.objects.select_related("period", "commune").get(pk=submission.pk)


def indicators_askable(commune: Commune, year: int) -> QuerySet[Indicator]:
    """The indicators an ad-hoc request may ask for: those of the plans in force, not headings."""
    return Indicator.objects.filter(plan__in=plans_for_year(commune, year), is_heading=False)


@dataclass
class IndicatorItem:
    indicator: Indicator
    role: str  # "lead" or "support"
    target: Target | None
    target_is_milestone: bool  # the target shown is a later milestone year's, not this year's
    value: IndicatorValue | None = None
    previous: IndicatorValue | None = None
    history: list[Decimal] = field(default_factory=list)


@dataclass
class TaskItem:
    task: Task
    role: str
    progress: TaskProgress | None = None
    previous: TaskProgress | None = None


@dataclass
class UnitReport:
    submission: Submission
    indicators: list[IndicatorItem]
    tasks: list[TaskItem]

    @property
    def lead_indicators(self) -> list[IndicatorItem]:
        return [item for item in self.indicators if item.role == "lead"]


def plans_for_year(commune: Commune, year: int) -> QuerySet[Plan]:
    return plans_in_force(year, commune=commune)


def _unit_filter(unit: Unit) -> tuple[Q, Q]:
    lead = Q(lead_units=unit)
    if unit.kind == UnitKind.STANDING_OFFICE:
        # The standing office compiles what the plan assigns to nobody (000 prints no lead units).
        lead |= Q(lead_units__isnull=True)
    return lead, Q(support_units=unit)


def ratio_scale(measure_kind: str) -> Decimal:
    """a/b × 100 for percentages, a/b × 10,000 for rates per 10,000 people."""
    return Decimal(10000) if measure_kind == MeasureKind.RATE_PER_10K else Decimal(100)


def indicator_figure(value: IndicatorValue | None) -> Decimal | None:
    """The number a value stands for: the ratio a/b × 100 (× 10,000 for rates per 10,000
    people) for ratios, else the value itself. Needs `value.indicator` fetched."""
    if value is None:
        return None
    if value.numerator is not None and value.denominator:
        return value.numerator * ratio_scale(value.indicator.measure_kind) / value.denominator
    return value.value


def values_read(values: QuerySet[IndicatorValue]) -> QuerySet[IndicatorValue]:
    """Indicator values with the stored text of their numbers (`value_raw`…): a number the column
    cannot hold reads as None (`indicators.fields.FigureField`), its text shows it is there."""
    return values.annotate(
        value_raw=Cast("value", TextField()),
        numerator_raw=Cast("numerator", TextField()),
        denominator_raw=Cast("denominator", TextField()),
    )


def unit_report(submission: Submission) -> UnitReport:
    period, unit = submission.period, submission.unit
    year = period.year
    plans = plans_for_year(submission.commune, year)
    lead_q, support_q = _unit_filter(unit)
    indicators = Indicator.objects.filter(plan__in=plans, is_heading=False)
    if (
        period.kind == PeriodKind.AD_HOC
        and period.pk is not None
        and period.requested_indicators.exists()
    ):
        indicators = indicators.filter(pk__in=period.requested_indicators.values("pk"))
    led_ids = set(indicators.filter(lead_q).values_list("pk", flat=True))
    supported_ids = set(indicators.filter(support_q).values_list("pk", flat=True)) - led_ids
    chosen = (
        Indicator.objects.filter(pk__in=led_ids | supported_ids)
        .select_related("group", "plan")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year")))
        .order_by("plan__period_start", "plan_id", "order")
    )
    saved = submission.pk is not None  # an unsaved draft (`submission_read`) has no figures yet
    values = {v.indicator_id: v for v in values_read(submission.values.all())} if saved else {}
    previous_values, history = _previous_and_history(submission, led_ids | supported_ids)
    items = []
    for indicator in chosen:
        target, later = _target_for(indicator, year)
        for row in (values.get(indicator.pk), previous_values.get(indicator.pk)):
            if row is not None:
                row.indicator = indicator  # figures need its kind; spare a query per row
        items.append(
            IndicatorItem(
                indicator=indicator,
                role="lead" if indicator.pk in led_ids else "support",
                target=target,
                target_is_milestone=later,
                value=values.get(indicator.pk),
                previous=previous_values.get(indicator.pk),
                history=history.get(indicator.pk, []),
            )
        )

    tasks = Task.objects.filter(plan__in=plans, children__isnull=True)
    led_tasks = set(tasks.filter(lead_units=unit).values_list("pk", flat=True))
    supported_tasks = set(tasks.filter(support_units=unit).values_list("pk", flat=True)) - led_tasks
    progress = {p.task_id: p for p in submission.task_progress.all()} if saved else {}
    previous_progress = {}
    previous_code = _previous_code(period)
    if previous_code:
        previous_progress = {
            p.task_id: p
            for p in TaskProgress.objects.filter(
                submission__unit=unit,
                submission__period__commune=period.commune,
                submission__period__code=previous_code,
            )
        }
    task_items = [
        TaskItem(
            task=task,
            role="lead" if task.pk in led_tasks else "support",
            progress=progress.get(task.pk),
            previous=previous_progress.get(task.pk),
        )
        for task in Task.objects.filter(pk__in=led_tasks | supported_tasks)
        .select_related("section")
        .order_by("plan_id", "order")
    ]
    # What the unit leads comes first; what it supports follows, marked as such.
    items.sort(key=lambda item: item.role != "lead")
    task_items.sort(key=lambda item: item.role != "lead")
    return UnitReport(submission=submission, indicators=items, tasks=task_items)


def _previous_code(period: ReportingPeriod) -> str | None:
    if period.kind == PeriodKind.AD_HOC:
        return None
    return period_parse(period.code).previous().code


def _previous_and_history(submission: Submission, indicator_ids: set[int]):
    """The unit's value in the previous period of the same kind, and its approved history."""
    previous_code = _previous_code(submission.period)
    rows = IndicatorValue.objects.filter(
        submission__unit=submission.unit,
        submission__period__kind=submission.period.kind,
        indicator_id__in=indicator_ids,
    ).select_related("submission__period", "indicator")
    if submission.pk is not None:
        rows = rows.exclude(submission=submission)
    previous, history = {}, defaultdict(list)
    for row in rows:
        if row.submission.period.code == previous_code:
            previous[row.indicator_id] = row
        figure = indicator_figure(row)
        if row.submission.status == SubmissionStatus.APPROVED and figure is not None:
            history[row.indicator_id].append(figure)
    return previous, history


def _target_for(indicator: Indicator, year: int) -> tuple[Target | None, bool]:
    own, later = target_or_next(indicator.targets.all(), year)
    return (own, False) if own is not None else (later, later is not None)


@dataclass(slots=True)
class Figure:
    """A commune's figure for one indicator in one period, from approved unit values only."""

    value: Decimal | None = None  # a/b × 100 (× 10,000 per 10,000 people), a summed count, a value
    numerator: Decimal | None = None  # Σa of the contributing units
    denominator: Decimal | None = None  # Σb
    is_done: bool | None = None  # milestones
    text: str = ""
    units: int = 0  # units whose approved values make it


class _ValueRow(NamedTuple):
    """The columns of an approved IndicatorValue that a figure needs (no model instances: the
    province consolidation reads thousands of them; a named tuple builds faster than a frozen
    dataclass)."""

    unit_id: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    is_done: bool | None
    text: str


def _figure_from_values(
    measure_kind: str, lead_ids: set[int], rows: list[_ValueRow]
) -> Figure | None:
    """The lead unit's value; for ratios, the numerators and denominators of every contributing
    unit summed (never an average of percentages); counts of several lead units summed."""
    ratio_rows = [row for row in rows if row.numerator is not None and row.denominator]
    if ratio_rows:
        a = sum([row.numerator for row in ratio_rows])
        b = sum([row.denominator for row in ratio_rows])
        return Figure(
            value=a * ratio_scale(measure_kind) / b,
            numerator=a,
            denominator=b,
            units=len(ratio_rows),
        )
    lead_rows = [row for row in rows if row.unit_id in lead_ids] or rows
    if measure_kind == MeasureKind.COUNT:
        numbers = [row.value for row in lead_rows if row.value is not None]
        return Figure(value=sum(numbers), units=len(numbers)) if numbers else None
    row = lead_rows[0]
    return Figure(value=row.value, is_done=row.is_done, text=row.text, units=1)


def _figure_from_value(measure_kind: str, row: _ValueRow) -> Figure | None:
    """The figure of a single unit's value: what `_figure_from_values` gives for one row, without
    its lists (most figures come from one unit, and a province has thousands)."""
    numerator, denominator = row.numerator, row.denominator
    if numerator is not None and denominator:
        value = numerator * ratio_scale(measure_kind) / denominator
        return Figure(value, numerator, denominator, None, "", 1)
    if measure_kind == MeasureKind.COUNT:
        return Figure(row.value, None, None, None, "", 1) if row.value is not None else None
    return Figure(row.value, None, None, row.is_done, row.text, 1)


def figures_for_periods(
    periods: list[ReportingPeriod], *, indicators: list[int] | None = None
) -> dict[int, dict[int, Figure]]:
    """Each period's commune figures by indicator, in two queries whatever the number of periods;
    `indicators` (ids) narrows them, e.g. to one indicator's history."""
    values = IndicatorValue.objects.filter(
        submission__period__in=periods, submission__status=SubmissionStatus.APPROVED
    )
    if indicators is not None:
        values = values.filter(indicator_id__in=indicators)
    # One row per period and indicator, or a list of them when several units reported.
    grouped: dict[tuple[int, int], _ValueRow | list[_ValueRow]] = {}
    kinds: dict[int, str] = {}
    for period_id, indicator_id, kind, *columns in values.values_list(
        "submission__period_id",
        "indicator_id",
        "indicator__measure_kind",
        "submission__unit_id",
        "value",
        "numerator",
        "denominator",
        "is_done",
        "text",
    ):
        kinds[indicator_id] = kind
        key, row = (period_id, indicator_id), _ValueRow(*columns)
        earlier = grouped.get(key)
        if earlier is None:
            grouped[key] = row
        elif type(earlier) is list:
            earlier.append(row)
        else:
            grouped[key] = [earlier, row]
    # The lead units matter only where several units reported (queried even when none did: the
    # number of queries stays fixed).
    shared = {indicator_id for (_, indicator_id), rows in grouped.items() if type(rows) is list}
    through = Indicator.lead_units.through.objects.filter(indicator_id__in=shared or [0])
    leads: dict[int, set[int]] = defaultdict(set)
    for indicator_id, unit_id in through.values_list("indicator_id", "unit_id"):
        leads[indicator_id].add(unit_id)
    figures: dict[int, dict[int, Figure]] = {period.pk: {} for period in periods}
    for (period_id, indicator_id), rows in grouped.items():
        if type(rows) is list:
            figure = _figure_from_values(kinds[indicator_id], leads[indicator_id], rows)
        else:
            figure = _figure_from_value(kinds[indicator_id], rows)
        if figure is not None:
            figures[period_id][indicator_id] = figure
    return figures


def unit_figures_for_periods(
    periods: list[ReportingPeriod],
) -> dict[int, dict[tuple[int, int], Figure]]:
    """Each period's figures of each unit on its own, by (unit id, indicator id): the unit's
    approved value read by the same rule as a commune's figure from one unit
    (`_figure_from_value`). One query, whatever the number of periods and units (the emulation
    scores judge each unit and village on its own figures)."""
    values = IndicatorValue.objects.filter(
        submission__period__in=periods, submission__status=SubmissionStatus.APPROVED
    )
    figures: dict[int, dict[tuple[int, int], Figure]] = {period.pk: {} for period in periods}
    for period_id, indicator_id, kind, *columns in values.values_list(
        "submission__period_id",
        "indicator_id",
        "indicator__measure_kind",
        "submission__unit_id",
        "value",
        "numerator",
        "denominator",
        "is_done",
        "text",
    ):
        row = _ValueRow(*columns)
        figure = _figure_from_value(kind, row)
        if figure is not None:
            figures[period_id][row.unit_id, indicator_id] = figure
    return figures


def figures_for_years(periods: list[ReportingPeriod], *, read=figures_for_periods) -> dict:
    """`figures_for_periods`, where a year's period takes the year's approved figures whatever
    the reporting kinds used: an indicator that the year's own reports do not give takes its
    figure from the commune's latest report in the year that does (a commune reporting monthly
    has its year's figures in its months). Two queries more, whatever the number of periods.
    `read`: the reading of each period's figures (`unit_figures_for_periods`: each unit's)."""
    figures = read(periods)
    years = [period for period in periods if period.kind == PeriodKind.YEAR]
    if not years:
        return figures
    within = Q()
    for period in years:
        within |= Q(
            commune_id=period.commune_id,
            window_end__lte=period.window_end,
            window_end__year=period.window_end.year,
        )
    earlier = list(
        ReportingPeriod.objects.filter(within)
        .exclude(kind__in=[PeriodKind.YEAR, PeriodKind.AD_HOC])
        .exclude(pk__in=[period.pk for period in years])
        .order_by("-window_end", "kind", "pk")
    )
    found = read(earlier) if earlier else {}
    by_commune: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in earlier:
        by_commune[period.commune_id].append(period)
    for period in years:
        own = figures[period.pk]
        for source in by_commune.get(period.commune_id, []):  # the latest first
            if source.window_end > period.window_end:
                continue
            for key, figure in found[source.pk].items():
                own.setdefault(key, figure)
    return figures


def commune_figures(commune: Commune, period: ReportingPeriod) -> dict[int, Figure]:
    """The commune's figure per indicator for a period, derived from approved unit values only."""
    return figures_for_periods([period])[period.pk]


def commune_figure_rows(commune: Commune, period: ReportingPeriod) -> list[dict]:
    """The commune's figures of a period as the API's figures resource gives them (and the push
    to the province sends them): one row per indicator with a figure, in the plan's order."""
    figures = commune_figures(commune, period)
    indicators = Indicator.objects.filter(commune=commune, pk__in=list(figures)).order_by(
        "plan_id", "order"
    )
    return [
        {
            "indicator": indicator.pk,
            "code": indicator.code,
            "name": indicator.name,
            "measure_kind": indicator.measure_kind,
            "value": figures[indicator.pk].value,
            "numerator": figures[indicator.pk].numerator,
            "denominator": figures[indicator.pk].denominator,
            "is_done": figures[indicator.pk].is_done,
            "text": figures[indicator.pk].text,
            "units": figures[indicator.pk].units,
        }
        for indicator in indicators
    ]


class Timeliness(models.TextChoices):
    """Where a unit's report for a period stands against its deadline."""

    ON_TIME = "on_time", _("on time")
    LATE = "late", _("late")
    RETURNED = "returned", _("returned, to resubmit")
    MISSING = "missing", _("not submitted")
    NOT_DUE = "not_due", _("not due yet")


# A report counts once handed in and not returned since; a returned one is owed again.
HANDED_IN = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)
# What a unit still owes for a period.
OWED = (Timeliness.RETURNED, Timeliness.MISSING)


def report_timeliness(status: str | None, is_late: bool, deadline, now=None) -> Timeliness:
    """The one rule for a report's timeliness: on time only if handed in by the deadline and not
    returned since (`submission_submit` sets `is_late` at each submission, so a report returned
    and resubmitted after the deadline is late); a returned report is owed until resubmitted;
    with `now`, a report not handed in before its deadline is not due yet."""
    if status in HANDED_IN:
        return Timeliness.LATE if is_late else Timeliness.ON_TIME
    if status == SubmissionStatus.RETURNED:
        return Timeliness.RETURNED
    if now is not None and deadline > now:
        return Timeliness.NOT_DUE
    return Timeliness.MISSING


def submission_timeliness(
    submission: Submission | None, period: ReportingPeriod, now=None
) -> Timeliness:
    """`report_timeliness` of a unit's submission (None: never opened) for `period`, against
    its deadline: the period's, or the later one an extension granted the unit."""
    if submission is None:
        return report_timeliness(None, False, period.deadline, now)
    deadline = submission.deadline_extended or period.deadline
    return report_timeliness(submission.status, submission.is_late, deadline, now)


@dataclass
class ReviewRow:
    unit: Unit
    submission: Submission | None

    @property
    def state(self) -> str:
        """on_time, late, returned (owes a corrected report) or missing."""
        if self.submission is None:
            return Timeliness.MISSING
        return report_timeliness(self.submission.status, self.submission.is_late, None)

    def is_overdue(self, period: ReportingPeriod, now) -> bool:
        """Owed (never sent, or returned) past its deadline (an extension's if granted)."""
        extended = self.submission.deadline_extended if self.submission else None
        return self.state in OWED and (extended or period.deadline) <= now


@dataclass
class PeriodLine:
    """A row of the reporting periods page: the period and, for each of the reader's units, its
    submission and where it stands."""

    period: ReportingPeriod
    has_plan: bool  # a plan in force in the period's year: someone owes a report
    mine: list[tuple[Unit, Submission | None, Timeliness | None]]  # None: the unit owes nothing

    @property
    def owed(self) -> bool:
        return any(state in OWED for _unit, _submission, state in self.mine)


def period_lines(
    commune: Commune,
    periods: QuerySet[ReportingPeriod] | list[ReportingPeriod],
    units: list[Unit],
    *,
    now,
) -> list[PeriodLine]:
    """The periods page: a period of a year without a plan in force owes nothing (no page calls
    it overdue), nor does a unit not asked for a report (`units_expected`'s rule); otherwise
    each of `units` gets the timeliness of its report (`submission_timeliness`). Queries: the
    periods, their ad-hoc units, the submissions, the plans, one per set of plans in force (years
    under the same plans share it): flat in the number of periods, units and years. A period
    without its row yet (`periods_due`) has no report and asks no unit in particular."""
    if isinstance(periods, QuerySet):
        periods = list(periods.prefetch_related("requested_units"))
    else:
        prefetch_related_objects([p for p in periods if p.pk is not None], "requested_units")
    saved = [period for period in periods if period.pk is not None]
    submissions = {
        (s.period_id, s.unit_id): s
        for s in Submission.objects.filter(period__in=saved, unit__in=units)
    }
    plans = list(Plan.objects.filter(commune=commune).only("status", "period_start", "period_end"))
    in_force_by_year = {
        year: frozenset(plan.pk for plan in plans if plan.is_in_force_in(year))
        for year in {period.year for period in periods}
    }
    planned_years = {year for year, plan_ids in in_force_by_year.items() if plan_ids}
    chosen = Unit.objects.filter(pk__in=[unit.pk for unit in units])
    reporting_by_plans = {
        plan_ids: set(
            reporting_units(chosen, Plan.objects.filter(pk__in=plan_ids)).values_list(
                "pk", flat=True
            )
        )
        for plan_ids in set(in_force_by_year.values())
        if plan_ids
    }
    expected_by_year: dict[int, set[int]] = {
        year: reporting_by_plans[plan_ids]
        for year, plan_ids in in_force_by_year.items()
        if plan_ids
    }
    lines = []
    for period in periods:
        asked = {unit.pk for unit in period.requested_units.all()} if period.pk else set()
        if period.kind == PeriodKind.AD_HOC and asked:
            expected = asked
        else:
            expected = expected_by_year.get(period.year, set())
        mine = []
        for unit in units:
            submission = submissions.get((period.pk, unit.pk))
            owes = unit.pk in expected
            mine.append(
                (unit, submission, submission_timeliness(submission, period, now) if owes else None)
            )
        has_plan = period.year in planned_years or (period.kind == PeriodKind.AD_HOC and asked)
        lines.append(PeriodLine(period, bool(has_plan), mine))
    return lines


def reporting_units(units: QuerySet[Unit], plans: QuerySet[Plan]) -> QuerySet[Unit]:
    """Of `units`, those that report on `plans` (plans in force in one year): every active unit
    that leads or supports one of their indicators or tasks, and the standing office, which
    compiles; a commune without any of `plans` asks nobody. Four subqueries rather than four
    joins, whose product took a second on PostgreSQL for a province of 166 communes."""
    involved = Q()
    for model in (Indicator, Task):
        owner = {f"{model._meta.model_name}__plan__in": plans}
        for relation in (model.lead_units, model.support_units):
            involved |= Q(pk__in=relation.through.objects.filter(**owner).values("unit_id"))
    reporting = units.filter(is_active=True).exclude(
        kind__in=[UnitKind.EXTERNAL, UnitKind.COMMITTEE]
    )
    return reporting.filter(
        Q(pk__in=reporting.filter(involved).values("pk"))
        | Q(kind=UnitKind.STANDING_OFFICE, commune__in=plans.values("commune"))
    )


def units_expected(commune: Commune, period: ReportingPeriod) -> list[Unit]:
    """The units that report for a period: those asked by an ad-hoc request, else the reporting
    units of the plans in force that year (`reporting_units`)."""
    if period.kind == PeriodKind.AD_HOC and period.requested_units.exists():
        return list(period.requested_units.order_by("order"))
    plans = plans_for_year(commune, period.year)
    return list(reporting_units(Unit.objects.filter(commune=commune), plans).order_by("order"))


def review_rows(commune: Commune, period: ReportingPeriod) -> list[ReviewRow]:
    """Each unit expected to report for the period with its report (None: not opened yet, as for
    every unit of a period without its row yet)."""
    submissions = (
        {
            s.unit_id: s
            for s in Submission.objects.filter(period=period).select_related("updated_by")
        }
        if period.pk is not None
        else {}
    )
    return [ReviewRow(unit, submissions.get(unit.pk)) for unit in units_expected(commune, period)]


def task_extensions_granted(
    *, task_ids: Collection[int] | None = None, commune_ids: Collection[int] | None = None
) -> dict[int, dict[date, date]]:
    """Granted task extensions, one query: task id → {printed due date: granted date}."""
    rows = DeadlineExtension.objects.filter(status=ExtensionStatus.GRANTED, task__isnull=False)
    if task_ids is not None:
        rows = rows.filter(task_id__in=list(task_ids))
    if commune_ids is not None:
        rows = rows.filter(commune_id__in=list(commune_ids))
    granted: dict[int, dict[date, date]] = defaultdict(dict)
    for task_id, original, new in rows.order_by("answered_at", "pk").values_list(
        "task_id", "original_date", "granted_date"
    ):
        granted[task_id][original] = new
    return dict(granted)


# --- Tracked proposals (kiến nghị) -------------------------------------------------------------

UNTRACKED_PROPOSALS_SHOWN = 50


def _proposal_rows(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return queryset.select_related(
        "commune", "unit", "period", "answered_by", "closed_by"
    ).order_by(
        models.Case(
            models.When(status=ProposalStatus.OPEN, then=0),
            models.When(status=ProposalStatus.ANSWERED, then=1),
            default=2,
        ),
        "due_date",
        "pk",
    )


def commune_proposals_readable(commune: Commune, scope) -> QuerySet[Proposal]:
    """The commune's tracked proposals this caller reads: all of them for its members and
    inspectors, those addressed to the province for the province's readers, else none."""
    proposals = Proposal.objects.filter(commune=commune)
    if scope.reads_every_proposal_of(commune):
        return proposals
    if scope.reads_province_proposals_of(commune):
        return proposals.filter(addressee__in=PROVINCE_ADDRESSEES)
    return proposals.none()


def commune_proposals(commune: Commune, scope) -> list[Proposal]:
    """`commune_proposals_readable`, open ones first, in one query."""
    return list(_proposal_rows(commune_proposals_readable(commune, scope)))


def province_proposals(province) -> list[Proposal]:
    """What the communes of a province addressed to it or to its departments (one query)."""
    return list(
        _proposal_rows(
            Proposal.objects.filter(commune__province=province, addressee__in=PROVINCE_ADDRESSEES)
        )
    )


def untracked_unit_proposals(commune: Commune) -> list[Submission]:
    """Unit reports handed in whose "Kiến nghị, đề xuất" is not followed yet, latest first: what
    the standing office may turn into tracked proposals (one query)."""
    return list(
        Submission.objects.filter(
            commune=commune,
            status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED],
        )
        .exclude(proposals="")
        .exclude(tracked_proposals__isnull=False)
        .select_related("unit", "period")
        .order_by("-period__window_end", "unit__order", "pk")[:UNTRACKED_PROPOSALS_SHOWN]
    )


def commune_period_proposals(period) -> list[Proposal]:
    """The proposals of a period followed by the commune, for its report (one query)."""
    return list(_proposal_rows(Proposal.objects.filter(period=period)))


def province_period_proposals(province, period_code: str) -> list[Proposal]:
    """The proposals of a period the province's communes addressed to it, for its consolidated
    report (one query)."""
    return list(
        _proposal_rows(
            Proposal.objects.filter(
                commune__province=province,
                period__code=period_code,
                addressee__in=PROVINCE_ADDRESSEES,
            )
        )
    )


@dataclass
class FigureCheckRow:
    """An approved figure of a unit's report, with the office's current check of it."""

    item: IndicatorItem
    verification: FigureVerification | None


def figure_check_rows(report: UnitReport) -> list[FigureCheckRow]:
    """The figures of an approved report with their verification, in one query whatever their
    number; none for a report not approved (only approved figures are checked)."""
    if report.submission.status != SubmissionStatus.APPROVED:
        return []
    checks = {
        check.value_id: check
        for check in FigureVerification.objects.filter(
            value__submission=report.submission
        ).select_related("checked_by", "answered_by")
    }
    return [
        FigureCheckRow(item=item, verification=checks.get(item.value.pk))
        for item in report.indicators
        if item.value is not None and not item.value.is_empty
    ]


@dataclass(frozen=True)
class VerificationShare:
    """How many of a commune's approved figures of a period the standing office verified."""

    approved: int = 0
    verified: int = 0

    @property
    def percent(self) -> Decimal | None:
        return Decimal(self.verified * 100) / self.approved if self.approved else None


def approved_figures(*, commune_ids, period_code: str) -> QuerySet[IndicatorValue]:
    """The figures the verification share counts: those given in the approved unit reports of
    the period `period_code` of these communes."""
    filled = (
        Q(value__isnull=False) | Q(numerator__isnull=False) | Q(is_done__isnull=False) | ~Q(text="")
    )
    ids = list(commune_ids)
    return IndicatorValue.objects.filter(
        filled,
        commune_id__in=ids,
        # The period's commune too (the same one): the planner then finds the periods by their
        # (commune, code) key instead of reading those of the whole country.
        submission__period__commune_id__in=ids,
        submission__period__code=period_code,
        submission__status=SubmissionStatus.APPROVED,
    )


def verification_shares(*, commune_ids, period_code: str) -> dict[int, VerificationShare]:
    """Per commune, its approved figures of the period `period_code` and how many are verified:
    one grouped query whatever the number of communes and figures."""
    rows = (
        approved_figures(commune_ids=commune_ids, period_code=period_code)
        .values("commune_id")
        .annotate(
            approved=Count("pk"),
            verified=Count("pk", filter=Q(verification__status=VerificationStatus.VERIFIED)),
        )
        .order_by()
    )
    return {row["commune_id"]: VerificationShare(row["approved"], row["verified"]) for row in rows}
