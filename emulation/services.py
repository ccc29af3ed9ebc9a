"""Writes of the emulation scoring: a movement's phases, the office's marks and adjustments.

Movements and criteria are saved through `communes.services.model_form_save` (their rules in
the models' `clean`); each write here is one transaction with its audit row. Who may write is
decided by `communes.access` (the standing office manages its commune) and checked by the views.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from communes.audit import audit_record
from communes.models import AuditAction, Unit
from communes.numbers import decimal_format_vi
from emulation.models import Basis, Criterion, ManualMark, Movement, MovementPhase, ScoreAdjustment
from emulation.scoring import Evaluation, movement_ranking


class ScoringRefused(ValueError):
    """A write the rules refuse; the message is for the user."""

    def __init__(self, message: str, field: str = "__all__"):
        super().__init__(message)
        self.message, self.field = message, field


_PHASE = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")


def phases_parse(text: str, *, start_year: int, end_year: int) -> list[tuple[int, int]]:
    """ "2026-2027; 2028-2030" → [(2026, 2027), (2028, 2030)], within the movement's years, in
    order and not overlapping."""
    phases = []
    for part in filter(None, (piece.strip() for piece in re.split(r"[;,\n]", text or ""))):
        match = _PHASE.match(part)
        if not match:
            raise ScoringRefused(
                _("Write each phase as «2026-2027», separated by «;»: «%(part)s» is not one.")
                % {"part": part},
                "phases",
            )
        start, end = int(match[1]), int(match[2])
        if not start_year <= start <= end <= end_year:
            raise ScoringRefused(
                _("The phase %(start)s-%(end)s is not within the movement's years.")
                % {"start": start, "end": end},
                "phases",
            )
        if phases and start <= phases[-1][1]:
            raise ScoringRefused(
                _("The phases must follow each other without overlapping."), "phases"
            )
        phases.append((start, end))
    return phases


def phases_text(movement: Movement) -> str:
    return "; ".join(phase.code for phase in movement.phases.all())


@transaction.atomic
def movement_phases_set(*, actor, movement: Movement, phases: list[tuple[int, int]]) -> None:
    old = phases_text(movement)
    movement.phases.all().delete()
    MovementPhase.objects.bulk_create(
        MovementPhase(commune=movement.commune, movement=movement, start_year=start, end_year=end)
        for start, end in phases
    )
    new = "; ".join(f"{start}-{end}" for start, end in phases)
    if new != old:
        audit_record(
            actor=actor,
            commune=movement.commune,
            obj=movement,
            field="phases",
            old=old,
            new=new,
        )


def _movement_lock(movement_id: int) -> None:
    """Every write on a movement's scores holds its row: two adjustments checked against the
    same score cannot both pass, and no mark is saved into a movement being removed."""
    if not list(Movement.objects.select_for_update().filter(pk=movement_id).values_list("pk")):
        raise ScoringRefused(_("This movement has been removed."))


def _points_check(points: Decimal, maximum: Decimal, field: str = "points") -> None:
    if points < 0:
        raise ScoringRefused(_("The points cannot be negative."), field)
    if points > maximum:
        raise ScoringRefused(
            _("The points (%(points)s) cannot be more than the maximum (%(maximum)s).")
            % {"points": decimal_format_vi(points), "maximum": decimal_format_vi(maximum)},
            field,
        )


@transaction.atomic
def manual_mark_set(
    *,
    actor,
    criterion: Criterion,
    unit: Unit,
    evaluation: Evaluation,
    points: Decimal,
    note: str = "",
) -> ManualMark:
    """The office's mark of a unit on a criterion scored by hand: between 0 and its maximum."""
    _movement_lock(criterion.movement_id)
    if criterion.basis != Basis.MANUAL:
        raise ScoringRefused(_("This criterion is computed from the figures, not marked by hand."))
    if unit.commune_id != criterion.commune_id:
        raise ScoringRefused(_("Choose a unit of the commune."), "unit")
    if evaluation.kind != criterion.evaluated_over:
        raise ScoringRefused(_("This criterion is not evaluated over this period."))
    _points_check(points, criterion.maximum)
    mark = ManualMark.objects.filter(
        criterion=criterion, unit=unit, period_code=evaluation.code
    ).first()
    old = mark.points if mark else None
    if mark is None:
        mark = ManualMark(
            commune_id=criterion.commune_id,
            criterion=criterion,
            unit=unit,
            period_code=evaluation.code,
        )
    mark.points, mark.note = points, note.strip()
    mark.full_clean()
    mark.save()
    # On the movement, beside the adjustments: the unit's history of a period reads them together.
    audit_record(
        actor=actor,
        commune=criterion.commune,
        obj=criterion.movement,
        action=AuditAction.UPDATE,
        field=f"{evaluation.code} · {unit.short_name} · {criterion.name} · points",
        old=decimal_format_vi(old) if old is not None else None,
        new=decimal_format_vi(points),
        reason=mark.note,
    )
    return mark


