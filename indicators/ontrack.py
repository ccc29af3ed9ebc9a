"""On-track rules: where an indicator stands against the path to its targets, at a period.

Pure functions, no database. The dashboards classify with them, and `reporting.results` judges
monthly, quarterly and 6-month figures by them (`period_verdict`). The rules, as the dashboards explain them:

- The **target path** runs through the printed numeric targets, each placed at the end of its
  year (Trường Giang: 2025 "≥ 10" and 2030 "≥ 25"); between two of them it is a straight line
  (2027 → 16), and within a year it moves by the share of the year the period covers (June 2026
  → 11,5). Before an indicator's first numeric target, only that target's own year is on the
  path (the plans give no baseline); after the last one the path stays flat. Bare numbers and
  ranges are read by the indicator's direction, like `indicators.assessment` reads them.
- **Achieved** (Đạt): the figure meets the target of the period's year, or, in a year without
  a printed target, already meets the next printed one (`indicators.assessment.target_assess`).
- Otherwise the shortfall from the path, in percent of the path value, decides: at most
  `ON_TRACK_BAND` → **on track** (Đúng tiến độ), at most `AT_RISK_BAND` → **at risk**
  (Có nguy cơ), beyond → **off track** (Chậm tiến độ). At the year's last period a year with a
  printed target is over: short of it is off track, whatever the shortfall.
- **Milestones** ("X", "Hoàn thành" by a year): done → achieved; not done before the
  milestone's year → not assessable (not due yet); not done during its year → at risk, and off
  track at the year's last period.
- **Not assessable** (Không đánh giá): "-" (not applicable that year), no target to compare
  with; "Khuyến khích" and text targets once something is reported. **No data** (Chưa có số
  liệu): nothing approved yet for an indicator that expects a figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from communes.numbers import decimal_format_vi
from indicators.assessment import (
    NOT_ASSESSABLE,
    Assessment,
    Verdict,
    target_assess,
    target_or_next,
)
from indicators.models import Direction, Target
from indicators.targets import MILESTONE_COMPARATORS, NUMERIC_COMPARATORS, Comparator

HUNDRED = Decimal(100)
PLACES = Decimal("0.0001")
# Shortfall from the path, in percent of the path value.
ON_TRACK_BAND = Decimal(5)
AT_RISK_BAND = Decimal(15)
NUMERIC = NUMERIC_COMPARATORS
# Months per period, by `reporting.periods.PeriodKind` value (a lower layer names none of them).
_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


class Track(models.TextChoices):
    ACHIEVED = "achieved", gettext_lazy("Achieved")
    ON_TRACK = "on_track", gettext_lazy("On track")
    AT_RISK = "at_risk", gettext_lazy("At risk")
    OFF_TRACK = "off_track", gettext_lazy("Off track")
    NOT_ASSESSABLE = "not_assessable", gettext_lazy("Not assessable")
    NO_DATA = "no_data", gettext_lazy("No data")


# The order of headline cards, legends and sorting: the best first.
TRACK_ORDER = list(Track)


@dataclass(frozen=True)
class PeriodPoint:
    """Where a period sits in time: its year and the share of that year its data reach."""

    year: int
    elapsed: Decimal  # 1 for the year, 6/12 for June or the first half, 3/12 for Q1

    @property
    def is_final(self) -> bool:
        return self.elapsed == 1

    @property
    def position(self) -> Decimal:
        """Years on the axis where year Y's target sits at Y: June 2026 is 2025,5."""
        return Decimal(self.year - 1) + self.elapsed


def period_point(kind: str, year: int, index: int = 1) -> PeriodPoint:
    """The point of a periodic period (ad-hoc requests count as the whole year)."""
    months = _MONTHS[kind] * index if kind in _MONTHS else 12
    return PeriodPoint(year, Decimal(min(months, 12)) / 12)


@dataclass(frozen=True)
class PathPoint:
    year: int
    aim: Decimal  # the value to reach (lower bound, or upper bound when lower is better)
    aim_max: Decimal | None  # a range's upper bound when the indicator has no direction


class Reason:
    """Why a standing is classed as it is: a message of this module and its figures, put into
    words in the active language only when read (a province's consolidation judges thousands of
    figures and prints few of the reasons)."""

    __slots__ = ("figures", "message")

    def __init__(self, message: str, figures: dict | None = None):
        self.message, self.figures = message, figures

    def __str__(self) -> str:
        text = _(self.message)
        if not self.figures:
            return text
        return text % {name: _shown(value) for name, value in self.figures.items()}

    def __repr__(self) -> str:
        return f"Reason({str(self)!r})"


def _shown(value):
    if isinstance(value, Decimal):
        return _number(value) if value.is_finite() else "∞"
    return value


