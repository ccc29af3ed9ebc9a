"""Reads for the dashboards: a fixed number of queries whatever the number of indicators, tasks,
units, periods or communes. Figures, verdicts, task states and the province's consolidation
come from the shared read layer (`reporting.results`, `reporting.consolidation`); this module
adds the on-track classes, the groupings the dashboards show and the reporting-compliance grid.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Max
from django.utils.translation import pgettext

from communes.models import AuditEntry, Commune, Province, Unit, UnitKind
from dashboards.charts import number_label
from dashboards.legend import TASK_STATE_ORDER
from dashboards.ontrack import (
    TRACK_ORDER,
    PeriodPoint,
    Standing,
    Track,
    indicator_standing,
    path_value,
    period_point,
    target_path,
)
from indicators.models import Indicator, IndicatorGroup, MeasureKind, ProvinceIndicator, Target
from plans.models import Plan
from plans.selectors import plan_years_in_force
from reporting.consolidation import (
    CommuneCell,
    CommuneStanding,
    ConsolidatedRow,
    NationalConsolidation,
    NationalIndicator,
    ProvinceConsolidation,
    ProvinceSummary,
    national_consolidation,
    province_consolidation,
)
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    ReportingSchedule,
    Submission,
    SubmissionStatus,
)
from reporting.periods import PeriodKind, period_for, period_parse
from reporting.results import IndicatorResult, TaskResult, TaskState, commune_results
from reporting.selectors import (
    Figure,
    Timeliness,
    VerificationShare,
    figures_for_periods,
    submission_timeliness,
    units_expected,
    verification_shares,
)
from tasks.models import Task, TaskSection

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
# Choosing the period


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


# ---------------------------------------------------------------------------------------------
# Reporting compliance


@dataclass
class ComplianceCell:
    period: ReportingPeriod
    state: str  # a Timeliness value
    submission: Submission | None


@dataclass
class ComplianceRow:
    unit: Unit
    cells: list[ComplianceCell]

    @property
    def counts(self) -> Counter:
        return Counter(cell.state for cell in self.cells)


@dataclass
class ComplianceGrid:
    periods: list[ReportingPeriod]
    rows: list[ComplianceRow]

    def column_counts(self) -> list[Counter]:
        return [Counter(row.cells[i].state for row in self.rows) for i in range(len(self.periods))]

    @property
    def counts(self) -> Counter:
        total = Counter()
        for row in self.rows:
            total.update(row.counts)
        return total


COMPLIANCE_STATES = list(Timeliness.values)


def compliance_state(submission: Submission | None, period: ReportingPeriod, now: datetime) -> str:
    """`reporting.selectors.submission_timeliness`, the review page's rule."""
    return submission_timeliness(submission, period, now).value


def compliance_grid(
    commune: Commune, periods: list[ReportingPeriod], units: list[Unit], *, now: datetime
) -> ComplianceGrid:
    """Units × periods: on time, late, missing, not due yet. One query for every period."""
    submissions = {
        (s.period_id, s.unit_id): s
        for s in Submission.objects.filter(
            commune=commune, period__in=periods, unit__in=units
        ).only("period_id", "unit_id", "submitted_at", "is_late", "status", "deadline_extended")
    }
    rows = [
        ComplianceRow(
            unit,
            [
                ComplianceCell(
                    period,
                    compliance_state(submissions.get((period.pk, unit.pk)), period, now),
                    submissions.get((period.pk, unit.pk)),
                )
                for period in periods
            ],
        )
        for unit in units
    ]
    return ComplianceGrid(periods=periods, rows=rows)


# ---------------------------------------------------------------------------------------------
# The commune dashboard


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


# ---------------------------------------------------------------------------------------------
# An indicator's history


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


# ---------------------------------------------------------------------------------------------
# The province dashboard


@dataclass
class PeriodOption:
    code: str
    kind: str
    year: int
    label: str
    deadline: datetime
    window_end: date


def province_periods(province: Province) -> list[PeriodOption]:
    """The calendar periods any commune of the province has opened, one query."""
    return _period_options(ReportingPeriod.objects.filter(commune__province=province))


