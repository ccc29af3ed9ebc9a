"""Where a commune stands in a period: each indicator against its target, each task's state.

One reading for the commune report, the dashboards and the API. Figures come from approved unit
reports only. Every function runs a fixed number of queries, whatever the number of communes,
indicators or tasks. A commune's report reads model instances (`select_related`, `Prefetch`);
the province's consolidation judges the same querysets read as named rows
(`values_list(named=True)`) by the same rules: it reads thousands of them and prints little.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from indicators.assessment import Verdict, target_assess, target_or_next
from indicators.models import Indicator, Target
from indicators.ontrack import (
    PeriodPoint,
    Standing,
    indicator_standing,
    period_point,
    standing_verdict,
)
from plans.selectors import plan_in_force_q
from reporting.models import ReportingPeriod, SubmissionStatus, TaskProgress
from reporting.periods import PeriodKind, period_parse
from reporting.selectors import Figure, figures_for_years, task_extensions_granted
from tasks.deadlines import DeadlineKind, ParsedDeadline, deadline_parse, task_due_in
from tasks.models import Task, TaskStatus

# Deadlines that come back every year: only that year's progress counts towards them.
RECURRING = {DeadlineKind.YEARLY, DeadlineKind.SPAN, DeadlineKind.OPEN_START}


class TaskState(models.TextChoices):
    """A task's state at the end of a period, as the report's Appendix II prints it."""

    DONE = "done", _("Completed")
    DONE_LATE = "done_late", _("Completed late")
    IN_PROGRESS = "in_progress", _("In progress")
    OVERDUE = "overdue", _("Overdue")
    NOT_STARTED = "not_started", _("Not started")
    CANCELLED = "cancelled", _("Cancelled")


@dataclass(slots=True)
class IndicatorResult:
    # A named row (`INDICATOR_ROW`, `TARGET_ROW`) in the province's consolidation.
    indicator: Indicator
    target: Target | None  # the target of the period's year
    # Without a target that year: the next one set (e.g. 2030).
    milestone: Target | None
    figure: Figure | None
    verdict: Verdict
    targets: list[Target]  # the indicator's, by year: the dashboards' trajectories read them
    # Set where the results of several communes mix (the province's consolidation).
    commune: Commune | None = None
    # Monthly, quarterly and 6-month periods: where the figure stands on the target path at the
    # period, which the verdict follows (`indicators.ontrack.standing_verdict`); None for a year.
    standing: Standing | None = None

    @property
    def on_path(self) -> bool:
        """Judged against the target path for the period, not the year's target."""
        return self.standing is not None


@dataclass
class TaskResult:
    task: Task  # a named row (`TASK_ROW`) in the province's consolidation
    due_date: date | None  # the due date that matters in the period's year
    state: TaskState
    percent: int | None  # the latest approved percent complete up to the period
    result: str  # the latest approved "result achieved" up to the period
    extended_to: date | None = None  # `due_date` moved there by a granted extension


@dataclass
class CommuneResults:
    commune: Commune
    period: ReportingPeriod
    indicators: list[IndicatorResult]
    tasks: list[TaskResult]

    def indicator_counts(self) -> Counter:
        """How many indicators are achieved, not achieved, not assessed, without data."""
        return Counter(result.verdict.assessment for result in self.indicators)

    def task_counts(self) -> Counter:
        return Counter(result.state for result in self.tasks)


def commune_results(commune: Commune, period: ReportingPeriod) -> CommuneResults:
    year = period.year
    indicators = indicator_results({commune.pk: period}, year=year)
    tasks = task_results({commune.pk: period}, year=year)
    return CommuneResults(
        commune=commune,
        period=period,
        indicators=indicators.get(commune.pk, []),
        tasks=tasks.get(commune.pk, []),
    )


def same_period_last_year(code: str) -> str | None:
    """The code of the same period of the year before ("2025S1" → "2024S1"); None for an
    ad-hoc request, which has no such twin."""
    try:
        parsed = period_parse(code)
    except ValueError:
        return None
    return f"{parsed.year - 1}{parsed.code[4:]}"


def last_year_figures(commune_ids, code: str) -> dict[int, dict[int, Figure]]:
    """Per commune id, its approved figures of the same period of the year before (a year's
    period: that year's figures whatever the kinds reported), by indicator id; communes that
    did not open that period are left out."""
    previous = same_period_last_year(code)
    if previous is None:
        return {}
    periods = list(
        ReportingPeriod.objects.filter(commune_id__in=commune_ids, code=previous).exclude(
            kind=PeriodKind.AD_HOC
        )
    )
    figures = figures_for_years(periods)
    return {period.commune_id: figures[period.pk] for period in periods}