@dataclass(frozen=True)
class Standing:
    track: Track
    expected: Decimal | None  # the path value at the period
    target: Target | None  # the printed target the verdict used
    verdict: Verdict
    why: Reason  # one sentence: why this class

    @property
    def label(self) -> str:
        return self.track.label

    @property
    def reason(self) -> str:
        return str(self.why)


def _direction_of(target: Target, direction: str) -> str:
    if target.comparator in (Comparator.AT_LEAST, Comparator.MORE_THAN):
        return Direction.HIGHER
    if target.comparator in (Comparator.AT_MOST, Comparator.LESS_THAN):
        return Direction.LOWER
    return direction


def target_path(targets: Iterable[Target], direction: str) -> list[PathPoint]:
    """The numeric targets as points of the path, by year; an every-year target is a point in
    each year it covers that has no target of its own."""
    targets = sorted(targets, key=lambda t: t.year)
    own_years = {target.year for target in targets}
    points = []
    for target in targets:
        if target.comparator not in NUMERIC or target.value is None:
            continue
        high = target.value_max if target.value_max is not None else target.value
        reading = _direction_of(target, direction)
        if reading == Direction.LOWER:
            aim, aim_max = high, None
        elif reading == Direction.HIGHER:
            aim, aim_max = target.value, None
        else:
            aim, aim_max = target.value, high
        until = target.until_year or target.year
        for year in range(target.year, until + 1):
            if year == target.year or year not in own_years:
                points.append(PathPoint(year, aim, aim_max))
    return sorted(points, key=lambda point: point.year)


def _between(low: Decimal, high: Decimal, share: Decimal) -> Decimal:
    # Four places, as figures are stored: 8 − 3 × 10/12 is 5,5, not 5,500…001.
    return (low + (high - low) * share).quantize(PLACES)


def path_value(points: list[PathPoint], point: PeriodPoint) -> PathPoint | None:
    """The path at a period: interpolated between the points around it, None outside the path."""
    position = point.position
    before = [p for p in points if p.year <= position]
    after = [p for p in points if p.year >= position]
    if before and before[-1].year == position:
        return before[-1]
    if before and after:
        low, high = before[-1], after[0]
        share = (position - low.year) / (high.year - low.year)
        aim_max = None
        if low.aim_max is not None and high.aim_max is not None:
            aim_max = _between(low.aim_max, high.aim_max, share)
        return PathPoint(point.year, _between(low.aim, high.aim, share), aim_max)
    if after and after[0].year == point.year:
        return after[0]  # within the first target's year: no earlier point to start from
    if before:
        return before[-1]  # after the last target: it holds
    return None


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return decimal_format_vi(value.quantize(Decimal("0.1")).normalize())


def _shortfall(value: Decimal, path: PathPoint, direction: str) -> Decimal:
    """How far the value is short of the path, in percent of the path value (0: on it or past it)."""
    if direction == Direction.HIGHER:
        gap, base = path.aim - value, path.aim
    elif direction == Direction.LOWER:
        gap, base = value - path.aim, path.aim
    else:  # no direction: the distance to the number, or to the nearer end of the range
        high = path.aim_max if path.aim_max is not None else path.aim
        if value < path.aim:
            gap, base = path.aim - value, path.aim
        else:
            gap, base = value - high, high
    if gap <= 0:
        return Decimal(0)
    if base == 0:
        return Decimal("Infinity")
    return gap * HUNDRED / abs(base)


def _milestone_standing(
    reference: Target, point: PeriodPoint, *, value, is_done, direction
) -> Standing:
    verdict = target_assess(reference, value=value, is_done=is_done, direction=direction)
    due = {"year": reference.year}
    if verdict.is_achieved:
        return Standing(Track.ACHIEVED, None, reference, verdict, Reason(N_("Done.")))
    if reference.year > point.year:
        return Standing(
            Track.NOT_ASSESSABLE,
            None,
            reference,
            verdict,
            Reason(N_("To be done by %(year)s: not due yet."), due),
        )
    if verdict.assessment == Assessment.NO_DATA:
        return Standing(
            Track.NO_DATA, None, reference, verdict, Reason(N_("Nothing reported yet."))
        )
    if point.is_final:
        return Standing(
            Track.OFF_TRACK,
            None,
            reference,
            verdict,
            Reason(N_("Not done by the end of %(year)s."), due),
        )
    return Standing(
        Track.AT_RISK,
        None,
        reference,
        verdict,
        Reason(N_("Due in %(year)s and not done yet."), due),
    )


