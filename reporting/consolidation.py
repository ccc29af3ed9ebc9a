"""The province's consolidation of its communes for one period (DOMAIN.md, "Consolidation rules").

Communes are compared through the province's indicator catalogue (`ProvinceIndicator`), which
each commune indicator counts towards. A ratio consolidates as Σa/Σb over the communes, counts
sum, rates per 10,000 people divide summed counts by summed population, milestones are counted.
The number of queries is fixed, whatever the number of communes (the largest province has over
160).
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Sum

from communes.models import AuditEntry, Commune, Province, Unit
from communes.names import name_key
from indicators.assessment import Assessment
from indicators.models import Indicator, IndicatorGroup, MeasureKind, ProvinceIndicator, Target
from plans.models import Plan
from plans.selectors import plans_in_force
from reporting.models import DeadlineExtension, ReportingPeriod, Submission
from reporting.periods import PeriodKind, period_parse
from reporting.results import (
    IndicatorResult,
    TaskState,
    indicator_row_results,
    indicators_counted,
    task_row_results,
    tasks_counted,
)
from reporting.selectors import (
    Figure,
    Timeliness,
    ratio_scale,
    report_timeliness,
    reporting_units,
)
from tasks.models import Task, TaskSection

# A commune's own indicator, linked to the province's, judged on its own figure and target; its
# `commune` is set.
CommuneCell = IndicatorResult


@dataclass
class ConsolidatedRow:
    indicator: ProvinceIndicator
    cells: dict[int, CommuneCell] = field(default_factory=dict)  # by commune id
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    communes_reporting: int = 0
    communes_assessed: int = 0
    communes_achieved: int = 0
    # Communes that reported only a percentage, without a and b: they cannot enter Σa/Σb.
    communes_without_ab: int = 0
    # The same period of the year before, by the same rule over the same communes' indicators
    # (`last_year_fill`); all None where none of them had approved figures then.
    last_year_value: Decimal | None = None
    last_year_numerator: Decimal | None = None
    last_year_denominator: Decimal | None = None
    communes_reporting_last_year: int = 0


@dataclass
class CommuneStanding:
    commune: Commune
    period: ReportingPeriod | None  # the commune's period with this code; None: never opened
    units_expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0  # not submitted, returned ones included
    returned: int = 0  # returned for correction, not resubmitted yet
    # The units behind `late` and `missing` (short names, in the commune's unit order).
    late_units: list[str] = field(default_factory=list)
    missing_units: list[str] = field(default_factory=list)
    indicators_total: int = 0
    indicators_assessed: int = 0
    indicators_achieved: int = 0
    tasks_total: int = 0
    tasks_done_on_time: int = 0
    tasks_overdue: int = 0
    rank: int = 0

    @property
    def achieved_share(self) -> Decimal:
        if not self.indicators_assessed:
            return Decimal(0)
        return Decimal(self.indicators_achieved * 100) / self.indicators_assessed

    @property
    def on_time_share(self) -> Decimal:
        if not self.tasks_total:
            return Decimal(0)
        return Decimal(self.tasks_done_on_time * 100) / self.tasks_total

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def has_plan(self) -> bool:
        """A plan in force in the period's year: something to report on, a place in the ranking."""
        return bool(self.indicators_total or self.tasks_total)


@dataclass
class ProvinceConsolidation:
    province: Province
    period_code: str
    kind: str
    year: int
    label: str
    standings: list[CommuneStanding]  # every commune of the province, best first
    rows: list[ConsolidatedRow]  # the catalogue's order

    def groups(self) -> list[tuple[str, list[ConsolidatedRow]]]:
        return [
            (name, list(rows))
            for name, rows in groupby(self.rows, key=lambda row: row.indicator.group)
        ]

    @property
    def communes(self) -> list[Commune]:
        """The communes in the order of the matrix: by name."""
        return sorted((s.commune for s in self.standings), key=lambda c: c.name)


