"""The commune dashboard: indicators on track, groups, tasks by unit."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from communes.models import Commune, Unit, UnitKind
from dashboards.legend import TASK_STATE_ORDER
from dashboards.ontrack import (
    TRACK_ORDER,
    PeriodPoint,
    Standing,
    Track,
)
from dashboards.selectors.compliance import (
    COMPLIANCE_STATES,
    ComplianceGrid,
    compliance_grid,
)
from dashboards.selectors.periods import (
    point_of,
    standing_of,
)
from indicators.models import Indicator, IndicatorGroup
from reporting.models import (
    ReportingPeriod,
)
from reporting.results import IndicatorResult, TaskResult, TaskState, commune_results
from reporting.selectors import (
    Figure,
    VerificationShare,
    units_expected,
    verification_shares,
)


@dataclass
class IndicatorRow:
    result: IndicatorResult
    standing: Standing

    @property
    def indicator(self) -> Indicator:
        return self.result.indicator

    @property
    def figure(self) -> Figure | None:
        return self.result.figure

    @property
    def track(self) -> Track:
        return self.standing.track


@dataclass
class GroupProgress:
    group: IndicatorGroup
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def counts(self) -> list[int]:
        counted = Counter(row.track for row in self.rows)
        return [counted[track] for track in TRACK_ORDER]


@dataclass
class UnitTasks:
    unit: Unit | None  # None: tasks the plan assigns to no unit
    tasks: list[TaskResult] = field(default_factory=list)

    @property
    def counts(self) -> list[int]:
        counted = Counter(result.state for result in self.tasks)
        return [counted[state] for state in TASK_STATE_ORDER]

    @property
    def overdue(self) -> int:
        return sum(result.state == TaskState.OVERDUE for result in self.tasks)


@dataclass
class CommuneDashboard:
    commune: Commune
    period: ReportingPeriod
    point: PeriodPoint
    indicators: list[IndicatorRow]
    groups: list[GroupProgress]
    all_groups: list[IndicatorGroup]  # for the filter, whatever is chosen
    tasks: list[TaskResult]  # overdue first
    task_units: list[UnitTasks]
    units: list[Unit]  # the units that report this year, for the filter
    unit: Unit | None  # the unit chosen, if any
    compliance: ComplianceGrid
    reporting: Counter  # this period's Timeliness values over the units
    group_id: int | None = None  # the group chosen, if any
    verification: VerificationShare = field(default_factory=VerificationShare)

    def track_counts(self) -> dict[str, int]:
        counted = Counter(row.track for row in self.indicators)
        return {track.value: counted[track] for track in TRACK_ORDER}

    def task_counts(self) -> dict[str, int]:
        counted = Counter(result.state for result in self.tasks)
        return {state.value: counted[state] for state in TASK_STATE_ORDER}

    @property
    def tasks_done(self) -> int:
        counts = self.task_counts()
        return counts[TaskState.DONE] + counts[TaskState.DONE_LATE]

    @property
    def units_expected(self) -> int:
        return sum(self.reporting.values())

    @property
    def on_time_percent(self) -> Decimal | None:
        if not self.units_expected:
            return None
        return Decimal(self.reporting["on_time"] * 100) / self.units_expected

    def task_columns(self) -> list[tuple[TaskState, list[TaskResult]]]:
        by_state = defaultdict(list)
        for result in self.tasks:
            by_state[result.state].append(result)
        return [(state, by_state[state]) for state in TASK_STATE_ORDER]


def _led_by(item, unit: Unit) -> bool:
    """Led by the unit; the standing office also compiles what the plan assigns to nobody."""
    leads = list(item.lead_units.all())
    return any(lead.pk == unit.pk for lead in leads) or (
        not leads and unit.kind == UnitKind.STANDING_OFFICE
    )


def _task_sort_key(result: TaskResult):
    return (TASK_STATE_ORDER.index(result.state), result.due_date or date.max)


def commune_dashboard(
    commune: Commune,
    period: ReportingPeriod,
    *,
    periods: list[ReportingPeriod],
    now: datetime,
    group_id: int | None = None,
    unit_id: int | None = None,
) -> CommuneDashboard:
    """Where the commune stands at `period`; `periods` are the commune's periods of that year
    (the compliance grid shows those of the period's kind)."""
    results = commune_results(commune, period)
    point = point_of(period.code)
    expected = units_expected(commune, period)
    unit = next((u for u in expected if u.pk == unit_id), None)

    all_groups: dict[int, IndicatorGroup] = {}
    for result in results.indicators:
        all_groups.setdefault(result.indicator.group_id, result.indicator.group)
    if group_id not in all_groups:
        group_id = None
    rows = []
    for result in results.indicators:
        if group_id and result.indicator.group_id != group_id:
            continue
        if unit and not _led_by(result.indicator, unit):
            continue
        rows.append(
            IndicatorRow(
                result, standing_of(result.indicator, result.targets, result.figure, point)
            )
        )
    groups: dict[int, GroupProgress] = {}
    for row in rows:
        groups.setdefault(row.indicator.group_id, GroupProgress(row.indicator.group)).rows.append(
            row
        )

    tasks = [result for result in results.tasks if not unit or _led_by(result.task, unit)]
    tasks.sort(key=_task_sort_key)
    by_unit: dict[int | None, UnitTasks] = {}
    for result in tasks:
        leads = list(result.task.lead_units.all()) or [None]
        for lead in leads:
            key = lead.pk if lead else None
            by_unit.setdefault(key, UnitTasks(lead)).tasks.append(result)
    task_units = sorted(
        by_unit.values(),
        key=lambda ut: (-ut.overdue, ut.unit is None, ut.unit.order if ut.unit else 0),
    )

    grid_units = [unit] if unit else expected
    same_kind = [p for p in periods if p.kind == period.kind]
    grid = compliance_grid(commune, same_kind, grid_units, now=now)
    column = same_kind.index(period) if period in same_kind else None
    reporting = Counter({state: 0 for state in COMPLIANCE_STATES})
    if column is not None:
        reporting.update(row.cells[column].state for row in grid.rows)
    return CommuneDashboard(
        commune=commune,
        period=period,
        point=point,
        indicators=rows,
        groups=list(groups.values()),
        all_groups=list(all_groups.values()),
        tasks=tasks,
        task_units=task_units,
        units=expected,
        unit=unit,
        compliance=grid,
        reporting=reporting,
        group_id=group_id,
        verification=verification_shares(commune_ids=[commune.pk], period_code=period.code).get(
            commune.pk, VerificationShare()
        ),
    )
