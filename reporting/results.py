"""Where a commune stands in a period: each indicator against its target, each task's state.

One reading for the commune report, the dashboards and the API. Figures come from approved unit
reports only. Every function runs a fixed number of queries, whatever the number of communes,
indicators or tasks: the province consolidation calls the same batched functions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import models
from django.db.models import Case, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.base import ModelState
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Unit
from indicators.assessment import Verdict, target_assess, target_or_next
from indicators.models import Indicator, IndicatorGroup, ProvinceIndicator, Target
from indicators.ontrack import (
    PeriodPoint,
    Standing,
    indicator_standing,
    period_point,
    standing_verdict,
)
from plans.models import Plan
from plans.selectors import plan_in_force_q
from reporting.models import ReportingPeriod, SubmissionStatus, TaskProgress
from reporting.periods import PeriodKind, period_parse
from reporting.selectors import Figure, figures_for_years, task_extensions_granted
from tasks.deadlines import DeadlineKind, ParsedDeadline, deadline_parse, task_due_in
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


@dataclass(slots=True)
class IndicatorResult:
    indicator: Indicator | IndicatorSummary  # a summary in the province's consolidation
    target: Target | TargetSummary | None  # the target of the period's year
    # Without a target that year: the next one set (e.g. 2030).
    milestone: Target | TargetSummary | None
    figure: Figure | None
    verdict: Verdict
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
    task: Task | TaskSummary  # a summary in the province's consolidation
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


class TargetSummary(NamedTuple):
    """What the province's consolidation reads of a target: the matrix prints the text, the
    verdict and the dashboards' trajectories need the rest."""

    id: int
    indicator_id: int
    year: int
    text: str
    comparator: str
    value: Decimal | None
    value_max: Decimal | None
    until_year: int | None  # an every-year target ("Mỗi năm có …") holds until then


class IndicatorSummary(NamedTuple):
    """What the province's consolidation reads of a commune indicator, with its targets by year
    (`targets.all()`, as a prefetched relation answers). A tuple, not a model instance: a
    province reads thousands of them."""

    id: int
    commune_id: int
    province_indicator_id: int | None
    code: str
    unit_of_measure: str  # the dashboards print "87,5%" for percentages
    measure_kind: str
    direction: str
    targets: _Prefetched

    @property
    def pk(self) -> int:
        return self.id


class TaskSummary(NamedTuple):
    """What the province's consolidation reads of a task: what its state needs."""

    id: int
    commune_id: int
    deadline_kind: str
    due_date: date | None
    deadline_text: str
    plan_start: int  # the plan's years: a recurring deadline falls due in each
    plan_end: int


_TASK_SUMMARY_COLUMNS = [*TaskSummary._fields[:-2], "plan__period_start", "plan__period_end"]


def _plan_years(task: Task | TaskSummary) -> range:
    if isinstance(task, tuple):
        return range(task.plan_start, task.plan_end + 1)
    return range(task.plan.period_start, task.plan.period_end + 1)


def _summary_fields(summary: type[NamedTuple]) -> list[str]:
    return [name for name in summary._fields if name != "targets"]


def indicators_in_force(
    commune_ids, year: int, *, detail: bool = True
) -> list[Indicator] | list[IndicatorSummary]:
    """The indicators (not heading rows) of the communes' plans in force in `year`, in plan order,
    with their targets (by year). With `detail`, model instances with what a commune's own report
    prints about them: group, plan, province indicator and lead units. Without, summaries
    (`IndicatorSummary`, `TargetSummary`): the province consolidation reads thousands of them
    and prints none of that detail. Related rows are read once and attached, not joined per
    indicator."""
    chosen = Indicator.objects.filter(
        plan_in_force_q(year, prefix="plan__"), commune_id__in=commune_ids, is_heading=False
    ).order_by("commune_id", "plan__period_start", "plan_id", "order")
    # The communes' targets, of other plans too: a plain filter costs less than the indicators'
    # query as a subquery, and the few others are left out below.
    all_targets = Target.objects.filter(commune_id__in=commune_ids).order_by("year")
    if detail:
        indicators = _rows_as_instances(chosen)
        _related_attach(indicators, "group", IndicatorGroup)
        _related_attach(indicators, "plan", Plan)
        _related_attach(indicators, "province_indicator", ProvinceIndicator)
        _lead_units_attach(indicators, _lead_ids(chosen), commune_ids)
        for indicator in indicators:
            _prefetched_set(indicator, "targets", _Prefetched())
        targets = _rows_as_instances(all_targets)
    else:
        indicators = [
            IndicatorSummary(*row, _Prefetched())
            for row in chosen.values_list(*_summary_fields(IndicatorSummary))
        ]
        targets = map(TargetSummary._make, all_targets.values_list(*TargetSummary._fields))
    # `.id`, not `.pk`: no property call in loops of thousands.
    buckets = {indicator.id: _prefetched(indicator, "targets") for indicator in indicators}
    for target in targets:
        bucket = buckets.get(target.indicator_id)
        if bucket is not None:
            bucket.append(target)
    return indicators