def indicator_standing(
    targets: Iterable[Target],
    point: PeriodPoint,
    *,
    value: Decimal | None,
    is_done: bool | None = None,
    text: str = "",
    direction: str = Direction.HIGHER,
) -> Standing:
    """Classify an indicator's figure at a period (see the module's rules)."""
    targets = sorted(targets, key=lambda t: t.year)
    own, later = target_or_next(targets, point.year)
    reference = own or later
    has_figure = value is not None or is_done is not None or bool(text)
    not_assessed = Verdict(Assessment.NOT_ASSESSED)

    if reference is not None and reference.comparator in MILESTONE_COMPARATORS:
        return _milestone_standing(
            reference, point, value=value, is_done=is_done, direction=direction
        )
    if own is not None and own.comparator in NOT_ASSESSABLE:
        if own.comparator == Comparator.NOT_APPLICABLE:
            reason = Reason(N_("No target for %(year)s (“-”)."), {"year": point.year})
            return Standing(Track.NOT_ASSESSABLE, None, own, not_assessed, reason)
        if not has_figure:
            return Standing(
                Track.NO_DATA, None, own, not_assessed, Reason(N_("Nothing reported yet."))
            )
        reason = Reason(N_("The target (“%(target)s”) has no pass mark."), {"target": own.text})
        return Standing(Track.NOT_ASSESSABLE, None, own, not_assessed, reason)

    points = target_path(targets, direction)
    path = path_value(points, point)
    if path is None:
        first = next((p.year for p in points if p.year > point.year), None)
        if first is not None:
            reason = Reason(N_("The first numeric target is set for %(year)s."), {"year": first})
        else:
            reason = Reason(
                N_("No numeric target to compare with in %(year)s."), {"year": point.year}
            )
        return Standing(Track.NOT_ASSESSABLE, None, reference, not_assessed, reason)
    if reference is not None and reference.comparator not in NUMERIC:
        reference = None
    expected = path.aim
    if value is None:
        verdict = Verdict(Assessment.NO_DATA)
        return Standing(
            Track.NO_DATA, expected, reference, verdict, Reason(N_("Nothing reported yet."))
        )
    reading = _direction_of(reference, direction) if reference is not None else direction
    verdict = (
        target_assess(reference, value=value, direction=direction) if reference else not_assessed
    )
    figures = {
        "value": value,
        "expected": expected,
        "target": reference.text if reference else "",
        "year": reference.year if reference else point.year,
    }
    if verdict.is_achieved:
        if reference is own:
            reason = Reason(N_("%(value)s meets the %(year)s target (%(target)s)."), figures)
        else:
            reason = Reason(
                N_("%(value)s already meets the %(year)s target (%(target)s)."), figures
            )
        return Standing(Track.ACHIEVED, expected, reference, verdict, reason)
    if point.is_final and own is not None and reference is own:
        reason = Reason(N_("%(value)s did not reach the %(year)s target (%(target)s)."), figures)
        return Standing(Track.OFF_TRACK, expected, reference, verdict, reason)
    shortfall = _shortfall(value, path, reading)
    figures["shortfall"] = shortfall
    if shortfall <= ON_TRACK_BAND:
        if shortfall <= 0:
            reason = Reason(N_("%(value)s is on the path (%(expected)s expected by now)."), figures)
        else:
            reason = Reason(
                N_(
                    "%(value)s is %(shortfall)s percent short of the path (%(expected)s expected by now)."
                ),
                figures,
            )
        return Standing(Track.ON_TRACK, expected, reference, verdict, reason)
    reason = Reason(
        N_("%(value)s is %(shortfall)s percent short of the path (%(expected)s expected by now)."),
        figures,
    )
    track = Track.AT_RISK if shortfall <= AT_RISK_BAND else Track.OFF_TRACK
    return Standing(track, expected, reference, verdict, reason)


# How a period's verdict reads a standing: on track counts as achieved for the period.
_ASSESSMENT_OF_TRACK = {
    Track.ACHIEVED: Assessment.ACHIEVED,
    Track.ON_TRACK: Assessment.ACHIEVED,
    Track.AT_RISK: Assessment.NOT_ACHIEVED,
    Track.OFF_TRACK: Assessment.NOT_ACHIEVED,
    Track.NOT_ASSESSABLE: Assessment.NOT_ASSESSED,
    Track.NO_DATA: Assessment.NO_DATA,
}


def standing_verdict(standing: Standing, value: Decimal | None, direction: str) -> Verdict:
    """The verdict of a monthly, quarterly or 6-month figure: against the target path at the
    period, not the year's target (June is not judged on December's number). Achieved or on
    track → achieved; at risk or off track → not achieved; the percentage is of the path."""
    assessment = _ASSESSMENT_OF_TRACK[standing.track]
    percent = None
    expected = standing.expected
    if (
        value is not None
        and expected
        and assessment
        in (
            Assessment.ACHIEVED,
            Assessment.NOT_ACHIEVED,
        )
    ):
        target = standing.target
        reading = _direction_of(target, direction) if target is not None else direction
        if reading == Direction.LOWER:
            percent = expected * HUNDRED / value if value else None
        else:
            percent = value * HUNDRED / expected
    return Verdict(assessment, percent)