# The columns of a commune indicator, a target and a task that the province's consolidation
# reads: its matrix prints the target's text, the verdicts and the dashboards' trajectories need
# the rest. Named rows (`values_list(named=True)`): a province reads thousands of them.
INDICATOR_ROW = (
    "id",
    "commune_id",
    "province_indicator_id",
    "code",
    "unit_of_measure",
    "measure_kind",
    "direction",
)
TARGET_ROW = (
    "id",
    "indicator_id",
    "year",
    "text",
    "comparator",
    "value",
    "value_max",
    "until_year",  # an every-year target ("Mỗi năm có …") holds until then
)
TASK_ROW = (
    "id",
    "commune_id",
    "deadline_kind",
    "due_date",
    "deadline_text",
    "plan_start",
    "plan_end",
)


def _indicators_chosen(commune_ids, year: int) -> QuerySet:
    """The indicators (not heading rows) of the communes' plans in force in `year`, in plan
    order."""
    return Indicator.objects.filter(
        plan_in_force_q(year, prefix="plan__"), commune_id__in=commune_ids, is_heading=False
    ).order_by("commune_id", "plan__period_start", "plan_id", "order")


def _by_commune(rows: QuerySet) -> dict[int, int]:
    """How many of `rows` each commune has, by commune id."""
    return dict(
        rows.order_by()
        .values("commune_id")
        .annotate(count=Count("pk"))
        .values_list("commune_id", "count")
    )


def indicators_counted(commune_ids, year: int) -> dict[int, int]:
    """How many indicators each commune's plans in force in `year` hold, by commune id."""
    return _by_commune(_indicators_chosen(commune_ids, year))


def indicators_in_force(commune_ids, year: int) -> list[Indicator]:
    """The indicators of the communes' plans in force in `year`, in plan order, with what a
    commune's report prints about them (group, plan, province indicator, lead units) and their
    targets by year (`indicator.targets.all()`)."""
    return list(
        _indicators_chosen(commune_ids, year)
        .select_related("group", "plan", "province_indicator")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year")), "lead_units"
        )
    )


def indicator_rows_in_force(commune_ids, year: int) -> tuple[list, dict[int, list]]:
    """The same indicators as named rows (`INDICATOR_ROW`), and their targets by indicator id, by
    year (`TARGET_ROW`): what the province's consolidation judges and prints."""
    rows = list(_indicators_chosen(commune_ids, year).values_list(*INDICATOR_ROW, named=True))
    targets: dict[int, list] = defaultdict(list)
    # The communes' targets, of other plans too: a plain filter costs less than the indicators'
    # query as a subquery; the others are never looked up.
    for target in (
        Target.objects.filter(commune_id__in=commune_ids)
        .order_by("year")
        .values_list(*TARGET_ROW, named=True)
    ):
        targets[target.indicator_id].append(target)
    return rows, targets


def indicator_result(
    indicator: Indicator,
    targets: list[Target],
    figure: Figure | None,
    year: int,
    point: PeriodPoint | None = None,
) -> IndicatorResult:
    """The indicator judged on its figure: against the target of the year (else the next one)
    for a year's period, against the target path at `point` for a shorter one (the dashboards'
    rule: June is not judged on December's number). `targets`: the indicator's, by year."""
    target, milestone = target_or_next(targets, year)
    value = figure.value if figure else None
    is_done = figure.is_done if figure else None
    if point is not None and not point.is_final:
        standing = indicator_standing(
            targets,
            point,
            value=value,
            is_done=is_done,
            text=figure.text if figure else "",
            direction=indicator.direction,
        )
        verdict = standing_verdict(standing, value, indicator.direction)
        return IndicatorResult(
            indicator, target, milestone, figure, verdict, targets, standing=standing
        )
    verdict = target_assess(target, value=value, is_done=is_done, direction=indicator.direction)
    return IndicatorResult(indicator, target, milestone, figure, verdict, targets)


def result_point(period: ReportingPeriod | None, year: int) -> PeriodPoint:
    """Where a period sits in its year (an ad-hoc request, or none, counts as the whole year)."""
    if period is None or period.kind == PeriodKind.AD_HOC:
        return PeriodPoint(year, Decimal(1))
    parsed = period_parse(period.code)
    return period_point(parsed.kind, parsed.year, parsed.index)


def indicator_results(
    periods: dict[int, ReportingPeriod | None], *, year: int
) -> dict[int, list[IndicatorResult]]:
    """Per commune id, its indicators in force in `year` (`indicators_in_force`) judged on its
    period's figures."""
    indicators = indicators_in_force(list(periods), year)
    targets = {indicator.id: list(indicator.targets.all()) for indicator in indicators}
    return _indicators_judged(periods, year, indicators, targets)


