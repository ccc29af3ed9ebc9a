"""Where a commune stands in a period: each indicator against its target, each task's state.

One reading for the commune report, the dashboards and the API. Figures come from approved unit
reports only. Every function runs a fixed number of queries, whatever the number of communes,
indicators or tasks: the province consolidation calls the same batched functions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from indicators.assessment import Verdict, target_assess
from indicators.models import Indicator, Target
from plans.models import PlanStatus
from reporting.models import ReportingPeriod, SubmissionStatus, TaskProgress
from reporting.selectors import Figure, figures_for_periods
from tasks.deadlines import DeadlineKind, deadline_occurrences, deadline_parse
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


@dataclass
class IndicatorResult:
    indicator: Indicator
    target: Target | None  # the target of the period's year
    milestone: Target | None  # without a target that year: the next one set (e.g. 2030)
    figure: Figure | None
    verdict: Verdict


@dataclass
class TaskResult:
    task: Task
    due_date: date | None  # the due date that matters in the period's year
    state: TaskState
    percent: int | None  # the latest approved percent complete up to the period
    result: str  # the latest approved "result achieved" up to the period


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


def _in_force(year: int) -> dict:
    return {
        "plan__status": PlanStatus.IN_FORCE,
        "plan__period_start__lte": year,
        "plan__period_end__gte": year,
    }


def indicators_in_force(commune_ids, year: int):
    """The indicators (not heading rows) of the communes' plans in force in `year`, in plan order,
    with what reports print about them fetched."""
    return (
        Indicator.objects.filter(commune_id__in=commune_ids, is_heading=False, **_in_force(year))
        .select_related("group", "plan", "province_indicator")
        .prefetch_related(
            "lead_units", Prefetch("targets", queryset=Target.objects.order_by("year"))
        )
        .order_by("commune_id", "plan__period_start", "plan_id", "order")
    )


def indicator_result(indicator: Indicator, figure: Figure | None, year: int) -> IndicatorResult:
    targets = list(indicator.targets.all())
    target = next((t for t in targets if t.year == year), None)
    milestone = None if target else next((t for t in targets if t.year > year), None)
    verdict = target_assess(
        target,
        value=figure.value if figure else None,
        is_done=figure.is_done if figure else None,
        direction=indicator.direction,
    )
    return IndicatorResult(indicator, target, milestone, figure, verdict)


def indicator_results(
    periods: dict[int, ReportingPeriod | None], *, year: int
) -> dict[int, list[IndicatorResult]]:
    """Per commune id, its indicators in force in `year` judged on its period's figures."""
    opened = [period for period in periods.values() if period is not None]
    figures = figures_for_periods(opened)
    results: dict[int, list[IndicatorResult]] = defaultdict(list)
    for indicator in indicators_in_force(list(periods), year):
        period = periods[indicator.commune_id]
        figure = figures[period.pk].get(indicator.pk) if period else None
        results[indicator.commune_id].append(indicator_result(indicator, figure, year))
    return results


def task_due_date(task: Task, year: int) -> date | None:
    """The due date that counts in `year`: the printed date, or that year's occurrence of a
    recurring deadline ("Hàng năm", "2025-2030"); none for continuous or on-request tasks."""
    if task.deadline_kind == DeadlineKind.DATE:
        return task.due_date
    occurrences = deadline_occurrences(deadline_parse(task.deadline_text), year=year)
    return occurrences[-1] if occurrences else None


def task_results(
    periods: dict[int, ReportingPeriod | None], *, year: int
) -> dict[int, list[TaskResult]]:
    """Per commune id, its tasks (leaves) in force in `year`, each with its state at the end of
    the commune's period: the latest approved progress reported up to the period's cut-off."""
    tasks = list(
        Task.objects.filter(commune_id__in=list(periods), children__isnull=True, **_in_force(year))
        .select_related("section", "plan")
        .prefetch_related("lead_units")
        .order_by("commune_id", "plan__period_start", "plan_id", "section__order", "order")
    )
    latest = _latest_progress(tasks, periods)
    results: dict[int, list[TaskResult]] = defaultdict(list)
    for task in tasks:
        period = periods[task.commune_id]
        due = task_due_date(task, year)
        progress = latest.get(task.pk)
        if progress and task.deadline_kind in RECURRING and progress.submission.period.year != year:
            progress = None  # last year's "done" does not do this year's round
        results[task.commune_id].append(
            TaskResult(
                task=task,
                due_date=due,
                state=_task_state(progress, due, period.window_end if period else None),
                percent=progress.percent if progress else None,
                result=progress.result if progress else "",
            )
        )
    return results


def _latest_progress(tasks: list[Task], periods) -> dict[int, TaskProgress]:
    """The latest approved progress of each task up to its commune's period, the lead units'
    reports before the support units'."""
    cutoffs = {commune_id: p.window_end for commune_id, p in periods.items() if p is not None}
    if not cutoffs:
        return {}
    rows = (
        TaskProgress.objects.filter(
            commune_id__in=list(cutoffs),
            submission__status=SubmissionStatus.APPROVED,
            submission__period__window_end__lte=max(cutoffs.values()),
        )
        .exclude(status="")
        .select_related("submission__period")
        .order_by("submission__period__window_end", "submission__reviewed_at", "pk")
    )
    leads = {task.pk: {unit.pk for unit in task.lead_units.all()} for task in tasks}
    latest: dict[int, TaskProgress] = {}
    for row in rows:
        if row.task_id not in leads or row.submission.period.window_end > cutoffs[row.commune_id]:
            continue
        kept = latest.get(row.task_id)
        if (
            kept is None
            or row.submission.unit_id in leads[row.task_id]
            or kept.submission.unit_id not in leads[row.task_id]
        ):
            latest[row.task_id] = row
    return latest


def _task_state(progress: TaskProgress | None, due: date | None, as_of: date | None) -> TaskState:
    status = progress.status if progress else TaskStatus.NOT_STARTED
    if status == TaskStatus.CANCELLED:
        return TaskState.CANCELLED
    if status == TaskStatus.DONE_LATE:
        return TaskState.DONE_LATE
    if status == TaskStatus.DONE:
        reported_from = progress.submission.period.window_start
        return TaskState.DONE_LATE if due and reported_from > due else TaskState.DONE
    if due and as_of and due < as_of:
        return TaskState.OVERDUE
    return TaskState.IN_PROGRESS if status == TaskStatus.IN_PROGRESS else TaskState.NOT_STARTED
