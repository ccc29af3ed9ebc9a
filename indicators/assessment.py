"""Achievement: an actual figure against the target of its year, by the target's comparator.

One rule for every page, report and API: "Đạt" (achieved), "Chưa đạt" (not achieved),
"Không đánh giá" (no pass mark: "Khuyến khích", free text, "-" or no target that year) and
"Chưa có số liệu" (nothing reported yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models import Direction, Target
from indicators.targets import MILESTONE_COMPARATORS, Comparator

HUNDRED = Decimal(100)
NOT_ASSESSABLE = {Comparator.ENCOURAGED, Comparator.NOT_APPLICABLE, Comparator.TEXT}


class Assessment(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    NO_DATA = "no_data", _("No data")


@dataclass(frozen=True)
class Verdict:
    assessment: Assessment
    percent_of_target: Decimal | None = None  # the actual as a percentage of the target

    @property
    def is_achieved(self) -> bool:
        return self.assessment == Assessment.ACHIEVED

    @property
    def is_assessed(self) -> bool:
        return self.assessment in (Assessment.ACHIEVED, Assessment.NOT_ACHIEVED)


# Verdicts without a percentage are immutable and shared (a province judges thousands of cells).
_NOT_ASSESSED = Verdict(Assessment.NOT_ASSESSED)
_NO_DATA = Verdict(Assessment.NO_DATA)


def target_assess(
    target: Target | None,
    *,
    value: Decimal | None,
    is_done: bool | None = None,
    direction: str = Direction.HIGHER,
) -> Verdict:
    """Judge `value` (or `is_done` for a milestone) against `target`.

    "> 40" and "< 5" are strict: 40 does not meet "trên 40%". A milestone ("X", or a row that
    prints no value: the thing must exist by then) is achieved when reported done.

    A bare number ("70") or a range ("2-3") is read by the indicator's direction: when higher is
    better, reaching the number or the range's lower bound achieves it and more is better still;
    when lower is better, staying at or under it does. Only an indicator without a direction must
    land inside a range or on the number.
    """
    if target is None or target.comparator in NOT_ASSESSABLE:
        return _NOT_ASSESSED
    if target.comparator in MILESTONE_COMPARATORS:
        if is_done is None:
            if value is None:
                return _NO_DATA
            is_done = value > 0
        return Verdict(Assessment.ACHIEVED if is_done else Assessment.NOT_ACHIEVED)
    if value is None:
        return _NO_DATA
    if target.value is None:
        return _NOT_ASSESSED
    low, high = target.value, target.value_max if target.value_max is not None else target.value
    comparator = target.comparator
    if comparator in (Comparator.EQUAL, Comparator.RANGE):
        comparator = {
            Direction.HIGHER: Comparator.AT_LEAST,
            Direction.LOWER: Comparator.AT_MOST,
        }.get(direction, Comparator.RANGE)
    if comparator == Comparator.AT_LEAST:
        achieved = value >= low
    elif comparator == Comparator.MORE_THAN:
        achieved = value > low
    elif comparator == Comparator.AT_MOST:
        achieved = value <= high
    elif comparator == Comparator.LESS_THAN:
        achieved = value < high
    else:
        achieved = low <= value <= high
    lower_is_better = comparator in (Comparator.AT_MOST, Comparator.LESS_THAN)
    return Verdict(
        Assessment.ACHIEVED if achieved else Assessment.NOT_ACHIEVED,
        _percent_of_target(value, high if lower_is_better else low, comparator),
    )


def _percent_of_target(value: Decimal, aim: Decimal, comparator: str) -> Decimal | None:
    """How far the actual goes towards the target, as a percentage (more than 100: exceeded).

    For "at most" and "less than" targets the ratio is inverted, so that more than 100 still
    means better than the target.
    """
    if comparator in (Comparator.AT_MOST, Comparator.LESS_THAN):
        if value == 0:
            return None
        return aim * HUNDRED / value
    if aim == 0:
        return None
    return value * HUNDRED / aim


def target_of_year(targets: list[Target], year: int) -> Target | None:
    """The target of `year` among an indicator's targets: the one set for exactly that year,
    else an every-year target running through it ("Mỗi năm có …" from 2026 to the plan's end),
    else None."""
    own, _later = target_or_next(targets, year)
    return own


def target_or_next(targets, year: int) -> tuple[Target | None, Target | None]:
    """The one rule for "the target of the year, else the next": (the target of `year`, None)
    when there is one (set for that year, else an every-year target covering it, the latest
    begun), else (None, the first target set after it: a 2030 milestone), (None, None) when
    neither. `targets` in any order."""
    every = later = None
    for target in targets:
        if target.year == year:
            return target, None
        until = target.until_year
        covers = until is not None and target.year <= year <= until
        if covers and (every is None or target.year > every.year):
            every = target
        if target.year > year and (later is None or target.year < later.year):
            later = target
    if every is not None:
        return every, None
    return None, later
