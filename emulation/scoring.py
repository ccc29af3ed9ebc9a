"""Scores of a movement's units and villages for a period, from approved figures only.

The one home of the emulation scoring: the ranking page, the rating table (PDF, Excel, Word)
and the tests read `movement_ranking`. It adds no rule of its own about figures, targets, tasks
or reports; it reads the portal's:

- a unit's figure for an indicator is its approved value (`reporting.selectors.
  unit_figures_for_years`, by the rule of `figures_for_periods`), judged against the target by
  `reporting.results.indicator_result` (achieved, share of the target: `indicators.assessment`);
- a task's state at the end of the period (done, done late, overdue…) is
  `reporting.results.task_results`' (due dates and extensions: `tasks.deadlines`);
- a report on time, late or missing is `reporting.selectors.period_lines`' (`report_timeliness`).

Queries: a fixed number, whatever the number of units, villages, criteria or figures.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Commune, Unit, UnitKind
from communes.numbers import decimal_format_vi
from emulation.models import (
    INDICATOR_BASES,
    Audience,
    Basis,
    Criterion,
    EvaluationKind,
    ManualMark,
    Movement,
    ScoreAdjustment,
)
from indicators.assessment import Assessment
from indicators.models import Indicator, Target
from reporting.models import ReportingPeriod, SubmissionStatus
from reporting.periods import PeriodKind
from reporting.results import TaskState, indicator_result, result_point, task_results
from reporting.selectors import (
    Timeliness,
    figures_for_years,
    period_lines,
    unit_figures_for_periods,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# Units that are scored as units: the commune's own offices, not villages, outside bodies or
# the People's and Party committees.
NOT_UNITS = (UnitKind.VILLAGE, UnitKind.EXTERNAL, UnitKind.COMMITTEE)


class Rating(models.TextChoices):
    """The annual rating (xếp loại) a score earns against the movement's thresholds."""

    EXCELLENT = "excellent", gettext_lazy("Excellently completed its tasks")
    GOOD = "good", gettext_lazy("Completed its tasks well")
    DONE = "done", gettext_lazy("Completed its tasks")
    NOT_DONE = "not_done", gettext_lazy("Did not complete its tasks")
    NOT_RATED = "not_rated", gettext_lazy("Not rated: no criterion applies")


def rating_of(movement: Movement, score: Decimal | None) -> Rating:
    """The one rule of the rating: the score on the 100-point scale against the thresholds."""
    if score is None:
        return Rating.NOT_RATED
    if score >= movement.excellent_from:
        return Rating.EXCELLENT
    if score >= movement.good_from:
        return Rating.GOOD
    if score >= movement.done_from:
        return Rating.DONE
    return Rating.NOT_DONE


def points_text(points: Decimal) -> str:
    """8.5 → "8,5"; 10.00 → "10"."""
    return decimal_format_vi(points.quantize(CENT, rounding=ROUND_HALF_UP).normalize())


def _percent_text(percent: Decimal) -> str:
    return decimal_format_vi(percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize())


# --- The period scored ---------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """What a ranking is computed over: a month ("202603"), a year ("2026") or a phase of the
    movement ("2026-2027")."""

    kind: str
    code: str
    year: int  # whose targets judge the indicators, and whose period gives the figures
    years: tuple[int, ...]
    month: int | None = None

    @property
    def label(self) -> str:
        if self.kind == EvaluationKind.MONTH:
            return _("Month %(month)s/%(year)s") % {"month": self.month, "year": self.year}
        if self.kind == EvaluationKind.YEAR:
            return _("Year %(year)s") % {"year": self.year}
        return _("Phase %(start)s - %(end)s") % {"start": self.years[0], "end": self.years[-1]}

    @property
    def period_code(self) -> str:
        """The code of the reporting period whose approved figures are scored."""
        return self.code if self.kind == EvaluationKind.MONTH else str(self.year)


class EvaluationUnknown(ValueError):
    pass


_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_PHASE = re.compile(r"^(\d{4})-(\d{4})$")


def evaluation_parse(movement: Movement, code: str) -> Evaluation:
    """The evaluation a code names within the movement's years and phases."""
    code = (code or "").strip()
    years = range(movement.start_year, movement.end_year + 1)
    if match := _MONTH.match(code):
        year, month = int(match[1]), int(match[2])
        if year in years and 1 <= month <= 12:
            return Evaluation(EvaluationKind.MONTH, code, year, (year,), month)
    elif match := _YEAR.match(code):
        year = int(match[1])
        if year in years:
            return Evaluation(EvaluationKind.YEAR, code, year, (year,))
    elif match := _PHASE.match(code):
        start, end = int(match[1]), int(match[2])
        if any(
            phase.start_year == start and phase.end_year == end for phase in movement.phases.all()
        ):
            return Evaluation(EvaluationKind.PHASE, code, end, tuple(range(start, end + 1)))
    raise EvaluationUnknown(code)