@transaction.atomic
def score_adjust(
    *,
    actor,
    movement: Movement,
    unit: Unit,
    evaluation: Evaluation,
    points: Decimal,
    reason: str,
) -> ScoreAdjustment:
    """Points the office adds to (or takes from) a unit's score, with its reason: the score
    stays between 0 and the unit's scale."""
    _movement_lock(movement.pk)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ScoringRefused(_("Say why the score is adjusted."), "reason")
    if points == 0:
        raise ScoringRefused(_("An adjustment adds or takes at least some points."), "points")
    if unit.commune_id != movement.commune_id:
        raise ScoringRefused(_("Choose a unit of the commune."), "unit")
    score = movement_ranking(movement, evaluation).score_of(unit.pk)
    if score is None or not score.scale:
        raise ScoringRefused(_("No criterion scores this unit in this period: nothing to adjust."))
    after = score.total + points
    if after < 0 or after > score.scale:
        raise ScoringRefused(
            _(
                "After the adjustment the score would be %(after)s: it must stay between 0 and "
                "%(scale)s points."
            )
            % {"after": decimal_format_vi(after), "scale": decimal_format_vi(score.scale)},
            "points",
        )
    adjustment = ScoreAdjustment(
        commune_id=movement.commune_id,
        movement=movement,
        unit=unit,
        period_code=evaluation.code,
        points=points,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    adjustment.full_clean()
    adjustment.save()
    audit_record(
        actor=actor,
        commune=movement.commune,
        obj=movement,
        action=AuditAction.UPDATE,
        field=f"{evaluation.code} · {unit.short_name} · score",
        old=decimal_format_vi(score.total),
        new=decimal_format_vi(after),
        reason=reason,
    )
    return adjustment


def criterion_marks_count(criterion: Criterion) -> int:
    """The office's marks a criterion carries: they go with it when it is removed."""
    return ManualMark.objects.filter(criterion=criterion, commune_id=criterion.commune_id).count()


@transaction.atomic
def criterion_delete(*, actor, criterion: Criterion) -> int:
    """Remove a criterion and the marks given on it (the ranking no longer counts it); audited
    on its movement, whose history outlives the criterion. Returns the number of marks removed."""
    _movement_lock(criterion.movement_id)
    movement = criterion.movement
    marks = criterion_marks_count(criterion)
    old = criterion.name
    if marks:
        old = _("%(criterion)s (with %(count)s marks)") % {"criterion": old, "count": marks}
    audit_record(
        actor=actor,
        commune=movement.commune,
        obj=movement,
        action=AuditAction.DELETE,
        field="criterion",
        old=old,
    )
    criterion.delete()  # its marks cascade with it (ManualMark.criterion)
    return marks


def movement_delete_refusal(movement: Movement) -> str:
    """Why a movement cannot be removed (its marks or adjustments are scored history), or ""."""
    marks = ManualMark.objects.filter(
        criterion__movement=movement, commune_id=movement.commune_id
    ).count()
    adjustments = ScoreAdjustment.objects.filter(
        movement=movement, commune_id=movement.commune_id
    ).count()
    if not marks and not adjustments:
        return ""
    return _(
        "This movement has %(marks)s marks and %(adjustments)s score adjustments: remove them "
        "first, or keep the movement."
    ) % {"marks": marks, "adjustments": adjustments}


@transaction.atomic
def movement_delete(*, actor, movement: Movement) -> None:
    """Remove a movement with its phases and criteria, only while nothing has been marked or
    adjusted on it."""
    _movement_lock(movement.pk)
    refusal = movement_delete_refusal(movement)
    if refusal:
        raise ScoringRefused(refusal)
    audit_record(
        actor=actor,
        commune=movement.commune,
        obj=movement,
        action=AuditAction.DELETE,
        old=movement.name,
    )
    movement.delete()
