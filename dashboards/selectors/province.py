"""The province dashboard: its periods, the ranking, heatmap and compliance of its communes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import Max

from communes.models import Commune, Province
from dashboards.ontrack import (
    TRACK_ORDER,
    Standing,
)
from dashboards.selectors.periods import (
    KIND_ORDER,
    point_of,
    standing_of,
)
from plans.models import Plan
from plans.selectors import plan_years_in_force
from reporting.consolidation import (
    CommuneCell,
    CommuneStanding,
    ConsolidatedRow,
    ProvinceConsolidation,
    province_consolidation_cached,
)
from reporting.models import (
    ReportingPeriod,
)
from reporting.periods import PeriodKind, period_parse
from reporting.selectors import (
    VerificationShare,
    verification_shares,
)


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
    columns: list[ConsolidatedRow]  # the catalogue rows shown
    # Where the commune is on the target path, by catalogue row id, for each row shown that the
    # commune's plans hold (None: not judged).
    heats: dict[int, Standing | None]
    achieved: int  # in the chosen group (all groups: the commune's own indicators)
    assessed: int
    rank: int = 0
    verification: VerificationShare = field(default_factory=VerificationShare)

    @property
    def commune(self) -> Commune:
        return self.standing.commune

    @cached_property
    def cells(self) -> list[HeatCell]:
        """Its heatmap row, one cell per column (built for the communes a page shows)."""
        pk = self.commune.pk
        return [
            HeatCell(row, row.cells.get(pk), self.heats.get(row.indicator.pk))
            for row in self.columns
        ]

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
        counted = Counter(heat.track for heat in self.heats.values() if heat is not None)
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
        group_of = {row.indicator.pk: row.indicator.group for row in self.columns}
        counts: dict[str, Counter] = {}
        for line in self.lines:
            for row_id, heat in line.heats.items():
                if heat is not None:
                    counts.setdefault(group_of[row_id], Counter())[heat.track] += 1
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
    consolidation = province_consolidation_cached(province, period_code)
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
    # The consolidation judged a month, quarter or half year on the path already.
    heats: dict[int, dict[int, Standing | None]] = {}
    for row in columns:
        for commune_id, cell in row.cells.items():
            heat = cell.standing
            if heat is None:
                heat = standing_of(cell.indicator, cell.targets, cell.figure, point)
            heats.setdefault(commune_id, {})[row.indicator.pk] = heat
    lines = []
    for standing in consolidation.standings:
        pk = standing.commune.pk
        if group is None:
            achieved, assessed = standing.indicators_achieved, standing.indicators_assessed
        else:
            present = [row.cells[pk] for row in columns if pk in row.cells]
            achieved = sum(c.verdict.is_achieved for c in present)
            assessed = sum(c.verdict.is_assessed for c in present)
        line = CommuneLine(standing, columns, heats.get(pk, {}), achieved, assessed, standing.rank)
        line.verification = shares.get(pk, VerificationShare())
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