def evaluations_of(movement: Movement, today: date | None = None) -> list[Evaluation]:
    """The years and phases of a movement, and, where it has monthly criteria, the months
    begun by today (latest first)."""
    found = [
        Evaluation(EvaluationKind.YEAR, str(year), year, (year,))
        for year in range(movement.start_year, movement.end_year + 1)
    ]
    found += [
        Evaluation(
            EvaluationKind.PHASE,
            phase.code,
            phase.end_year,
            tuple(range(phase.start_year, phase.end_year + 1)),
        )
        for phase in movement.phases.all()
    ]
    if Criterion.objects.filter(movement=movement, evaluated_over=EvaluationKind.MONTH).exists():
        today = today or timezone.localdate()
        for year in range(min(today.year, movement.end_year), movement.start_year - 1, -1):
            last = today.month if year == today.year else 12
            found += [
                Evaluation(EvaluationKind.MONTH, f"{year}{month:02d}", year, (year,), month)
                for month in range(last, 0, -1)
            ]
    return found


def evaluation_default(movement: Movement, today: date | None = None) -> Evaluation:
    """The latest year of the movement whose year's data window has ended by today (in February
    2027 the year to rate is 2026, not the year just begun); else the current year (within the
    movement's years)."""
    today = today or timezone.localdate()
    current = min(max(today.year, movement.start_year), movement.end_year)
    opened = (
        ReportingPeriod.objects.filter(
            commune_id=movement.commune_id,
            kind=PeriodKind.YEAR,
            code__in=[str(year) for year in range(movement.start_year, current + 1)],
            window_end__lt=today,
        )
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    year = int(opened) if opened else current
    return Evaluation(EvaluationKind.YEAR, str(year), year, (year,))


# --- Scores --------------------------------------------------------------------------------


@dataclass
class ScoreLine:
    criterion: Criterion
    points: Decimal | None  # None: not scored for this unit (no pass mark, nothing due yet)
    why: str

    @property
    def reason(self) -> str:
        """ "Chỉ tiêu 8: đạt 85% kế hoạch → 8,5/10 điểm"."""
        if self.points is None:
            return _("%(criterion)s: %(why)s (not scored)") % {
                "criterion": self.criterion.name,
                "why": self.why,
            }
        return _("%(criterion)s: %(why)s → %(points)s/%(of)s points") % {
            "criterion": self.criterion.name,
            "why": self.why,
            "points": points_text(self.points),
            "of": points_text(self.criterion.points),
        }


@dataclass
class UnitScore:
    unit: Unit
    movement: Movement
    lines: list[ScoreLine] = field(default_factory=list)
    adjustments: list[ScoreAdjustment] = field(default_factory=list)
    rank: int | None = None

    @property
    def scored(self) -> list[ScoreLine]:
        return [line for line in self.lines if line.points is not None]

    @property
    def earned(self) -> Decimal:
        return sum((line.points for line in self.scored), Decimal(0))

    @property
    def adjusted(self) -> Decimal:
        return sum((adjustment.points for adjustment in self.adjustments), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.earned + self.adjusted

    @property
    def scale(self) -> Decimal:
        """The points of the criteria scored for this unit: its score's 100."""
        return sum((line.criterion.points for line in self.scored), Decimal(0))

    @property
    def score(self) -> Decimal | None:
        """The total on the 100-point scale the thresholds read (None: nothing scored)."""
        if not self.scale:
            return None
        return (self.total * HUNDRED / self.scale).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def rating(self) -> Rating:
        return rating_of(self.movement, self.score)


@dataclass
class Ranking:
    movement: Movement
    evaluation: Evaluation
    period: ReportingPeriod | None  # the reporting period whose figures are scored
    units: list[UnitScore]
    villages: list[UnitScore]

    @property
    def groups(self) -> list[tuple[str, list[UnitScore]]]:
        return [
            (label, scores)
            for label, scores in (
                (_("Offices and units"), self.units),
                (_("Villages"), self.villages),
            )
            if scores
        ]

    def score_of(self, unit_id: int) -> UnitScore | None:
        for score in self.units + self.villages:
            if score.unit.pk == unit_id:
                return score
        return None


def audience_units(commune: Commune) -> tuple[list[Unit], list[Unit]]:
    """The commune's active units and villages scored by its movements, in the commune's order."""
    units, villages = [], []
    for unit in Unit.objects.filter(commune=commune, is_active=True).order_by(
        "order", "short_name"
    ):
        if unit.kind == UnitKind.VILLAGE:
            villages.append(unit)
        elif unit.kind not in NOT_UNITS:
            units.append(unit)
    return units, villages


def _share(criterion: Criterion, fraction: Decimal) -> Decimal:
    """The criterion's points in proportion, never more than its maximum."""
    earned = criterion.points * fraction
    return min(earned, criterion.maximum).quantize(CENT, rounding=ROUND_HALF_UP)


def _percent_reached(result) -> Decimal | None:
    """How much of the target a result reaches, in %; a milestone 100 or 0."""
    verdict = result.verdict
    if not verdict.is_assessed:
        return None
    if verdict.percent_of_target is not None:
        return verdict.percent_of_target
    return HUNDRED if verdict.is_achieved else Decimal(0)


def _scoring_period(commune: Commune, evaluation: Evaluation) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(commune=commune, code=evaluation.period_code).first()


def movement_ranking(movement: Movement, evaluation: Evaluation, *, now=None) -> Ranking:
    """Every unit's and village's score for the evaluation, with the reason of every point."""
    commune = movement.commune
    now = now or timezone.now()
    criteria = list(
        Criterion.objects.filter(
            movement=movement, commune=commune, evaluated_over=evaluation.kind
        ).select_related("indicator", "task")
    )
    units, villages = audience_units(commune)
    period = _scoring_period(commune, evaluation)
    scores = {unit.pk: UnitScore(unit, movement) for unit in units + villages}
    audiences = {Audience.UNITS: units, Audience.VILLAGES: villages}
    bases = {criterion.basis for criterion in criteria}
    if bases & INDICATOR_BASES:
        _indicator_lines(criteria, audiences, scores, evaluation, period)
    if Basis.TASK_ON_TIME in bases:
        _task_lines(criteria, audiences, scores, evaluation, commune, period)
    if bases & {Basis.REPORTS_ON_TIME, Basis.REPORTS_COMPLETE}:
        _report_lines(criteria, audiences, scores, evaluation, commune, now)
    if Basis.MANUAL in bases:
        _manual_lines(criteria, audiences, scores, evaluation)
    # The lines in the criteria's order.
    order = {criterion.pk: index for index, criterion in enumerate(criteria)}
    for score in scores.values():
        score.lines.sort(key=lambda line: order[line.criterion.pk])
    for adjustment in ScoreAdjustment.objects.filter(
        movement=movement, commune=commune, period_code=evaluation.code
    ).select_related("created_by"):
        if adjustment.unit_id in scores:
            scores[adjustment.unit_id].adjustments.append(adjustment)
    return Ranking(
        movement,
        evaluation,
        period,
        _ranked([scores[unit.pk] for unit in units]),
        _ranked([scores[unit.pk] for unit in villages]),
    )


def _ranked(scores: list[UnitScore]) -> list[UnitScore]:
    """Highest score first; equal scores share a rank (1, 1, 3); the unrated last, unranked."""
    rated = sorted((score for score in scores if score.score is not None), key=lambda s: -s.score)
    previous, rank = None, 0
    for position, score in enumerate(rated, start=1):
        if score.score != previous:
            rank, previous = position, score.score
        score.rank = rank
    return rated + [score for score in scores if score.score is None]


def _indicator_lines(criteria, audiences, scores, evaluation: Evaluation, period) -> None:
    chosen = [criterion for criterion in criteria if criterion.basis in INDICATOR_BASES]
    indicator_ids = {criterion.indicator_id for criterion in chosen}
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(pk__in=indicator_ids).prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year"))
        )
    }
    # Who answers for each indicator: its lead and support units report it.
    involved: dict[int, set[int]] = defaultdict(set)
    for relation in (Indicator.lead_units, Indicator.support_units):
        for indicator_id, unit_id in relation.through.objects.filter(
            indicator_id__in=indicator_ids
        ).values_list("indicator_id", "unit_id"):
            involved[indicator_id].add(unit_id)
    figures = {}
    if period is not None:
        figures = figures_for_years([period], read=unit_figures_for_periods)[period.pk]
    point = result_point(period, evaluation.year)
    for criterion in chosen:
        indicator = indicators[criterion.indicator_id]
        targets = list(indicator.targets.all())
        judged = []
        for unit in audiences[criterion.audience]:
            if unit.pk not in involved[indicator.pk]:
                continue
            figure = figures.get((unit.pk, indicator.pk))
            result = indicator_result(indicator, targets, figure, evaluation.year, point)
            judged.append((unit, result))
        if criterion.basis == Basis.INDICATOR_RANK:
            _rank_lines(criterion, judged, scores)
            continue
        for unit, result in judged:
            scores[unit.pk].lines.append(_indicator_line(criterion, result))


