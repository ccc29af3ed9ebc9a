"""Deadline extensions (gia hạn): a unit asks for a later deadline for a task it leads or for its
report of a period, with a reason; the standing office grants it (possibly another date) or
refuses it with a reason. Every step is a service: one transaction, an audit row, a notification.

A granted report extension is written onto the unit's submission (`Submission.deadline_extended`)
so that every status, reminder and page reading the submission follows it; a granted task
extension moves that occurrence of the task's due date (`task_extensions_granted`, passed to
`tasks.deadlines.task_due_dates` / `task_due_in`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.audit import audit_record
from communes.models import AuditAction, Commune, Membership, Role, Unit
from reporting.models import (
    DeadlineExtension,
    ExtensionStatus,
    Submission,
    SubmissionStatus,
)
from reporting.periods import TIME_ZONE
from reporting.selectors import task_extensions_granted
from reporting.services import _notify
from tasks.deadlines import task_deadline, task_due_dates
from tasks.models import Task

# How far a deadline may be pushed in one request: a request beyond it is surely a typing error.
MAX_EXTENSION_DAYS = 366


class ExtensionRefused(Exception):
    """A request or an answer that cannot be recorded; the message is for the user."""

    def __init__(self, message: str, field: str = "__all__"):
        super().__init__(message)
        self.message, self.field = message, field


def day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def deadline_instant(last_day: date) -> datetime:
    """The instant from which something whose last on-time day is `last_day` is late."""
    return datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=TIME_ZONE)


def task_plan_years(task: Task) -> range:
    return range(task.plan.period_start, task.plan.period_end + 1)


def task_current_due(task: Task, today: date, extended: dict[date, date] | None = None):
    """The printed due date a request would move and the date it falls due now: the next one
    from `today`, else the last one (an overdue task); (None, None) for a task without a date."""
    printed = task_due_dates(task_deadline(task), task_plan_years(task))
    pairs = sorted(((extended or {}).get(day, day), day) for day in printed)
    if not pairs:
        return None, None
    upcoming = [pair for pair in pairs if pair[0] >= today]
    due, original = upcoming[0] if upcoming else pairs[-1]
    return original, due


def _office_users(commune: Commune) -> list[int]:
    return list(
        Membership.objects.filter(
            role=Role.STANDING_OFFICE, commune=commune, is_active=True
        ).values_list("user_id", flat=True)
    )


def _unit_users(unit_id: int) -> list[int]:
    return list(
        Membership.objects.filter(
            role=Role.UNIT_STAFF, unit_id=unit_id, is_active=True
        ).values_list("user_id", flat=True)
    )


def extension_url(extension: DeadlineExtension) -> str:
    return reverse("reporting:extension", args=[extension.commune.code, extension.pk])


def _check_new_date(new: date, after: date, *, field: str) -> None:
    if new <= after:
        raise ExtensionRefused(
            _("The new deadline must be after %(day)s.") % {"day": day_text(after)}, field
        )
    if new > after + timedelta(days=MAX_EXTENSION_DAYS):
        raise ExtensionRefused(
            _("The new deadline can be at most one year after %(day)s.") % {"day": day_text(after)},
            field,
        )


@transaction.atomic
def extension_request(
    *,
    actor,
    unit: Unit,
    requested_date: date,
    reason: str,
    submission: Submission | None = None,
    task: Task | None = None,
    today: date | None = None,
) -> DeadlineExtension:
    """Record a unit's request. The caller checked that `actor` writes for `unit` (access)."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ExtensionRefused(_("Say why the unit needs more time."), "reason")
    open_requests = DeadlineExtension.objects.filter(status=ExtensionStatus.REQUESTED)
    if submission is not None:
        if submission.unit_id != unit.pk:
            raise ExtensionRefused(_("This report is another unit's."))
        if submission.period.is_closed:
            raise ExtensionRefused(_("The period is closed: it no longer takes reports."))
        if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
            raise ExtensionRefused(_("This report was already submitted."))
        original = submission.last_day
        open_requests = open_requests.filter(submission=submission)
        commune = submission.commune
    else:
        if not task.lead_units.filter(pk=unit.pk).exists():
            raise ExtensionRefused(_("Only a lead unit of the task may ask for more time."))
        extended = task_extensions_granted(task_ids=[task.pk]).get(task.pk)
        printed, due = task_current_due(task, today, extended)
        if printed is None:
            raise ExtensionRefused(_("This task has no dated deadline to extend."))
        original = due
        open_requests = open_requests.filter(task=task)
        commune = task.commune
    _check_new_date(requested_date, original, field="requested_date")
    if open_requests.exists():
        raise ExtensionRefused(_("A request for this deadline is already awaiting an answer."))
    extension = DeadlineExtension.objects.create(
        commune=commune,
        unit=unit,
        submission=submission,
        task=task,
        original_date=printed if task is not None else original,
        requested_date=requested_date,
        reason=reason,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        commune=commune,
        obj=extension,
        action=AuditAction.CREATE,
        field="requested_date",
        old=day_text(original),
        new=day_text(requested_date),
        reason=reason,
    )
    title = _("%(unit)s asks for more time: %(subject)s") % {
        "unit": unit.short_name,
        "subject": extension.subject_label,
    }
    body = _("Deadline %(old)s, asked for %(new)s. Reason: %(reason)s") % {
        "old": day_text(original),
        "new": day_text(requested_date),
        "reason": reason,
    }
    # In-app notices are rows of the same transaction (as `submission_return`'s).
    _notify(
        _office_users(commune),
        commune=commune,
        kind="extension_requested",
        title=title[:300],
        body=body,
        url=extension_url(extension),
    )
    return extension