def national_periods() -> list[PeriodOption]:
    """The calendar periods any commune of the country has opened, one query."""
    return _period_options(ReportingPeriod.objects.all())


def national_plan_years() -> set[int]:
    return plan_years_in_force(Plan.objects.all())


def _period_options(periods) -> list[PeriodOption]:
    rows = (
        periods.exclude(kind=PeriodKind.AD_HOC)
        .values("code", "kind")
        # Due once every commune's deadline has passed: the province reads what all have sent.
        .annotate(deadline=Max("deadline"), window_end=Max("window_end"))
    )
    options = []
    for row in rows:
        parsed = period_parse(row["code"])
        options.append(
            PeriodOption(
                row["code"],
                row["kind"],
                parsed.year,
                parsed.label(),
                row["deadline"],
                row["window_end"],
            )
        )
    return sorted(options, key=lambda o: (o.year, KIND_ORDER.index(o.kind), o.code))


def province_plan_years(province: Province) -> set[int]:
    return plan_years_in_force(Plan.objects.filter(commune__province=province))


def province_period_choose(
    options: list[PeriodOption], *, plan_years: set[int], now, year=None, code=None
) -> PeriodOption | None:
    chosen = next((o for o in options if o.code == code), None) if code else None
    if chosen is not None:
        return chosen
    candidates = [o for o in options if o.year == year] if year else []
    if not candidates:
        candidates = [o for o in options if o.year in plan_years] or options
    due = [o for o in candidates if o.deadline <= now] or candidates
    if not due:
        return None
    return max(due, key=lambda o: (o.window_end, -KIND_ORDER.index(o.kind)))


@dataclass
class HeatCell:
    row: ConsolidatedRow
    cell: CommuneCell | None  # None: the commune's plans have no such indicator
    standing: Standing | None


@dataclass
class CommuneLine:
    """One commune in the ranking and the heatmap."""

    standing: CommuneStanding
    cells: list[HeatCell]
    achieved: int  # in the chosen group (all groups: the commune's own indicators)
    assessed: int
    rank: int = 0
    verification: VerificationShare = field(default_factory=VerificationShare)

    @property
    def commune(self) -> Commune:
        return self.standing.commune

    @property
    def achieved_percent(self) -> Decimal | None:
        return Decimal(self.achieved * 100) / self.assessed if self.assessed else None

    @property
    def has_plan(self) -> bool:
        """A plan in force in the period's year: something to report on."""
        return bool(self.standing.indicators_total or self.standing.tasks_total)

    @property
    def reporting_percent(self) -> Decimal | None:
        expected = self.standing.units_expected
        return Decimal(self.standing.on_time * 100) / expected if expected else None

    @property
    def track_counts(self) -> list[int]:
        counted = Counter(c.standing.track for c in self.cells if c.standing is not None)
        return [counted[track] for track in TRACK_ORDER]


@dataclass
class ProvinceDashboard:
    consolidation: ProvinceConsolidation
    groups: list[str]
    group: str | None
    columns: list[ConsolidatedRow]  # the catalogue rows shown (the chosen group's)
    column_groups: list[tuple[str, int]]  # group name, number of columns
    lines: list[CommuneLine]  # sorted as asked
    sort: str

    def track_totals(self) -> list[int]:
        """Over every commune and indicator shown, how many fall in each class."""
        return [
            sum(counts) for counts in zip(*[line.track_counts for line in self.lines], strict=True)
        ] or [0] * len(TRACK_ORDER)

    @property
    def communes_with_plan(self) -> int:
        return sum(1 for line in self.lines if line.has_plan)

    @property
    def ranked_lines(self) -> list[CommuneLine]:
        """The communes with a plan in force in the period: ranked and compared."""
        return [line for line in self.lines if line.has_plan]

    @property
    def lines_without_plan(self) -> list[CommuneLine]:
        """Communes without a plan in force in the period: listed apart, not ranked."""
        return [line for line in self.lines if not line.has_plan]

    @property
    def units_expected(self) -> int:
        """Over the communes with a plan in force: the others owe no report that year."""
        return sum(line.standing.units_expected for line in self.lines if line.has_plan)

    @property
    def units_on_time(self) -> int:
        return sum(line.standing.on_time for line in self.lines if line.has_plan)

    def group_counts(self) -> list[tuple[str, list[int]]]:
        """Per catalogue group, how many commune cells fall in each class (for the chart)."""
        counts: dict[str, Counter] = {}
        for line in self.lines:
            for heat in line.cells:
                if heat.standing is not None:
                    counts.setdefault(heat.row.indicator.group, Counter())[heat.standing.track] += 1
        names = dict.fromkeys(name for name, _span in self.column_groups)
        return [
            (name, [counts.get(name, Counter())[track] for track in TRACK_ORDER]) for name in names
        ]