def _rows_as_instances(queryset: QuerySet) -> list:
    """The queryset's rows as model instances, built from values_list without Model.__init__
    (a fifth of its cost): a commune's report reads hundreds of them. Only for plain querysets
    (no select_related)."""
    model = queryset.model
    names = [field.attname for field in model._meta.concrete_fields]
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
    related manager costs more to build than the list it returns); a summary carries it."""
    if isinstance(instance, tuple):
        return getattr(instance, name)
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


def _lead_ids(chosen: QuerySet, ids=None) -> dict[int, list[int]]:
    """The lead unit ids of each indicator or task that `chosen` selects (read as a subquery),
    or of those of its model with these `ids`."""
    model = chosen.model
    owner = f"{model._meta.model_name}_id"
    owners = chosen.values("pk") if ids is None else ids
    rows = model.lead_units.through.objects.filter(**{f"{owner}__in": owners})
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


def indicator_result(
    indicator: Indicator, figure: Figure | None, year: int, point: PeriodPoint | None = None
) -> IndicatorResult:
    """The indicator judged on its figure: against the target of the year (else the next one)
    for a year's period, against the target path at `point` for a shorter one (the dashboards'
    rule: June is not judged on December's number)."""
    targets = _prefetched(indicator, "targets")
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
        return IndicatorResult(indicator, target, milestone, figure, verdict, standing=standing)
    verdict = target_assess(target, value=value, is_done=is_done, direction=indicator.direction)
    return IndicatorResult(indicator, target, milestone, figure, verdict)


def result_point(period: ReportingPeriod | None, year: int) -> PeriodPoint:
    """Where a period sits in its year (an ad-hoc request, or none, counts as the whole year)."""
    if period is None or period.kind == PeriodKind.AD_HOC:
        return PeriodPoint(year, Decimal(1))
    parsed = period_parse(period.code)
    return period_point(parsed.kind, parsed.year, parsed.index)


def indicator_results(
    periods: dict[int, ReportingPeriod | None], *, year: int, detail: bool = True
) -> dict[int, list[IndicatorResult]]:
    """Per commune id, its indicators in force in `year` judged on its period's figures (`detail`:
    see `indicators_in_force`)."""
    opened = [period for period in periods.values() if period is not None]
    figures = figures_for_years(opened)
    # Each commune's figures by indicator id (none for a commune whose period is not open).
    commune_figures = {period.commune_id: figures[period.pk] for period in opened}
    # A commune that has not opened the period is judged by the same rule as the others.
    shared = opened[0] if opened else None
    results: dict[int, list[IndicatorResult]] = defaultdict(list)
    commune_id = None
    for indicator in indicators_in_force(list(periods), year, detail=detail):  # by commune
        if indicator.commune_id != commune_id:
            commune_id = indicator.commune_id
            figures_of, judged = commune_figures.get(commune_id, {}), results[commune_id]
            point = result_point(periods.get(commune_id) or shared, year)
        judged.append(indicator_result(indicator, figures_of.get(indicator.id), year, point))
    return results


def task_due_date(
    task: Task | TaskSummary, year: int, plan_years: range, extended=None
) -> date | None:
    """The due date that counts for a period of `year` (`tasks.deadlines.task_due_in`), read
    from the stored date of a dated task, else from the deadline as printed; `extended`: the
    task's granted extensions (printed date → new date)."""
    if task.deadline_kind == DeadlineKind.DATE:
        deadline = ParsedDeadline(DeadlineKind.DATE, due_date=task.due_date)
    else:
        deadline = deadline_parse(task.deadline_text)
    return task_due_in(deadline, plan_years, year, extended)


