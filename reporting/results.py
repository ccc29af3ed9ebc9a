"""Where a commune stands in a period: each indicator against its target, each task's state.

One reading for the commune report, the dashboards and the API. Figures come from approved unit
reports only. Every function runs a fixed number of queries, whatever the number of communes,
indicators or tasks: the province consolidation calls the same batched functions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db import models
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Unit
from indicators.assessment import Verdict, target_assess
from indicators.models import Indicator, IndicatorGroup, ProvinceIndicator, Target
from plans.models import Plan, PlanStatus
from reporting.models import ReportingPeriod, SubmissionStatus, TaskProgress
from reporting.selectors import Figure, figures_for_periods
from tasks.deadlines import DeadlineKind, deadline_occurrences, deadline_parse
from tasks.models import Task, TaskSection, TaskStatus

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


# What the province's consolidation reads of each commune indicator and target: the matrix prints
# the code and the target's text, the verdict needs the rest.
INDICATOR_SUMMARY = (
    "id",
    "commune_id",
    "province_indicator_id",
    "code",
    "measure_kind",
    "direction",
)
TARGET_SUMMARY = ("id", "indicator_id", "year", "text", "comparator", "value", "value_max")
# And of each task: what its state needs.
TASK_SUMMARY = ("id", "commune_id", "deadline_kind", "due_date", "deadline_text")


def indicators_in_force(commune_ids, year: int, *, detail: bool = True) -> list[Indicator]:
    """The indicators (not heading rows) of the communes' plans in force in `year`, in plan order,
    with their targets (by year) and, with `detail`, what a commune's own report prints about them:
    group, plan, province indicator and lead units. Related rows are read once and attached, not
    joined per indicator: the province consolidation reads thousands of indicators, and leaves
    out the detail it does not print."""
    chosen = Indicator.objects.filter(
        commune_id__in=commune_ids, is_heading=False, **_in_force(year)
    )
    indicators = _rows_as_instances(
        chosen.order_by("commune_id", "plan__period_start", "plan_id", "order"),
        None if detail else INDICATOR_SUMMARY,
    )
    if detail:
        _related_attach(indicators, "group", IndicatorGroup)
        _related_attach(indicators, "plan", Plan)
        _related_attach(indicators, "province_indicator", ProvinceIndicator)
        _lead_units_attach(indicators, _lead_ids(chosen), commune_ids)
    # The communes' targets, of other plans too: a plain filter costs less than the indicators'
    # query as a subquery, and the few others are left out here.
    targets: dict[int, list[Target]] = {}
    for indicator in indicators:  # `.id`, not `.pk`: no property call in loops of thousands
        targets[indicator.id] = _Prefetched()
        _prefetched_set(indicator, "targets", targets[indicator.id])
    for target in _rows_as_instances(
        Target.objects.filter(commune_id__in=commune_ids).order_by("year"),
        None if detail else TARGET_SUMMARY,
    ):
        bucket = targets.get(target.indicator_id)
        if bucket is not None:
            bucket.append(target)
    return indicators


class _Prefetched(list):
    """What prefetch_related leaves behind, without building a QuerySet per instance (that cost
    more than the rest of the consolidation): `instance.lead_units.all()` answers this list.
    Only reads are meant; a filter on it would need a real queryset, so it refuses."""

    def all(self):
        return self

    def count(self, *args):
        return len(self) if not args else super().count(*args)

    def exists(self) -> bool:
        return bool(self)

    def first(self):
        return self[0] if self else None

    def __getattr__(self, name):
        raise AttributeError(f"prefetched rows offer all(), count(), exists(), first(): not {name}")


def _rows_as_instances(queryset: QuerySet, fields: tuple[str, ...] | None = None) -> list:
    """The queryset's rows as model instances, built from values_list without Model.__init__
    (a fifth of its cost): the consolidation of 160 communes builds tens of thousands of them.
    `fields` (attnames, the primary key first) reads only those; the others are deferred, as
    with `only()`, and cost a query each if read. Only for plain querysets (no select_related)."""
    model = queryset.model
    names = list(fields or (field.attname for field in model._meta.concrete_fields))
    instances, database, new = [], queryset.db, model.__new__
    for row in queryset.values_list(*names):
        state = ModelState()
        state.adding = False
        state.db = database
        values = dict(zip(names, row, strict=True))
        values["_state"] = state
        instance = new(model)
        instance.__dict__ = values
        instances.append(instance)
    return instances


def _prefetched(instance, name: str) -> list:
    """`instance.<name>.all()` as a list, read from the prefetch cache when it is there (a
    related manager costs more to build than the list it returns)."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    if name in cache:
        return cache[name]
    return list(getattr(instance, name).all())