def indicator_row_results(
    periods: dict[int, ReportingPeriod | None], *, year: int
) -> dict[int, list[IndicatorResult]]:
    """The same judgement on named rows (`indicator_rows_in_force`): the province's
    consolidation."""
    rows, targets = indicator_rows_in_force(list(periods), year)
    return _indicators_judged(periods, year, rows, targets)


def _indicators_judged(periods, year: int, indicators, targets: dict[int, list]):
    opened = [period for period in periods.values() if period is not None]
    figures = figures_for_years(opened)
    # Each commune's figures by indicator id (none for a commune whose period is not open).
    commune_figures = {period.commune_id: figures[period.pk] for period in opened}
    # A commune that has not opened the period is judged by the same rule as the others.
    shared = opened[0] if opened else None
    points = {
        commune_id: result_point(period or shared, year) for commune_id, period in periods.items()
    }
    results: dict[int, list[IndicatorResult]] = defaultdict(list)
    for indicator in indicators:
        commune_id = indicator.commune_id
        figure = commune_figures.get(commune_id, {}).get(indicator.id)
        results[commune_id].append(
            indicator_result(
                indicator, targets.get(indicator.id, []), figure, year, points[commune_id]
            )
        )
    return results


def task_due_date(task: Task, year: int, plan_years: range, extended=None) -> date | None:
    """The due date that counts for a period of `year` (`tasks.deadlines.task_due_in`), read
    from the stored date of a dated task, else from the deadline as printed; `extended`: the
    task's granted extensions (printed date → new date)."""
    if task.deadline_kind == DeadlineKind.DATE:
        deadline = ParsedDeadline(DeadlineKind.DATE, due_date=task.due_date)
    else:
        deadline = deadline_parse(task.deadline_text)
    return task_due_in(deadline, plan_years, year, extended)


def _tasks_chosen(periods, year: int) -> QuerySet:
    """The tasks (leaves) of the communes' plans in force in `year`, with their plan's years
    (`plan_start`, `plan_end`): a recurring deadline falls due in each."""
    return Task.objects.filter(
        plan_in_force_q(year, prefix="plan__"),
        commune_id__in=list(periods),
        children__isnull=True,
    ).annotate(plan_start=F("plan__period_start"), plan_end=F("plan__period_end"))


def tasks_counted(commune_ids, year: int) -> dict[int, int]:
    """How many tasks (leaves) each commune's plans in force in `year` hold, by commune id."""
    return _by_commune(_tasks_chosen(commune_ids, year))


def task_results(
    periods: dict[int, ReportingPeriod | None], *, year: int
) -> dict[int, list[TaskResult]]:
    """Per commune id, its tasks (leaves) in force in `year`, in plan order, each with its state
    at the end of the commune's period: the latest approved progress reported up to the period's
    cut-off. The tasks come with what a commune's report prints about them: section, plan and
    lead units."""
    chosen = _tasks_chosen(periods, year)
    tasks = (
        chosen.select_related("section", "plan")
        .prefetch_related("lead_units")
        .order_by("commune_id", "plan__period_start", "plan_id", "section__order", "order")
    )
    return _tasks_judged(periods, year, tasks, chosen)


def task_row_results(
    periods: dict[int, ReportingPeriod | None], *, year: int
) -> dict[int, list[TaskResult]]:
    """The same states on named rows (`TASK_ROW`), in no particular order: the province's
    consolidation counts them."""
    chosen = _tasks_chosen(periods, year)
    rows = chosen.order_by().values_list(*TASK_ROW, named=True)
    return _tasks_judged(periods, year, rows, chosen)


def _tasks_judged(periods, year: int, tasks, chosen: QuerySet) -> dict[int, list[TaskResult]]:
    latest = _latest_progress(chosen, periods)
    results: dict[int, list[TaskResult]] = defaultdict(list)
    due_dates: dict[tuple, date | None] = {}  # communes share the same printed deadlines
    moved = task_extensions_granted(commune_ids=list(periods))
    for task in tasks:
        period = periods[task.commune_id]
        years = range(task.plan_start, task.plan_end + 1)
        key = (task.deadline_kind, task.due_date, task.deadline_text, years)
        if key not in due_dates:
            due_dates[key] = task_due_date(task, year, years)
        due = due_dates[key]
        extended_to = None
        if task.id in moved:  # a granted extension moved this year's due date
            later = task_due_date(task, year, years, moved[task.id])
            extended_to, due = (later, later) if later != due else (None, due)
        progress = latest.get(task.id)
        if progress and task.deadline_kind in RECURRING and progress.year != year:
            progress = None  # last year's "done" does not do this year's round
        results[task.commune_id].append(
            TaskResult(
                task=task,
                due_date=due,
                extended_to=extended_to,
                state=_task_state(progress, due, period.window_end if period else None),
                percent=progress.percent if progress else None,
                result=progress.result if progress else "",
            )
        )
    return results