def _indicator_line(criterion: Criterion, result) -> ScoreLine:
    assessment = result.verdict.assessment
    if assessment == Assessment.NO_DATA:
        return ScoreLine(criterion, Decimal(0), _("no approved figure"))
    if assessment == Assessment.NOT_ASSESSED:
        return ScoreLine(criterion, None, _("the target has no pass mark"))
    percent = _percent_reached(result)
    if criterion.basis == Basis.INDICATOR_ACHIEVED:
        if result.verdict.is_achieved:
            return ScoreLine(criterion, criterion.points, _("target achieved"))
        return ScoreLine(criterion, Decimal(0), _("target not achieved"))
    return ScoreLine(
        criterion,
        _share(criterion, percent / HUNDRED),
        _("reached %(percent)s%% of the target") % {"percent": _percent_text(percent)},
    )


def _rank_lines(criterion: Criterion, judged, scores) -> None:
    """Ranked by the share of the target reached: the first earns the points, the others in
    proportion to the units behind them ((n - rank + 1) / n); no figure, no points."""
    reached = [
        (unit, _percent_reached(result))
        for unit, result in judged
        if result.verdict.assessment != Assessment.NO_DATA
    ]
    ranked = sorted(
        ((unit, percent) for unit, percent in reached if percent is not None),
        key=lambda pair: -pair[1],
    )
    count = len(ranked)
    previous, rank = None, 0
    for position, (unit, percent) in enumerate(ranked, start=1):
        if percent != previous:
            rank, previous = position, percent
        scores[unit.pk].lines.append(
            ScoreLine(
                criterion,
                _share(criterion, Decimal(count - rank + 1) / Decimal(count)),
                _("ranked %(rank)s of %(count)s (%(percent)s%% of the target)")
                % {"rank": rank, "count": count, "percent": _percent_text(percent)},
            )
        )
    for unit, result in judged:
        assessment = result.verdict.assessment
        if assessment == Assessment.NO_DATA:
            scores[unit.pk].lines.append(ScoreLine(criterion, Decimal(0), _("no approved figure")))
        elif _percent_reached(result) is None:
            scores[unit.pk].lines.append(
                ScoreLine(criterion, None, _("the target has no pass mark"))
            )