def _prefetched_set(instance, name: str, items: list) -> None:
    """Make `instance.<name>.all()` answer `items` without a query, as prefetch_related would."""
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    if not isinstance(items, _Prefetched):
        items = _Prefetched(items)
    instance._prefetched_objects_cache[name] = items


def _related_attach(instances: list, field: str, model) -> None:
    """Set each instance's foreign key `field` from one query over the distinct ids."""
    attname = f"{field}_id"  # read from __dict__: the foreign key's descriptor costs more
    ids = {instance.__dict__[attname] for instance in instances} - {None}
    # Queried even without ids: the number of queries stays fixed.
    objects = {obj.pk: obj for obj in _rows_as_instances(model._base_manager.filter(pk__in=ids))}
    for instance in instances:
        related_id = instance.__dict__[attname]
        instance._state.fields_cache[field] = objects.get(related_id) if related_id else None


def _lead_ids(chosen: QuerySet) -> dict[int, list[int]]:
    """The lead unit ids of each indicator or task that `chosen` selects (read as a subquery)."""
    model = chosen.model
    owner = f"{model._meta.model_name}_id"
    rows = model.lead_units.through.objects.filter(**{f"{owner}__in": chosen.values("pk")})
    leads: dict[int, list[int]] = defaultdict(list)
    for owner_id, unit_id in rows.values_list(owner, "unit_id").order_by("pk"):
        leads[owner_id].append(unit_id)
    return leads


def _lead_units_attach(instances: list, leads: dict[int, list[int]], commune_ids) -> None:
    """Each instance's lead units, as `instance.lead_units.all()`."""
    units = {
        unit.pk: unit
        for unit in _rows_as_instances(Unit.objects.filter(commune_id__in=commune_ids))
    }
    for instance in instances:
        unit_ids = leads.get(instance.id, [])
        _prefetched_set(instance, "lead_units", [units[unit_id] for unit_id in unit_ids])


def indicator_result(indicator: Indicator, figure: Figure | None, year: int) -> IndicatorResult:
    targets = _prefetched(indicator, "targets")
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
    periods: dict[int, ReportingPeriod | None], *, year: int, detail: bool = True
) -> dict[int, list[IndicatorResult]]:
    """Per commune id, its indicators in force in `year` judged on its period's figures (`detail`:
    see `indicators_in_force`)."""
    opened = [period for period in periods.values() if period is not None]
    figures = figures_for_periods(opened)
    # Each commune's figures by indicator id (none for a commune whose period is not open).
    commune_figures = {period.commune_id: figures[period.pk] for period in opened}
    results: dict[int, list[IndicatorResult]] = defaultdict(list)
    for indicator in indicators_in_force(list(periods), year, detail=detail):
        commune_id = indicator.commune_id
        figure = commune_figures.get(commune_id, {}).get(indicator.id)
        results[commune_id].append(indicator_result(indicator, figure, year))
    return results