def _answer_guard(extension: DeadlineExtension) -> DeadlineExtension:
    locked = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    if locked.status != ExtensionStatus.REQUESTED:
        raise ExtensionRefused(_("This request has already been answered."))
    return locked


def _answered_notify(extension: DeadlineExtension, title: str, body: str) -> None:
    _notify(
        _unit_users(extension.unit_id),
        commune=extension.commune,
        kind=f"extension_{extension.status}",
        title=title[:300],
        body=body,
        url=extension_url(extension),
    )


@transaction.atomic
def extension_grant(
    *, actor, extension: DeadlineExtension, answer: str = "", granted_date: date | None = None
) -> DeadlineExtension:
    """Grant the request, at the date asked for or another one the office chooses."""
    extension = _answer_guard(extension)
    granted_date = granted_date or extension.requested_date
    if extension.submission_id:
        current = extension.submission.last_day
    else:
        moved = task_extensions_granted(task_ids=[extension.task_id]).get(extension.task_id, {})
        current = moved.get(extension.original_date, extension.original_date)
    _check_new_date(granted_date, current, field="granted_date")
    extension.status = ExtensionStatus.GRANTED
    extension.granted_date = granted_date
    extension.answer = (answer or "").strip()
    extension.answered_by = actor
    extension.answered_at = timezone.now()
    extension.save()
    audit_record(
        actor=actor,
        commune=extension.commune,
        obj=extension,
        field="status",
        old=ExtensionStatus.REQUESTED.label,
        new=_("granted until %(day)s") % {"day": day_text(granted_date)},
        reason=extension.answer,
    )
    if extension.submission_id:
        submission = extension.submission
        old = day_text(submission.last_day)
        submission.deadline_extended = deadline_instant(granted_date)
        fields = ["deadline_extended"]
        if submission.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
            # Handed in already: on time if it came before the new deadline.
            submission.is_late = submission.submitted_at >= submission.deadline_extended
            fields.append("is_late")
        submission.save(update_fields=fields)
        audit_record(
            actor=actor,
            commune=submission.commune,
            obj=submission,
            field="deadline",
            old=old,
            new=day_text(granted_date),
            reason=_("extension granted"),
        )
    else:
        audit_record(
            actor=actor,
            commune=extension.commune,
            obj=extension.task,
            field="deadline",
            old=day_text(current),
            new=day_text(granted_date),
            reason=_("extension granted"),
        )
    _answered_notify(
        extension,
        _("More time granted: %(subject)s") % {"subject": extension.subject_label},
        _("New deadline: %(day)s. %(answer)s")
        % {"day": day_text(granted_date), "answer": extension.answer},
    )
    return extension


@transaction.atomic
def extension_refuse(*, actor, extension: DeadlineExtension, answer: str) -> DeadlineExtension:
    """Refuse the request; the unit is told why."""
    answer = (answer or "").strip()
    if not answer:
        raise ExtensionRefused(_("Say why the request is refused."), "answer")
    extension = _answer_guard(extension)
    extension.status = ExtensionStatus.REFUSED
    extension.answer = answer
    extension.answered_by = actor
    extension.answered_at = timezone.now()
    extension.save()
    audit_record(
        actor=actor,
        commune=extension.commune,
        obj=extension,
        field="status",
        old=ExtensionStatus.REQUESTED.label,
        new=ExtensionStatus.REFUSED.label,
        reason=answer,
    )
    _answered_notify(
        extension,
        _("More time refused: %(subject)s") % {"subject": extension.subject_label},
        answer,
    )
    return extension