SORTS = {
    "rank": lambda line: (not line.has_plan, line.rank, line.commune.name),
    "name": lambda line: line.commune.name,
    "achieved": lambda line: (-(line.achieved_percent or -1), line.commune.name),
    "reporting": lambda line: (-(line.reporting_percent or -1), line.commune.name),
    "overdue": lambda line: (-line.standing.tasks_overdue, line.commune.name),
}


def _group_rank(lines: list[CommuneLine]) -> None:
    """The consolidation's ranking rule on the chosen group's indicators: share achieved, then
    share of tasks done on time, then fewest missing reports; equal communes share a rank."""

    def key(line: CommuneLine):
        return (
            -(line.achieved_percent or Decimal(0)),
            -line.standing.on_time_share,
            line.standing.missing,
        )

    ordered = sorted(
        (line for line in lines if line.has_plan), key=lambda line: (key(line), line.commune.name)
    )
    for position, line in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        line.rank = previous.rank if previous and key(previous) == key(line) else position


def province_dashboard(
    province: Province, period_code: str, *, group: str | None = None, sort: str = "rank"
) -> ProvinceDashboard:
    consolidation = province_consolidation(province, period_code)
    point = point_of(consolidation.period_code)
    # A catalogue may list a group in two places ("Các chỉ tiêu khác"): one name, one choice.
    groups = list(dict.fromkeys(row.indicator.group for row in consolidation.rows))
    if group not in groups:
        group = None
    columns = [row for row in consolidation.rows if group is None or row.indicator.group == group]
    column_groups = []
    for row in columns:
        if column_groups and column_groups[-1][0] == row.indicator.group:
            column_groups[-1] = (row.indicator.group, column_groups[-1][1] + 1)
        else:
            column_groups.append((row.indicator.group, 1))
    shares = verification_shares(
        commune_ids=[standing.commune.pk for standing in consolidation.standings],
        period_code=consolidation.period_code,
    )
    lines = []
    for standing in consolidation.standings:
        cells = []
        for row in columns:
            cell = row.cells.get(standing.commune.pk)
            heat = None
            if cell is not None:
                # The consolidation judged a month, quarter or half year on the path already.
                heat = cell.standing
                if heat is None:
                    heat = standing_of(cell.indicator, cell.targets, cell.figure, point)
            cells.append(HeatCell(row, cell, heat))
        if group is None:
            achieved, assessed = standing.indicators_achieved, standing.indicators_assessed
        else:
            present = [c.cell for c in cells if c.cell is not None]
            achieved = sum(c.verdict.is_achieved for c in present)
            assessed = sum(c.verdict.is_assessed for c in present)
        line = CommuneLine(standing, cells, achieved, assessed, standing.rank)
        line.verification = shares.get(standing.commune.pk, VerificationShare())
        lines.append(line)
    if group is not None:
        _group_rank(lines)
    if sort not in SORTS:
        sort = "rank"
    lines.sort(key=SORTS[sort])
    return ProvinceDashboard(
        consolidation=consolidation,
        groups=groups,
        group=group,
        columns=columns,
        column_groups=column_groups,
        lines=lines,
        sort=sort,
    )


# The national summary (administrators)