# The plan rows a consolidation reads besides the reports: a change to any is audited.
PLAN_MODELS = (Plan, IndicatorGroup, Indicator, Target, TaskSection, Task, ProvinceIndicator)


def consolidation_fingerprint(period_code: str, **communes) -> str:
    """A digest of everything a consolidation of the period reads for the communes chosen by
    `communes` (a filter on `Commune`: `pk=`, `province=`, none for the country), in a fixed
    number of queries. Besides the period's own reports the consolidation reads earlier ones (a
    year's figures from its months, a task's latest approved progress, last year's value), so
    it digests every report of a period ending by this one's end: their count, last row and the
    sum of their versions (each save, submission, approval and reopening moves a version). Then
    the periods of this code (deadlines), extensions (a granted one changes no version), the
    last audited change to a plan row and the plans' last save, the communes, their units and
    the province catalogues. Reports (`reports.selectors`) and the cached province and national
    dashboards (`dashboards.selectors`) are fresh while it is unchanged."""
    scope = {f"commune__{key}": value for key, value in communes.items()}
    periods = ReportingPeriod.objects.filter(code=period_code, **scope)
    opened = list(periods.order_by("pk").values_list("pk", "deadline", "window_end"))
    reports = None  # no commune opened the period: nothing reported for it
    if opened:
        end = max(window_end for _pk, _deadline, window_end in opened)
        reports = Submission.objects.filter(
            **{f"period__{key}": value for key, value in scope.items()},
            period__window_end__lte=end,
        ).aggregate(count=Count("pk"), last=Max("pk"), versions=Sum("version"))
    extensions = list(
        DeadlineExtension.objects.filter(**scope)
        .order_by("pk")
        .values_list("pk", "status", "granted_date")
    )
    types = ContentType.objects.get_for_models(*PLAN_MODELS).values()
    audited = AuditEntry.objects.filter(content_type__in=types, **scope).aggregate(last=Max("pk"))[
        "last"
    ]
    plans = Plan.objects.filter(**scope).aggregate(last=Max("updated_at"))["last"]
    chosen = Commune.objects.filter(**communes)
    names = list(chosen.order_by("pk").values_list("pk", "province_id", "name"))
    units = list(
        Unit.objects.filter(**scope)
        .order_by("pk")
        .values_list("pk", "kind", "name", "short_name", "is_active", "order")
    )
    catalogue = list(
        ProvinceIndicator.objects.filter(province__communes__in=chosen)
        .distinct()
        .order_by("pk")
        .values_list(*(f.attname for f in ProvinceIndicator._meta.concrete_fields))
    )
    parts = (period_code, opened, reports, extensions, audited, plans, names, units, catalogue)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _communes_and_periods(province_ids, code: str):
    """The provinces' communes by name, and each one's period with this code (None: never
    opened; ad-hoc requests are not periods of the calendar)."""
    communes = list(Commune.objects.filter(province__in=province_ids).order_by("name"))
    found = {
        period.commune_id: period
        for period in ReportingPeriod.objects.filter(
            commune__province__in=province_ids, code=code
        ).exclude(kind=PeriodKind.AD_HOC)
    }
    return communes, {commune.pk: found.get(commune.pk) for commune in communes}


def province_standings(province: Province, period_code: str) -> list[CommuneStanding]:
    """Each commune's reports for the period (units expected, on time, late, missing) and how many
    indicators and tasks its plans in force hold (`has_plan`), in the communes' name order,
    without judging the indicators and tasks: what the province's to-do list needs. The
    consolidation's standings are these, judged and ranked."""
    parsed = period_parse(period_code)
    communes, periods = _communes_and_periods([province.pk], parsed.code)
    indicators = indicators_counted(list(periods), parsed.year)
    tasks = tasks_counted(list(periods), parsed.year)
    standings = [
        CommuneStanding(
            commune=commune,
            period=periods[commune.pk],
            indicators_total=indicators.get(commune.pk, 0),
            tasks_total=tasks.get(commune.pk, 0),
        )
        for commune in communes
    ]
    _compliance_fill(standings, province, parsed.year)
    return standings