def task_due_date(task: Task, year: int) -> date | None:
    """The due date that counts in `year`: the printed date, or that year's occurrence of a
    recurring deadline ("Hàng năm", "2025-2030"); none for continuous or on-request tasks."""
    if task.deadline_kind == DeadlineKind.DATE:
        return task.due_date
    occurrences = deadline_occurrences(deadline_parse(task.deadline_text), year=year)
    return occurrences[-1] if occurrences else None


def task_results(
    periods: dict[int, ReportingPeriod | None], *, year: int, detail: bool = True
) -> dict[int, list[TaskResult]]:
    """Per commune id, its tasks (leaves) in force in `year`, each with its state at the end of
    the commune's period: the latest approved progress reported up to the period's cut-off.
    With `detail`, what a commune's report prints about each task is attached: section, plan
    and lead units; the province counts states only."""
    chosen = Task.objects.filter(
        commune_id__in=list(periods), children__isnull=True, **_in_force(year)
    )
    tasks = _rows_as_instances(
        chosen.order_by("commune_id", "plan__period_start", "plan_id", "section__order", "order"),
        None if detail else TASK_SUMMARY,
    )
    leads = _lead_ids(chosen)
    if detail:
        _related_attach(tasks, "section", TaskSection)
        _related_attach(tasks, "plan", Plan)
        _lead_units_attach(tasks, leads, list(periods))
    latest = _latest_progress({task.id: set(leads.get(task.id, ())) for task in tasks}, periods)
    results: dict[int, list[TaskResult]] = defaultdict(list)
    due_dates: dict[tuple, date | None] = {}  # communes share the same printed deadlines
    for task in tasks:
        period = periods[task.commune_id]
        key = (task.deadline_kind, task.due_date, task.deadline_text)
        if key not in due_dates:
            due_dates[key] = task_due_date(task, year)
        due = due_dates[key]
        progress = latest.get(task.id)
        if progress and task.deadline_kind in RECURRING and progress.period.year != year:
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


class _Progress(NamedTuple):
    """The columns of an approved TaskProgress a task's state needs, with its period."""

    task_id: int
    commune_id: int
    unit_id: int
    status: str
    percent: int | None
    result: str
    period: ReportingPeriod


def _latest_progress(leads: dict[int, set[int]], periods) -> dict[int, _Progress]:
    """The latest approved progress of each task of `leads` (its lead unit ids by task id) up to
    its commune's period, the lead units' reports before the support units'."""
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
        .order_by("submission__period__window_end", "submission__reviewed_at", "pk")
        .values_list(
            "task_id",
            "commune_id",
            "submission__unit_id",
            "status",
            "percent",
            "result",
            "submission__period_id",
        )
    )
    rows = list(rows)
    # Queried even when empty: the number of queries stays fixed.
    reporting_periods = ReportingPeriod.objects.in_bulk({row[-1] for row in rows} or [0])
    latest: dict[int, _Progress] = {}
    for *columns, period_id in rows:
        row = _Progress(*columns, period=reporting_periods[period_id])
        if row.task_id not in leads or row.period.window_end > cutoffs[row.commune_id]:
            continue
        kept = latest.get(row.task_id)
        if (
            kept is None
            or row.unit_id in leads[row.task_id]
            or kept.unit_id not in leads[row.task_id]
        ):
            latest[row.task_id] = row
    return latest


def _task_state(progress: _Progress | None, due: date | None, as_of: date | None) -> TaskState:
    status = progress.status if progress else TaskStatus.NOT_STARTED
    if status == TaskStatus.CANCELLED:
        return TaskState.CANCELLED
    if status == TaskStatus.DONE_LATE:
        return TaskState.DONE_LATE
    if status == TaskStatus.DONE:
        reported_from = progress.period.window_start
        return TaskState.DONE_LATE if due and reported_from > due else TaskState.DONE
    if due and as_of and due < as_of:
        return TaskState.OVERDUE
    return TaskState.IN_PROGRESS if status == TaskStatus.IN_PROGRESS else TaskState.NOT_STARTED