@dataclass(frozen=True, slots=True)
class _Progress:
    """The approved progress report kept for a task: what its state needs."""

    status: str
    percent: int | None
    result: str
    reported_from: date  # the start of the period it was reported in
    year: int  # that period's year


def _approved_progress(cutoff=None) -> QuerySet:
    """The approved progress reports (with a status) of the outer query's task, up to `cutoff` (an
    expression of the outer row) if one is given, latest first: by period end, then review."""
    reports = TaskProgress.objects.filter(
        task_id=OuterRef("pk"), submission__status=SubmissionStatus.APPROVED
    ).exclude(status="")
    if cutoff is not None:
        reports = reports.filter(period_end__lte=cutoff)
    return reports.order_by("-period_end", "-submission__reviewed_at", "-pk")


def latest_progress_kept(cutoff=None):
    """The rule of which progress report a task's state is read from, as an expression over a
    task queryset: the id of its latest approved report up to `cutoff`, a lead unit's before a
    support unit's. Per task, the index on (task, period end) finds it."""
    reports = _approved_progress(cutoff).values("pk")
    by_a_lead = reports.filter(
        Exists(
            Task.lead_units.through.objects.filter(
                task_id=OuterRef("task_id"), unit_id=OuterRef("submission__unit_id")
            )
        )
    )
    return Coalesce(Subquery(by_a_lead[:1]), Subquery(reports[:1]))


def latest_progress_through():
    """The latest period end of the outer task's approved progress (None: never approved)."""
    return Subquery(_approved_progress().values("period_end")[:1])


def _latest_progress(chosen: QuerySet, periods) -> dict[int, _Progress]:
    """The latest approved progress of each task that `chosen` selects, up to its commune's
    period (`latest_progress_kept`). Two queries: the ids, read from the task's
    `TaskLatestProgress` where it holds for the period (the period ends on or after its `through`),
    else from the task's history; then the reports."""
    communes_by_cutoff: dict[date, list[int]] = defaultdict(list)
    for commune_id, period in periods.items():
        if period is not None:
            communes_by_cutoff[period.window_end].append(commune_id)
    if not communes_by_cutoff:
        return {}
    cutoff = Case(
        *(When(commune_id__in=ids, then=Value(end)) for end, ids in communes_by_cutoff.items()),
        output_field=models.DateField(),
    )
    kept = (
        chosen.order_by()
        .annotate(cutoff=cutoff)
        .annotate(
            kept=Case(
                When(
                    latest_progress__through__lte=F("cutoff"),
                    then=F("latest_progress__progress_id"),
                ),
                default=latest_progress_kept(OuterRef("cutoff")),
            )
        )
        .filter(cutoff__isnull=False)
        .values_list("kept", flat=True)
    )
    rows = (
        TaskProgress.objects.filter(pk__in=[pk for pk in kept if pk is not None])
        .annotate(
            window_start=F("submission__period__window_start"),
            window_end=F("submission__period__window_end"),
            period_kind=F("submission__period__kind"),
            period_code=F("submission__period__code"),
        )
        .values_list(
            "task_id",
            "status",
            "percent",
            "result",
            "window_start",
            "window_end",
            "period_kind",
            "period_code",
            named=True,
        )
    )
    years: dict[tuple, int] = {}  # a period's year, parsed once
    latest: dict[int, _Progress] = {}
    for row in rows:
        period = (row.period_kind, row.period_code, row.window_end)
        if period not in years:
            years[period] = ReportingPeriod.year_of(*period)
        latest[row.task_id] = _Progress(
            row.status, row.percent, row.result, row.window_start, years[period]
        )
    return latest


def _task_state(progress: _Progress | None, due: date | None, as_of: date | None) -> TaskState:
    status = progress.status if progress else TaskStatus.NOT_STARTED
    if status == TaskStatus.CANCELLED:
        return TaskState.CANCELLED
    if status == TaskStatus.DONE_LATE:
        return TaskState.DONE_LATE
    if status == TaskStatus.DONE:
        return TaskState.DONE_LATE if due and progress.reported_from > due else TaskState.DONE
    if due and as_of and due < as_of:
        return TaskState.OVERDUE
    return TaskState.IN_PROGRESS if status == TaskStatus.IN_PROGRESS else TaskState.NOT_STARTED