def province_consolidation(province: Province, period_code: str) -> ProvinceConsolidation:
    parsed = period_parse(period_code)  # ValueError for a code that names no calendar period
    year = parsed.year
    communes, periods = _communes_and_periods([province.pk], parsed.code)
    indicators = indicator_row_results(periods, year=year)
    tasks = task_row_results(periods, year=year)
    standings = [
        _standing(commune, periods[commune.pk], indicators[commune.pk], tasks[commune.pk])
        for commune in communes
    ]
    _compliance_fill(standings, province, year)
    _rank(standings)
    rows = _rows_consolidated(
        ProvinceIndicator.objects.filter(province=province).order_by("order"),
        indicators,
        {commune.pk: commune for commune in communes},
    )
    return ProvinceConsolidation(
        province=province,
        period_code=parsed.code,
        kind=parsed.kind,
        year=year,
        label=parsed.label_vi(),
        standings=standings,
        rows=rows,
    )


# A province's consolidation takes a few hundred milliseconds at 160 communes and its dashboard
# and API read it on every request: each process keeps the last few it read, under the digest of
# what they read, so any change is a new key and the next page reads the province again. Kept in
# the process, not in Redis: unpickling its thousands of model rows costs half of reading them
# again (10 MB in memory at 168 communes). Shared between requests, so read-only.
CONSOLIDATIONS_KEPT = 8


def province_consolidation_cached(province: Province, period_code: str) -> ProvinceConsolidation:
    """`province_consolidation`, kept under `consolidation_fingerprint`: equal to a fresh reading
    (tests/reporting/test_consolidation_cache.py). Reports read it fresh."""
    code = period_parse(period_code).code  # ValueError for a code that names no calendar period
    fingerprint = consolidation_fingerprint(code, province=province)
    return _consolidation_kept(province.pk, code, fingerprint)


@functools.lru_cache(maxsize=CONSOLIDATIONS_KEPT)
def _consolidation_kept(province_id: int, period_code: str, fingerprint: str):
    return province_consolidation(Province.objects.get(pk=province_id), period_code)


def kept_consolidations_forget() -> None:
    """Drop what this process keeps (the tests start each with none)."""
    _consolidation_kept.cache_clear()


def _rows_consolidated(catalogue, indicators: dict[int, list[IndicatorResult]], communes_by_id):
    """The catalogue's rows (of one province or several), each with the cells of the communes'
    indicators linked to it and its consolidated value."""
    rows = {row.pk: ConsolidatedRow(indicator=row) for row in catalogue}
    for commune_id, results in indicators.items():
        for result in results:
            row = rows.get(result.indicator.province_indicator_id)
            if row is not None:
                result.commune = communes_by_id[commune_id]
                row.cells[commune_id] = result
    for row in rows.values():
        _consolidate(row)
    return list(rows.values())


# The country: every province's consolidation side by side.


@dataclass
class ProvinceSummary:
    province: Province
    communes: int
    communes_open: int  # communes that have opened the period


@dataclass
class NationalIndicator:
    """One indicator of the provinces' catalogues, matched across provinces by its name as unit
    names are matched (`communes.names.name_key`: case, tone placement, dashes; each province
    numbers its own catalogue). `total` consolidates every commune of every province by
    the same rule as a province: ratios Σa/Σb, counts summed, milestones counted."""

    name: str
    group: str
    unit_of_measure: str
    measure_kind: str
    rows: dict[int, ConsolidatedRow]  # by province id
    total: ConsolidatedRow