NATIONAL_PAGE_SIZE = 6  # indicators a page: 34 provinces down the side stay readable
# The country's reading takes seconds at 3,321 communes: it is kept in the cache under the digest
# of what it reads (the period's submissions and their versions, plans, communes, catalogues),
# so a change to any of them is a new key and the next page reads the country again.
NATIONAL_SUMMARY_CACHE_SECONDS = 24 * 3600


@dataclass
class NationalCell:
    row: ConsolidatedRow | None  # None: the province's catalogue has no such indicator
    value: str = ""
    ab: str = ""  # Σa/Σb of a ratio


@dataclass
class NationalLine:
    summary: ProvinceSummary
    cells: list[NationalCell]


@dataclass
class NationalSummary:
    consolidation: NationalConsolidation
    group: str | None
    indicators: list[NationalIndicator]  # of the chosen group (every group: all)

    def lines(self, indicators: list[NationalIndicator]) -> list[NationalLine]:
        return [
            NationalLine(
                summary, [_national_cell(i.rows.get(summary.province.pk)) for i in indicators]
            )
            for summary in self.consolidation.provinces
        ]

    def totals(self, indicators: list[NationalIndicator]) -> list[NationalCell]:
        return [_national_cell(indicator.total) for indicator in indicators]


def _national_cell(row: ConsolidatedRow | None) -> NationalCell:
    """The province's value as the consolidated report writes it: counts whole, the rest with
    one decimal, Σa/Σb beside a ratio, milestones as done/reporting."""
    if row is None:
        return NationalCell(None)
    if row.value is None:
        return NationalCell(row)
    if row.indicator.measure_kind == MeasureKind.MILESTONE:
        return NationalCell(row, f"{number_label(row.value, 0)}/{number_label(row.denominator, 0)}")
    places = 0 if row.indicator.measure_kind == MeasureKind.COUNT else 1
    ab = ""
    if row.numerator is not None and row.denominator:
        ab = f"{number_label(row.numerator, 2)}/{number_label(row.denominator, 2)}"
    return NationalCell(row, number_label(row.value, places), ab)


def national_fingerprint(period_code: str) -> str:
    """A digest of what the national summary of a period reads, in a fixed number of queries:
    the period's submissions with their versions (every save, approval and reopening moves one),
    the last audited change to a plan row and the plans' last save, the communes and the
    catalogues; the same ingredients as a province report's staleness (`reports.selectors`)."""
    submissions = list(
        Submission.objects.filter(period__code=period_code)
        .order_by("pk")
        .values_list("pk", "version")
    )
    types = ContentType.objects.get_for_models(
        Plan, IndicatorGroup, Indicator, Target, TaskSection, Task, ProvinceIndicator
    ).values()
    audited = AuditEntry.objects.filter(content_type__in=types).aggregate(last=Max("pk"))["last"]
    plans = Plan.objects.aggregate(last=Max("updated_at"))["last"]
    communes = list(Commune.objects.order_by("pk").values_list("pk", "province_id"))
    catalogue = list(
        ProvinceIndicator.objects.order_by("pk").values_list("pk", "province_id", "name")
    )
    parts = (period_code, submissions, audited, plans, communes, catalogue)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def national_summary(period_code: str, *, group: str | None = None) -> NationalSummary:
    """Provinces × the indicators of their catalogues for one period, every province read at
    once (`reporting.consolidation.national_consolidation`): a fixed number of queries."""
    key = f"national-summary:{national_fingerprint(period_code)}"
    consolidation = cache.get(key)
    if consolidation is None:
        consolidation = national_consolidation(Province.objects.order_by("name"), period_code)
        # Kept without each commune's cells (the page and its Excel read the provinces' values).
        for indicator in consolidation.indicators:
            for row in (*indicator.rows.values(), indicator.total):
                row.cells = {}
        cache.set(key, consolidation, timeout=NATIONAL_SUMMARY_CACHE_SECONDS)
    groups = consolidation.groups()
    group = group if group in groups else None
    indicators = [i for i in consolidation.indicators if group is None or i.group == group]
    return NationalSummary(consolidation, group, indicators)
