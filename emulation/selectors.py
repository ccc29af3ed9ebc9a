"""What the thi đua pages read: a commune's movements, a movement's criteria, a unit's marks."""

from __future__ import annotations

from communes.models import Commune, Unit
from emulation.models import Criterion, ManualMark, Movement


def movements_of(commune: Commune) -> list[Movement]:
    return list(Movement.objects.filter(commune=commune).prefetch_related("phases"))


def _criteria(movement: Movement):
    return Criterion.objects.filter(movement=movement, commune_id=movement.commune_id)


def criteria_of(movement: Movement) -> list[Criterion]:
    """The movement's criteria, each with the indicator or task it reads."""
    return list(_criteria(movement).select_related("indicator", "task"))


def criteria_count(movement: Movement) -> int:
    return _criteria(movement).count()


def manual_marks_of(criteria: list[Criterion], *, unit: Unit, period_code: str) -> dict:
    """The unit's marks of these manual criteria for the evaluation, by criterion id."""
    marks = ManualMark.objects.filter(criterion__in=criteria, unit=unit, period_code=period_code)
    return {mark.criterion_id: mark for mark in marks}