@dataclass
class NationalConsolidation:
    period_code: str
    kind: str
    year: int
    label: str
    provinces: list[ProvinceSummary]
    indicators: list[NationalIndicator]  # in the order the catalogues first list them

    def groups(self) -> list[str]:
        return list(dict.fromkeys(indicator.group for indicator in self.indicators))


def national_consolidation(provinces, period_code: str) -> NationalConsolidation:
    """The provinces' consolidations for one period in a fixed number of queries, whatever the
    number of provinces and communes: every commune read at once, as `province_consolidation`
    reads one province's. The provinces come out in the order given."""
    parsed = period_parse(period_code)  # ValueError for a code that names no calendar period
    provinces = list(provinces)
    province_ids = [province.pk for province in provinces]
    communes, periods = _communes_and_periods(province_ids, parsed.code)
    indicators = indicator_row_results(periods, year=parsed.year)
    rows = _rows_consolidated(
        ProvinceIndicator.objects.filter(province__in=province_ids).order_by("province", "order"),
        indicators,
        {commune.pk: commune for commune in communes},
    )
    counted = Counter(commune.province_id for commune in communes)
    opened = Counter(commune.province_id for commune in communes if periods[commune.pk])
    by_name: dict[str, NationalIndicator] = {}
    for row in rows:
        catalogued = row.indicator
        national = by_name.get(name_key(catalogued.name))
        if national is None:
            national = by_name[name_key(catalogued.name)] = NationalIndicator(
                name=catalogued.name,
                group=catalogued.group,
                unit_of_measure=catalogued.unit_of_measure,
                measure_kind=catalogued.measure_kind,
                rows={},
                total=ConsolidatedRow(indicator=catalogued),
            )
        national.rows[catalogued.province_id] = row
        national.total.cells.update(row.cells)
    for national in by_name.values():
        _consolidate(national.total)
    return NationalConsolidation(
        period_code=parsed.code,
        kind=parsed.kind,
        year=parsed.year,
        label=parsed.label_vi(),
        provinces=[
            ProvinceSummary(province, counted[province.pk], opened[province.pk])
            for province in provinces
        ],
        indicators=list(by_name.values()),
    )


def _standing(commune, period, indicators: list[IndicatorResult], tasks) -> CommuneStanding:
    achieved, assessed = _achieved_and_assessed(indicators)
    states = Counter([result.state for result in tasks])
    return CommuneStanding(
        commune=commune,
        period=period,
        indicators_total=len(indicators),
        indicators_assessed=assessed,
        indicators_achieved=achieved,
        tasks_total=len(tasks),
        tasks_done_on_time=states[TaskState.DONE],
        tasks_overdue=states[TaskState.OVERDUE],
    )


def _achieved_and_assessed(results) -> tuple[int, int]:
    """How many of the results are achieved, and how many assessed (achieved or not), counted in
    one pass."""
    verdicts = Counter([result.verdict.assessment for result in results])
    achieved = verdicts[Assessment.ACHIEVED]
    return achieved, achieved + verdicts[Assessment.NOT_ACHIEVED]


def _compliance_fill(standings: list[CommuneStanding], province: Province, year: int) -> None:
    """Units expected, on time, late and missing per commune, in two queries."""
    opened = [s.period for s in standings if s.period is not None]
    if not opened:
        return
    plans = plans_in_force(year, province=province)
    units = Unit.objects.filter(commune__province=province)
    # The expected units' names by (commune id, unit id), in each commune's unit order.
    expected = {
        (commune_id, unit_id): name
        for commune_id, unit_id, name in reporting_units(units, plans)
        .order_by("order", "short_name")
        .values_list("commune_id", "pk", "short_name")
    }
    states = {
        (commune_id, unit_id): report_timeliness(status, is_late, None)
        for commune_id, unit_id, status, is_late in Submission.objects.filter(
            period__in=opened
        ).values_list("commune_id", "unit_id", "status", "is_late")
    }
    by_commune: dict[int, list[tuple[int, int]]] = {}
    for key in expected:
        by_commune.setdefault(key[0], []).append(key)
    for standing in standings:
        if standing.period is None:
            continue
        units = by_commune.get(standing.commune.pk, [])
        standing.units_expected = len(units)
        timeliness = {key: states.get(key, Timeliness.MISSING) for key in units}
        counted = Counter(timeliness.values())
        for key, state in timeliness.items():
            if state == Timeliness.LATE:
                standing.late_units.append(expected[key])
            elif state in (Timeliness.MISSING, Timeliness.RETURNED):
                standing.missing_units.append(expected[key])
        standing.on_time = counted[Timeliness.ON_TIME]
        standing.late = counted[Timeliness.LATE]
        standing.returned = counted[Timeliness.RETURNED]
        # A returned report is owed until resubmitted.
        standing.missing = counted[Timeliness.MISSING] + standing.returned


