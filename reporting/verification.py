"""Verification of approved figures (kiểm chứng): the standing office marks a figure verified,
noting the evidence it looked at, or questions it; the unit that reported it answers; the office
then verifies it or asks again. Each step is one transaction with an audit row and a notice.

Only figures of approved reports are checked: they are the ones the commune's figures count.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.access import scope_for
from communes.audit import audit_record
from communes.models import AuditAction
from reporting.extensions import _office_users, _unit_users
from reporting.models import (
    FigureVerification,
    IndicatorValue,
    SubmissionStatus,
    VerificationStatus,
)
from reporting.services import _notify

NOTE_MAX_LENGTH = 2000


class VerificationRefused(Exception):
    """A step that cannot be recorded; the message is for the user."""


def _submission_url(value: IndicatorValue) -> str:
    submission = value.submission
    return (
        reverse(
            "reporting:submission",
            args=[submission.commune.code, submission.period.code, submission.unit_id],
        )
        + f"#figure-{value.pk}"
    )


def _text(text: str, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise VerificationRefused(missing)
    if len(text) > NOTE_MAX_LENGTH:
        raise VerificationRefused(
            _("At most %(count)s characters, please.") % {"count": NOTE_MAX_LENGTH}
        )
    return text


def _locked(value: IndicatorValue) -> tuple[IndicatorValue, FigureVerification | None]:
    value = (
        IndicatorValue.objects.select_for_update(of=("self",))
        .select_related(
            "indicator", "commune", "submission__period", "submission__commune", "submission__unit"
        )
        .get(pk=value.pk)
    )
    return value, FigureVerification.objects.filter(value=value).first()


def _office_check(actor, value: IndicatorValue) -> None:
    if not scope_for(actor).can_verify_figures(value.submission.commune):
        raise PermissionDenied
    if value.submission.status != SubmissionStatus.APPROVED:
        raise VerificationRefused(_("Only a figure of an approved report can be verified."))


def _record(actor, value, current, *, status: str, note: str) -> FigureVerification:
    old = current.get_status_display() if current else ""
    verification = current or FigureVerification(commune=value.commune, value=value)
    verification.status = status
    verification.note = note
    verification.checked_by = actor
    verification.checked_at = timezone.now()
    if status == VerificationStatus.QUESTIONED:
        # A new question waits for a new answer.
        verification.answer, verification.answered_by, verification.answered_at = "", None, None
    verification.full_clean(exclude=["value", "commune"])
    verification.save()
    audit_record(
        actor=actor,
        commune=value.commune,
        obj=verification,
        action=AuditAction.UPDATE if current else AuditAction.CREATE,
        field=f"{value.indicator.code} · status",
        old=old,
        new=verification.get_status_display(),
        reason=note,
    )
    return verification


@transaction.atomic
def figure_verify(*, actor, value: IndicatorValue, note: str) -> FigureVerification:
    """The office checked the figure against the evidence it names in `note`."""
    note = _text(note, _("Name the evidence you checked the figure against."))
    value, current = _locked(value)
    _office_check(actor, value)
    if current and current.status == VerificationStatus.VERIFIED:
        raise VerificationRefused(_("This figure is already verified."))
    return _record(actor, value, current, status=VerificationStatus.VERIFIED, note=note)


@transaction.atomic
def figure_question(*, actor, value: IndicatorValue, question: str) -> FigureVerification:
    """The office asks the unit to explain or prove the figure; the unit is told."""
    question = _text(question, _("Write the question for the unit."))
    value, current = _locked(value)
    _office_check(actor, value)
    if current and current.status == VerificationStatus.QUESTIONED:
        raise VerificationRefused(_("A question about this figure already awaits an answer."))
    verification = _record(
        actor, value, current, status=VerificationStatus.QUESTIONED, note=question
    )
    _notify(
        _unit_users(value.submission.unit_id),
        commune=value.commune,
        kind="figure_questioned",
        title=(
            _("The standing office asks about indicator %(code)s (%(period)s)")
            % {"code": value.indicator.code, "period": value.submission.period.label}
        )[:300],
        body=question,
        url=_submission_url(value),
    )
    return verification


@transaction.atomic
def figure_answer(*, actor, value: IndicatorValue, answer: str) -> FigureVerification:
    """The reporting unit answers the office's question; the office is told."""
    answer = _text(answer, _("Write your answer to the question."))
    value, current = _locked(value)
    if not scope_for(actor).can_answer_for_figure(value.submission.unit_id):
        raise PermissionDenied
    if current is None or current.status != VerificationStatus.QUESTIONED:
        raise VerificationRefused(_("No question about this figure awaits an answer."))
    current.status = VerificationStatus.ANSWERED
    current.answer = answer
    current.answered_by = actor
    current.answered_at = timezone.now()
    current.save()
    audit_record(
        actor=actor,
        commune=value.commune,
        obj=current,
        field=f"{value.indicator.code} · status",
        old=VerificationStatus.QUESTIONED.label,
        new=VerificationStatus.ANSWERED.label,
        reason=answer,
    )
    _notify(
        _office_users(value.commune),
        commune=value.commune,
        kind="figure_answered",
        title=(
            _("%(unit)s answered about indicator %(code)s (%(period)s)")
            % {
                "unit": value.submission.unit.short_name,
                "code": value.indicator.code,
                "period": value.submission.period.label,
            }
        )[:300],
        body=answer,
        url=_submission_url(value),
    )
    return current