def _task_lines(criteria, audiences, scores, evaluation: Evaluation, commune, period) -> None:
    results = task_results({commune.pk: period}, year=evaluation.year).get(commune.pk, [])
    end = period.window_end if period is not None else date(evaluation.year, 12, 31)
    led: dict[int, list] = defaultdict(list)  # unit id → results of the tasks it leads
    by_task = {}
    for result in results:
        by_task[result.task.pk] = result
        for unit in result.task.lead_units.all():
            led[unit.pk].append(result)
    for criterion in criteria:
        if criterion.basis != Basis.TASK_ON_TIME:
            continue
        for unit in audiences[criterion.audience]:
            if criterion.task_id is not None:
                result = by_task.get(criterion.task_id)
                if result is None or result not in led[unit.pk]:
                    continue  # the unit does not lead this task (or it is not in force)
                scores[unit.pk].lines.append(_task_line(criterion, result, end))
            elif led[unit.pk]:
                line = _tasks_line(criterion, led[unit.pk], end)
                if line is not None:
                    scores[unit.pk].lines.append(line)


def _is_due(result, end: date) -> bool:
    """Done (on time or late), overdue, or due by the end of the period scored."""
    if result.state in (TaskState.DONE, TaskState.DONE_LATE, TaskState.OVERDUE):
        return True
    return (
        result.state != TaskState.CANCELLED
        and result.due_date is not None
        and result.due_date <= end
    )