def _rank(standings: list[CommuneStanding]) -> None:
    """Best first: share of assessed indicators achieved, then share of tasks done on time, then
    fewest missing reports; equal communes share a rank (1, 1, 3). Communes without a plan in
    force that year are not ranked (rank 0) and come last, by name: they owe nothing, and
    nothing owed is no achievement."""

    def key(standing: CommuneStanding):
        return (-standing.achieved_share, -standing.on_time_share, standing.missing)

    ranked = sorted((s for s in standings if s.has_plan), key=lambda s: (key(s), s.commune.name))
    apart = sorted((s for s in standings if not s.has_plan), key=lambda s: s.commune.name)
    for position, standing in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        same = previous is not None and key(previous) == key(standing)
        standing.rank = previous.rank if same else position
    for standing in apart:
        standing.rank = 0
    standings[:] = ranked + apart


def _consolidate(row: ConsolidatedRow) -> None:
    cells = row.cells.values()
    reported = [cell.figure for cell in cells if cell.figure is not None]
    row.communes_reporting = len(reported)
    row.communes_achieved, row.communes_assessed = _achieved_and_assessed(cells)
    row.value, row.numerator, row.denominator, without_ab = figures_consolidated(
        row.indicator.measure_kind, reported
    )
    row.communes_without_ab = without_ab


def figures_consolidated(kind: str, figures: list[Figure]):
    """The province's value of the communes' `figures` of one indicator, by the rule of its kind:
    (value, Σa or None, Σb or the milestone's communes, communes without a and b)."""
    if kind == MeasureKind.COUNT:
        numbers = [figure.value for figure in figures if figure.value is not None]
        return (sum(numbers) if numbers else None), None, None, 0
    if kind == MeasureKind.MILESTONE:
        done = [figure for figure in figures if figure.is_done is not None]
        if not done:
            return None, None, None, 0
        return Decimal(sum(figure.is_done for figure in done)), None, Decimal(len(done)), 0
    if kind == MeasureKind.TEXT:
        return None, None, None, 0
    with_ab = [figure for figure in figures if figure.denominator]
    if not with_ab:
        return None, None, None, len(figures)
    numerator = sum(figure.numerator for figure in with_ab)
    denominator = sum(figure.denominator for figure in with_ab)
    value = numerator * ratio_scale(kind) / denominator
    return value, numerator, denominator, len(figures) - len(with_ab)


def last_year_fill(
    consolidation: ProvinceConsolidation, figures: dict[int, dict[int, Figure]]
) -> None:
    """Each row's value for the same period of the year before, from the communes' figures then
    (`reporting.results.last_year_figures`) of the indicators in its cells."""
    for row in consolidation.rows:
        then = [
            figure
            for commune_id, cell in row.cells.items()
            if (figure := figures.get(commune_id, {}).get(cell.indicator.id)) is not None
        ]
        row.communes_reporting_last_year = len(then)
        row.last_year_value, row.last_year_numerator, row.last_year_denominator, _ = (
            figures_consolidated(row.indicator.measure_kind, then)
        )
