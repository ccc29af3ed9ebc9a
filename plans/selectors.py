"""Reads for the plan page: a fixed number of queries whatever the size of the plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from communes.models import Commune, Unit
from indicators.models import Indicator, IndicatorGroup, Target
from plans.models import Plan, PlanStatus
from tasks.deadlines import DeadlineKind
from tasks.models import Task, TaskSection


@dataclass
class IndicatorRow:
    indicator: Indicator
    targets: dict[int, Target]
    depth: int


@dataclass
class IndicatorGroupBlock:
    group: IndicatorGroup
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def indicator_count(self) -> int:
        return sum(1 for row in self.rows if not row.indicator.is_heading)


@dataclass
class TaskSectionBlock:
    section: TaskSection | None
    tasks: list[Task] = field(default_factory=list)


@dataclass
class PlanDetail:
    plan: Plan
    years: list[int]
    groups: list[IndicatorGroupBlock]
    sections: list[TaskSectionBlock]

    @property
    def indicator_count(self) -> int:
        return sum(block.indicator_count for block in self.groups)

    @property
    def task_count(self) -> int:
        return sum(len(block.tasks) for block in self.sections)

    @property
    def flagged_tasks(self) -> list[Task]:
        return [task for block in self.sections for task in block.tasks if task.deadline_flagged]

    @property
    def event_tasks(self) -> list[Task]:
        """Tasks due only once an event happens ("Sau khi … được ban hành")."""
        return [
            task
            for block in self.sections
            for task in block.tasks
            if task.deadline_kind == DeadlineKind.EVENT
        ]


def plan_in_force_q(year: int, *, prefix: str = "") -> Q:
    """The one rule for "plans in force in a year": issued as in force and covering the year.
    `prefix` reaches a plan through a relation ("plan__" for indicators and tasks); a plan
    already read answers `Plan.is_in_force_in`."""
    return Q(
        **{
            f"{prefix}status": PlanStatus.IN_FORCE,
            f"{prefix}period_start__lte": year,
            f"{prefix}period_end__gte": year,
        }
    )


def plans_in_force(year: int, *, commune=None, province=None) -> QuerySet[Plan]:
    """The plans in force in `year`, of a commune or of every commune of a province."""
    plans = Plan.objects.filter(plan_in_force_q(year))
    if commune is not None:
        plans = plans.filter(commune=commune)
    if province is not None:
        plans = plans.filter(commune__province=province)
    return plans


def plan_years_in_force(plans: QuerySet[Plan]) -> set[int]:
    """The years in which any of `plans` is in force (issued as in force, within its years)."""
    years: set[int] = set()
    rows = plans.filter(status=PlanStatus.IN_FORCE).values_list("period_start", "period_end")
    for start, end in rows.distinct():
        years.update(range(start, end + 1))
    return years


def plans_of_commune(commune: Commune) -> QuerySet[Plan]:
    return Plan.objects.filter(commune=commune).order_by("-period_start", "document_number")


def _units_prefetch(name: str) -> Prefetch:
    return Prefetch(name, queryset=Unit.objects.order_by("order", "short_name"))


def plan_detail(plan: Plan) -> PlanDetail:
    groups = list(IndicatorGroup.objects.filter(plan=plan).order_by("order"))
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(
            _units_prefetch("lead_units"),
            _units_prefetch("support_units"),
            Prefetch("targets", queryset=Target.objects.order_by("year")),
        )
    )
    years = sorted({target.year for indicator in indicators for target in indicator.targets.all()})
    blocks = {group.pk: IndicatorGroupBlock(group) for group in groups}
    by_pk = {indicator.pk: indicator for indicator in indicators}
    for indicator in indicators:
        depth, parent_id = 0, indicator.parent_id
        while parent_id and depth < 5:
            depth += 1
            parent_id = by_pk[parent_id].parent_id if parent_id in by_pk else None
        targets = {target.year: target for target in indicator.targets.all()}
        blocks[indicator.group_id].rows.append(IndicatorRow(indicator, targets, depth))

    sections = list(TaskSection.objects.filter(plan=plan).order_by("order"))
    tasks = (
        Task.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(_units_prefetch("lead_units"), _units_prefetch("support_units"))
    )
    section_blocks = {section.pk: TaskSectionBlock(section) for section in sections}
    unsectioned = TaskSectionBlock(None)
    for task in _under_their_headings(list(tasks)):
        (section_blocks.get(task.section_id) or unsectioned).tasks.append(task)
    task_blocks = list(section_blocks.values())
    if unsectioned.tasks:
        task_blocks.insert(0, unsectioned)
    return PlanDetail(plan=plan, years=years, groups=list(blocks.values()), sections=task_blocks)


def _under_their_headings(tasks: list[Task]) -> list[Task]:
    """Tasks in plan order with each sub-item right under its heading (a sub-item added later,
    with a higher order, still shows under it); `depth` set on each: 0 for a top-level task."""
    by_pk = {task.pk: task for task in tasks}
    children: dict[int | None, list[Task]] = {}
    for task in tasks:
        parent_id = task.parent_id if task.parent_id in by_pk else None
        children.setdefault(parent_id, []).append(task)
    ordered: list[Task] = []

    def place(task: Task, depth: int) -> None:
        task.depth = depth
        ordered.append(task)
        if depth < 5:
            for child in children.get(task.pk, []):
                place(child, depth + 1)

    for task in children.get(None, []):
        place(task, 0)
    placed = {task.pk for task in ordered}
    for task in tasks:
        if task.pk not in placed:  # in a cycle of parents: shown, not lost
            task.depth = 0
            ordered.append(task)
    return ordered


def plans_with_counts(commune):
    """The commune's plans for its page, each with its number of indicators (headings left out)
    and of tasks."""
    return plans_of_commune(commune).annotate(
        indicator_count=Count("indicators", filter=Q(indicators__is_heading=False), distinct=True),
        task_count=Count("tasks", distinct=True),
    )