def task_results(
    periods: dict[int, ReportingPeriod | None], *, year: int, detail: bool = True
) -> dict[int, list[TaskResult]]:
    """Per commune id, its tasks (leaves) in force in `year`, each with its state at the end of
    the commune's period: the latest approved progress reported up to the period's cut-off.
    With `detail`, model instances with what a commune's report prints about each task: section,
    plan and lead units. Without, summaries (`TaskSummary`): the province counts states only."""
    chosen = Task.objects.filter(
        plan_in_force_q(year, prefix="plan__"),
        commune_id__in=list(periods),
        children__isnull=True,
    )
    if detail:
        tasks = _rows_as_instances(
            chosen.order_by(
                "commune_id", "plan__period_start", "plan_id", "section__order", "order"
            )
        )
        leads = _lead_ids(chosen)
        _related_attach(tasks, "section", TaskSection)
        _related_attach(tasks, "plan", Plan)
        _lead_units_attach(tasks, leads, list(periods))
    else:  # counted, not printed: in any order; lead units read where they decide
        tasks = [TaskSummary(*row) for row in chosen.order_by().values_list(*_TASK_SUMMARY_COLUMNS)]
        leads = None
    latest = _latest_progress(chosen, periods)
    results: dict[int, list[TaskResult]] = defaultdict(list)
    due_dates: dict[tuple, date | None] = {}  # communes share the same printed deadlines
    moved = task_extensions_granted(commune_ids=list(periods))
    for task in tasks:
        period = periods[task.commune_id]
        years = _plan_years(task)
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


class _Progress(NamedTuple):
    """An approved TaskProgress row as a task's state needs it, with its period's dates, kind and
    code; `year` (the period's) is set on the one kept for each task."""

    task_id: int
    commune_id: int
    unit_id: int
    status: str
    percent: int | None
    result: str
    window_start: date  # of the period it was reported in
    window_end: date
    kind: str
    code: str
    year: int = 0


def _latest_progress(chosen: QuerySet, periods) -> dict[int, _Progress]:
    """The latest approved progress of each task that `chosen` selects, up to its commune's
    period (by period end, then review), a lead unit's report before a support unit's. One query:
    per task, the index on (task, period end) finds the latest report of a lead unit, else of any
    unit, instead of the whole history being read and sifted here."""
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
    reports = (
        TaskProgress.objects.filter(
            task_id=OuterRef("pk"),
            period_end__lte=OuterRef("cutoff"),
            submission__status=SubmissionStatus.APPROVED,
        )
        .exclude(status="")
        .order_by("-period_end", "-submission__reviewed_at", "-pk")
        .values("pk")
    )
    by_a_lead = reports.filter(
        Exists(
            Task.lead_units.through.objects.filter(
                task_id=OuterRef("task_id"), unit_id=OuterRef("submission__unit_id")
            )
        )
    )
    kept = (
        chosen.order_by()
        .annotate(cutoff=cutoff)
        .values(kept=Coalesce(Subquery(by_a_lead[:1]), Subquery(reports[:1])))
    )
    rows = TaskProgress.objects.filter(pk__in=kept).values_list(
        "task_id",
        "commune_id",
        "submission__unit_id",
        "status",
        "percent",
        "result",
        "submission__period__window_start",
        "submission__period__window_end",
        "submission__period__kind",
        "submission__period__code",
    )
    years: dict[tuple, int] = {}  # a period's year, parsed once
    latest: dict[int, _Progress] = {}
    for row in rows:
        report = _Progress(*row)
        period = (report.kind, report.code, report.window_end)
        year = years.get(period)
        if year is None:
            year = years[period] = ReportingPeriod.year_of(*period)
        latest[report.task_id] = report._replace(year=year)
    return latest


def _task_state(progress: _Progress | None, due: date | None, as_of: date | None) -> TaskState:
    status = progress.status if progress else TaskStatus.NOT_STARTED
    if status == TaskStatus.CANCELLED:
        return TaskState.CANCELLED
    if status == TaskStatus.DONE_LATE:
        return TaskState.DONE_LATE
    if status == TaskStatus.DONE:
        reported_from = progress.window_start
        return TaskState.DONE_LATE if due and reported_from > due else TaskState.DONE
    if due and as_of and due < as_of:
        return TaskState.OVERDUE
    return TaskState.IN_PROGRESS if status == TaskStatus.IN_PROGRESS else TaskState.NOT_STARTED