def _task_line(criterion: Criterion, result, end: date) -> ScoreLine:
    if result.state == TaskState.DONE:
        return ScoreLine(criterion, criterion.points, _("done on time"))
    if result.state == TaskState.DONE_LATE:
        return ScoreLine(criterion, Decimal(0), _("done late"))
    if result.state == TaskState.CANCELLED:
        return ScoreLine(criterion, None, _("cancelled"))
    if _is_due(result, end):
        return ScoreLine(criterion, Decimal(0), _("not done by its due date"))
    return ScoreLine(criterion, None, _("not due yet"))


def _tasks_line(criterion: Criterion, results, end: date) -> ScoreLine | None:
    due = [result for result in results if _is_due(result, end)]
    if not due:
        return ScoreLine(criterion, None, _("no task due yet"))
    on_time = sum(1 for result in due if result.state == TaskState.DONE)
    return ScoreLine(
        criterion,
        _share(criterion, Decimal(on_time) / Decimal(len(due))),
        _("%(done)s of %(due)s tasks done on time") % {"done": on_time, "due": len(due)},
    )


def _report_lines(criteria, audiences, scores, evaluation: Evaluation, commune, now) -> None:
    periods = ReportingPeriod.objects.filter(commune=commune).exclude(kind=PeriodKind.AD_HOC)
    if evaluation.kind == EvaluationKind.MONTH:
        periods = periods.filter(code=evaluation.code)
    else:
        # A year's reports: its months, quarters, halves and the year itself ("2026…").
        within = Q()
        for year in evaluation.years:
            within |= Q(code__startswith=str(year))
        periods = periods.filter(within)
    everyone = list({unit.pk: unit for units in audiences.values() for unit in units}.values())
    owed: dict[int, list] = defaultdict(list)  # unit id → (submission, timeliness) it owed
    for line in period_lines(commune, periods, everyone, now=now):
        for unit, submission, state in line.mine:
            if state is not None and state != Timeliness.NOT_DUE:
                owed[unit.pk].append((submission, state))
    for criterion in criteria:
        if criterion.basis not in (Basis.REPORTS_ON_TIME, Basis.REPORTS_COMPLETE):
            continue
        for unit in audiences[criterion.audience]:
            reports = owed.get(unit.pk)
            if not reports:
                continue  # the unit owed no report in the period
            if criterion.basis == Basis.REPORTS_ON_TIME:
                good = sum(1 for _s, state in reports if state == Timeliness.ON_TIME)
                why = _("%(good)s of %(due)s reports on time")
            else:
                good = sum(
                    1
                    for submission, _state in reports
                    if submission is not None and submission.status == SubmissionStatus.APPROVED
                )
                why = _("%(good)s of %(due)s reports complete and approved")
            scores[unit.pk].lines.append(
                ScoreLine(
                    criterion,
                    _share(criterion, Decimal(good) / Decimal(len(reports))),
                    why % {"good": good, "due": len(reports)},
                )
            )


def _manual_lines(criteria, audiences, scores, evaluation: Evaluation) -> None:
    chosen = [criterion for criterion in criteria if criterion.basis == Basis.MANUAL]
    marks = {
        (mark.criterion_id, mark.unit_id): mark
        for mark in ManualMark.objects.filter(criterion__in=chosen, period_code=evaluation.code)
    }
    for criterion in chosen:
        for unit in audiences[criterion.audience]:
            mark = marks.get((criterion.pk, unit.pk))
            if mark is None:
                line = ScoreLine(criterion, Decimal(0), _("not marked yet"))
            else:
                why = _("marked by the standing office")
                if mark.note:
                    why = f"{why} ({mark.note})"
                line = ScoreLine(criterion, mark.points, why)
            scores[unit.pk].lines.append(line)
