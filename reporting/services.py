"""Writes of the reporting workflow: draft → submitted → returned → submitted → approved.

Each function is one transaction, writes an audit row per change, and sends notifications
after commit. Saves are guarded by the submission's version: a save made on an older version
is refused (`SubmissionConflict`) instead of silently overwriting someone else's work.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.audit import audit_record
from communes.models import AuditAction, Commune, Membership, Notification, Role, Unit
from indicators.models import Indicator
from reporting import rules
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    ReportingSchedule,
    Submission,
    SubmissionStatus,
    TaskLatestProgress,
    TaskProgress,
)
from reporting.periods import (
    PeriodKind,
    period_parse,
)
from reporting.results import latest_progress_kept, latest_progress_through
from reporting.selectors import (
    CALENDAR_KINDS,
    period_unopened,
    periods_due,
    reporting_start,
    review_rows,
    schedule_for,
    unit_report,
)
from reporting.signals import period_closed
from tasks.models import Task


class SubmissionConflict(Exception):
    """Someone else saved the submission since this person opened it."""


class WorkflowError(Exception):
    """An action the submission's current state does not allow; the message is for the user."""


def schedules_from_duty(*, commune: Commune, text: str) -> list[ReportingSchedule]:
    """A plan's reporting duty that fixes no day ("định kỳ hàng năm hoặc đột xuất"): an
    incomplete schedule entry for each kind it names (all four when it names none), for the
    standing office to complete; kinds the commune has already set are left alone. Returns the
    entries created."""
    from reporting.duty import duty_kinds, duty_lacks_days

    if not duty_lacks_days(text):
        return []
    kinds = duty_kinds(text) or [kind.value for kind in CALENDAR_KINDS]
    taken = set(
        ReportingSchedule.objects.filter(commune=commune, kind__in=kinds).values_list(
            "kind", flat=True
        )
    )
    created = []
    for kind in kinds:
        if kind in taken:
            continue
        schedule = ReportingSchedule.default_for(commune, kind)
        schedule.needs_completion, schedule.duty_text = True, text
        created.append(schedule)
    ReportingSchedule.objects.bulk_create(created)
    return created


def _period_create(commune: Commune, period, schedule: ReportingSchedule) -> ReportingPeriod:
    return _period_save(period_unopened(commune, period, schedule))


def _period_save(unopened: ReportingPeriod) -> ReportingPeriod:
    """The row of a period read as unsaved (`period_unopened`); a concurrent first write wins."""
    reporting_period, _created = ReportingPeriod.objects.get_or_create(
        commune=unopened.commune,
        code=unopened.code,
        defaults={
            "kind": unopened.kind,
            "window_start": unopened.window_start,
            "window_end": unopened.window_end,
            "deadline": unopened.deadline,
        },
    )
    return reporting_period


def period_ensure(commune: Commune, code: str) -> ReportingPeriod:
    """The commune's period with this code, created from its schedule on first use (a write)."""
    existing = ReportingPeriod.objects.filter(commune=commune, code=code).first()
    if existing:
        return existing
    period = period_parse(code)
    return _period_create(commune, period, schedule_for(commune, period.kind))


def period_opened(period: ReportingPeriod) -> ReportingPeriod:
    """The period's row, created on the first write to a period read without one."""
    return period if period.pk is not None else _period_save(period)


def periods_ensure_until(commune: Commune, today: date, *, since: date) -> list[ReportingPeriod]:
    """Every period of the kinds the commune uses, from `since` up to the one containing `today`,
    each with its row: two queries once they all exist, one more for each period created."""
    return [period_opened(period) for period in periods_due(commune, today, since=since)]


def periods_open(today: date | None = None) -> int:
    """Give each commune's periods due by today their rows (the daily beat task), so that
    readers of what exists (the API, the menus' counts) see this month's periods; pages that
    need a period without one show it as not started. Returns how many rows were created."""
    today = today or timezone.localdate()
    created = 0
    for commune in Commune.objects.order_by("pk"):
        due = periods_due(commune, today, since=reporting_start(commune))
        missing = [period for period in due if period.pk is None]
        for period in missing:
            _period_save(period)
        created += len(missing)
    return created


def adhoc_request_create(
    *, actor, commune: Commune, title: str, deadline, units, indicators, questions: str
) -> ReportingPeriod:
    today = timezone.localdate()
    with transaction.atomic():
        period = ReportingPeriod.objects.create(
            commune=commune,
            kind=PeriodKind.AD_HOC,
            code=f"DX-{timezone.now():%Y%m%d%H%M%S}",
            title=title,
            window_start=today,
            window_end=today,
            deadline=deadline,
            questions=questions,
        )
        period.requested_units.set(units)
        period.requested_indicators.set(indicators)
        audit_record(actor=actor, commune=commune, obj=period, action=AuditAction.CREATE, new=title)
    recipients = Membership.objects.filter(role=Role.UNIT_STAFF, unit__in=units, is_active=True)
    _notify(
        [m.user_id for m in recipients],
        commune=commune,
        kind="adhoc_request",
        title=_("Ad-hoc report requested: %(title)s") % {"title": title},
        body=_("Due before %(deadline)s.")
        % {"deadline": timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M")},
        url=reverse("reporting:period", args=[commune.code, period.code]),
    )
    return period


def submission_for(period: ReportingPeriod, unit: Unit) -> Submission:
    """The unit's report for the period, created (with the period's row) on the first write."""
    submission, _created = Submission.objects.get_or_create(
        period=period_opened(period), unit=unit, defaults={"commune": period.commune}
    )
    return submission


def _bump_version(submission: Submission, version: int, actor) -> None:
    updated = Submission.objects.filter(pk=submission.pk, version=version).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )
    if not updated:
        raise SubmissionConflict
    submission.version = version + 1


VALUE_FIELDS = ("value", "numerator", "denominator", "is_done", "text", "outlier_confirmed")
PROGRESS_FIELDS = (
    "status",
    "percent",
    "result",
    "evidence_number",
    "evidence_date",
    "evidence_file",
)
NARRATIVE_FIELDS = ("results", "difficulties", "proposals")


def _file_delete_on_commit(field_file) -> None:
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def submission_save(
    *,
    actor,
    submission: Submission,
    version: int,
    values: dict[int, dict],
    progress: dict[int, dict],
    narrative: dict[str, str],
    pending: dict[str, str],
    reason: str = "",
) -> Submission:
    """Save what is valid; `pending` keeps the raw text of what is not, so nothing typed is lost.

    Figures the rules refuse (`reporting.rules`), whatever the client, raise `FiguresRefused`
    and nothing is saved."""
    if not submission.is_editable and not reason:
        raise WorkflowError(_("This report is locked: it was approved or the period is closed."))
    commune = submission.commune
    existing = {v.indicator_id: v for v in submission.values.all()}
    # One query for the indicators the audit rows name, scoped to the submission's commune.
    indicators = Indicator.objects.filter(commune=commune).in_bulk(list(values))
    _figures_check(values, existing, indicators)
    _bump_version(submission, version, actor)
    for indicator_id, fields in values.items():
        row = existing.get(indicator_id) or IndicatorValue(
            submission=submission, commune=commune, indicator_id=indicator_id
        )
        changed = [
            name for name in VALUE_FIELDS if name in fields and getattr(row, name) != fields[name]
        ]
        if not changed and row.pk:
            continue
        for name in changed:
            old = getattr(row, name) if row.pk else None
            setattr(row, name, fields[name])
            if name != "outlier_confirmed":
                audit_record(
                    actor=actor,
                    commune=commune,
                    obj=indicators[indicator_id],
                    field=f"{submission.period.code} · {submission.unit} · {name}",
                    old=old,
                    new=fields[name],
                    reason=reason,
                )
        row.save()
    existing_progress = {p.task_id: p for p in submission.task_progress.all()}
    for task_id, fields in progress.items():
        row = existing_progress.get(task_id) or TaskProgress(
            submission=submission, commune=commune, task_id=task_id
        )
        changed = [
            name
            for name in PROGRESS_FIELDS
            if name in fields and getattr(row, name) != fields[name]
        ]
        if "evidence_file" in changed and hasattr(fields["evidence_file"], "size"):
            if problem := rules.evidence_file_problem(fields["evidence_file"]):
                raise WorkflowError(problem)
            _file_delete_on_commit(row.evidence_file)  # the replaced file goes once this commits
        for name in changed:
            setattr(row, name, fields[name])
        if changed or not row.pk:
            row.save()
            audit_record(
                actor=actor,
                commune=commune,
                obj=row,
                field=", ".join(changed) or "created",
                new=f"{row.get_status_display()} {row.percent if row.percent is not None else ''}%",
                reason=reason,
            )
    for name in NARRATIVE_FIELDS:
        if name in narrative and getattr(submission, name) != narrative[name]:
            setattr(submission, name, narrative[name])
    if progress and submission.status == SubmissionStatus.APPROVED:
        _submission_tasks_refresh(submission)  # a correction after approval
    submission.pending_inputs = pending
    submission.updated_by = actor
    submission.save(update_fields=[*NARRATIVE_FIELDS, "pending_inputs", "updated_by", "updated_at"])
    return submission


def _figures_check(
    values: dict[int, dict], existing: dict[int, IndicatorValue], indicators: dict[int, Indicator]
) -> None:
    """Every figure as it will be stored (the fields sent over the stored ones) obeys the rules."""
    problems = {}
    for indicator_id, fields in values.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            raise WorkflowError(_("This indicator is not in this unit's report."))
        row = existing.get(indicator_id)
        final = {
            name: fields[name] if name in fields else (getattr(row, name) if row else None)
            for name in VALUE_FIELDS
            if name != "outlier_confirmed"
        }
        found = rules.value_problems(indicator, final)
        if found:
            problems[indicator_id] = found
    if problems:
        raise rules.FiguresRefused(problems)


@transaction.atomic
def indicator_value_invalid_clear(*, actor, value: IndicatorValue, reason: str) -> dict[str, str]:
    """Take a stored figure that breaks the rules out of the figures and into the report's kept
    input (`pending_inputs`, as it would be typed), so the unit corrects it in its form; one audit
    row per field cleared. Returns the inputs kept. Needs `value` read with `values_read`."""
    problems = rules.stored_rule_problems(value.indicator, value)
    if not problems:
        return {}
    # A ratio's a and b go together: one of them alone is not a figure.
    names = (
        ["numerator", "denominator"]
        if value.indicator.is_ratio and problems.keys() & {"numerator", "denominator"}
        else [name for name in problems if name in rules.NUMBER_FIELDS]
    )
    submission = Submission.objects.select_for_update().get(pk=value.submission_id)
    kept = {}
    for name in names:
        text = rules.stored_text(value, name)
        if not text:
            continue
        kept[rules.input_name(value.indicator_id, name)] = text
        setattr(value, name, None)
        audit_record(
            actor=actor,
            commune=submission.commune,
            obj=submission,
            field=f"{submission.period.code} · {submission.unit} · {value.indicator.code} · {name}",
            old=text,
            new=None,
            reason=reason
            or "; ".join(message for messages in problems.values() for message in messages),
        )
    value.save(update_fields=list(rules.NUMBER_FIELDS))
    submission.pending_inputs = {**(submission.pending_inputs or {}), **kept}
    submission.version += 1  # a form opened before this must not save over the kept input
    submission.save(update_fields=["pending_inputs", "version"])
    return kept


@transaction.atomic
def submission_submit(*, actor, submission: Submission, version: int) -> Submission:
    """Send the report to the standing office; `SubmitRefused` lists what it still needs."""
    if submission.period.is_closed:
        raise WorkflowError(
            _("The standing office has closed this period: it no longer takes reports.")
        )
    if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        raise WorkflowError(_("This report was already submitted."))
    report = unit_report(submission)
    problems = rules.submit_problems(report)
    if problems:
        raise rules.SubmitRefused(problems, rules.submit_problem_list(report, problems))
    _bump_version(submission, version, actor)
    now = timezone.now()
    old = submission.status
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now
    submission.is_late = now >= submission.deadline  # the period's, or an extension's
    submission.save(update_fields=["status", "submitted_at", "is_late"])
    audit_record(
        actor=actor,
        commune=submission.commune,
        obj=submission,
        action=AuditAction.SUBMIT,
        field="status",
        old=old,
        new=submission.status,
        reason=_("late") if submission.is_late else "",
    )
    return submission


@transaction.atomic
def task_latest_progress_refresh(tasks) -> int:
    """Keep `TaskLatestProgress` for `tasks` (a task queryset): each one's latest approved
    progress by the one rule (`reporting.results.latest_progress_kept`), read over its whole
    history; a task without approved progress keeps no row. Called whenever approval changes
    what counts (approve, reopen, a correction after approval) and after bulk loads; returns how
    many tasks have a row. The tasks are locked first, so that two approvals at once read each
    other's reports instead of the later write keeping a reading without the other's."""
    task_ids = list(tasks.order_by("pk").select_for_update().values_list("pk", flat=True))
    kept_count = 0
    for start in range(0, len(task_ids), 2000):  # SQLite's cap on a statement's parameters
        chunk = task_ids[start : start + 2000]
        kept = list(
            Task.objects.filter(pk__in=chunk)
            .annotate(kept=latest_progress_kept(), through=latest_progress_through())
            .filter(kept__isnull=False)
            .values_list("pk", "commune_id", "kept", "through")
        )
        TaskLatestProgress.objects.filter(task_id__in=chunk).exclude(
            task_id__in=[row[0] for row in kept]
        ).delete()
        TaskLatestProgress.objects.bulk_create(
            [
                TaskLatestProgress(
                    task_id=task_id, commune_id=commune_id, progress_id=pk, through=end
                )
                for task_id, commune_id, pk, end in kept
            ],
            update_conflicts=True,
            unique_fields=["task"],
            update_fields=["progress", "through"],
        )
        kept_count += len(kept)
    return kept_count


def _submission_tasks_refresh(submission: Submission) -> None:
    task_latest_progress_refresh(
        Task.objects.filter(pk__in=submission.task_progress.values("task_id"))
    )


def _review_guard(submission: Submission) -> None:
    if submission.status != SubmissionStatus.SUBMITTED:
        raise WorkflowError(_("Only a submitted report can be returned or approved."))


def _review_transition(
    *,
    actor,
    submission: Submission,
    action: str,
    status: str,
    reason: str,
    notify_kind: str,
    title: str,
) -> Submission:
    """Move a reviewed submission to `status`: lock-step version, audit row, the unit notified."""
    old = submission.status
    submission.status = status
    submission.reviewed_at, submission.reviewed_by = timezone.now(), actor
    if reason:
        submission.review_comment = reason
    submission.version += 1
    submission.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "version"]
    )
    if SubmissionStatus.APPROVED in (old, status):
        _submission_tasks_refresh(submission)
    audit_record(
        actor=actor,
        commune=submission.commune,
        obj=submission,
        action=action,
        field="status",
        old=old,
        new=status,
        reason=reason,
    )
    _notify_unit(submission, kind=notify_kind, title=title, body=reason)
    return submission


@transaction.atomic
def submission_return(*, actor, submission: Submission, comment: str) -> Submission:
    _review_guard(submission)
    if not comment.strip():
        raise WorkflowError(
            _("Say what the unit should correct: a comment is required to return a report.")
        )
    return _review_transition(
        actor=actor,
        submission=submission,
        action=AuditAction.RETURN,
        status=SubmissionStatus.RETURNED,
        reason=comment,
        notify_kind="submission_returned",
        title=_("Your report for %(period)s was returned") % {"period": submission.period.label},
    )


@transaction.atomic
def submission_approve(*, actor, submission: Submission) -> Submission:
    _review_guard(submission)
    return _review_transition(
        actor=actor,
        submission=submission,
        action=AuditAction.APPROVE,
        status=SubmissionStatus.APPROVED,
        reason="",
        notify_kind="submission_approved",
        title=_("Your report for %(period)s was approved") % {"period": submission.period.label},
    )


@transaction.atomic
def submission_reopen(*, actor, submission: Submission, reason: str) -> Submission:
    if submission.status != SubmissionStatus.APPROVED:
        raise WorkflowError(_("Only an approved report can be reopened."))
    if not reason.strip():
        raise WorkflowError(_("A reason is required to reopen an approved report."))
    return _review_transition(
        actor=actor,
        submission=submission,
        action=AuditAction.REOPEN,
        status=SubmissionStatus.RETURNED,
        reason=reason,
        notify_kind="submission_reopened",
        title=_("Your approved report for %(period)s was reopened")
        % {"period": submission.period.label},
    )


def period_close_summary(period: ReportingPeriod) -> dict:
    """What closing the period does, for its confirmation: the units whose report it locks (not
    approved yet) and, of them, those that have not submitted at all."""
    rows = review_rows(period.commune, period)
    locked = [
        row.unit
        for row in rows
        if not (row.submission and row.submission.status == SubmissionStatus.APPROVED)
    ]
    missing = [
        row.unit
        for row in rows
        if not row.submission
        or row.submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
    ]
    return {"locked": locked, "missing": missing}


@transaction.atomic
def period_close(*, actor, period: ReportingPeriod) -> ReportingPeriod:
    """Close the period: no unit saves or submits for it any more, until the office reopens it."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise WorkflowError(_("This period is already closed."))
    period.closed_at = timezone.now()
    period.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        commune=period.commune,
        obj=period,
        action=AuditAction.CLOSE,
        field="closed",
        new=period.closed_at,
    )
    period_closed.send(sender=ReportingPeriod, period=period)
    return period


@transaction.atomic
def period_reopen(*, actor, period: ReportingPeriod, reason: str) -> ReportingPeriod:
    """Reopen a closed period, with the reason kept in its history: its units may save and
    submit again (approved reports stay approved)."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise WorkflowError(_("This period is not closed."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("A reason is required to reopen a closed period."))
    old = period.closed_at
    period.closed_at = None
    period.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        commune=period.commune,
        obj=period,
        action=AuditAction.REOPEN,
        field="closed",
        old=old,
        reason=reason,
    )
    return period


@transaction.atomic
def submission_withdraw(*, actor, submission: Submission, version: int) -> Submission:
    """The unit takes back a report the standing office has not reviewed yet: back to draft, to
    correct and submit again. Refused once the office has returned or approved it."""
    if submission.period.is_closed:
        raise WorkflowError(
            _("The standing office has closed this period: it no longer takes reports.")
        )
    if submission.status != SubmissionStatus.SUBMITTED:
        raise WorkflowError(
            _("Only a submitted report that the standing office has not reviewed can be withdrawn.")
        )
    # One statement decides: a review that lands first leaves nothing to withdraw.
    updated = Submission.objects.filter(
        pk=submission.pk, version=version, status=SubmissionStatus.SUBMITTED
    ).update(
        status=SubmissionStatus.DRAFT,
        submitted_at=None,
        is_late=False,
        version=F("version") + 1,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    if not updated:
        current = Submission.objects.get(pk=submission.pk)
        if current.status != SubmissionStatus.SUBMITTED:
            raise WorkflowError(
                _("The standing office has already reviewed this report: it cannot be withdrawn.")
            )
        raise SubmissionConflict
    old = submission.status
    submission.refresh_from_db()
    audit_record(
        actor=actor,
        commune=submission.commune,
        obj=submission,
        action=AuditAction.WITHDRAW,
        field="status",
        old=old,
        new=submission.status,
    )
    return submission


def _notify_unit(submission: Submission, *, kind: str, title: str, body: str) -> None:
    users = Membership.objects.filter(
        role=Role.UNIT_STAFF, unit=submission.unit, is_active=True
    ).values_list("user_id", flat=True)
    _notify(
        list(users),
        commune=submission.commune,
        kind=kind,
        title=title,
        body=body,
        url=reverse(
            "reporting:submission",
            args=[submission.commune.code, submission.period.code, submission.unit_id],
        ),
    )


def _notify(
    user_ids: list[int], *, commune: Commune, kind: str, title: str, body: str, url: str
) -> None:
    Notification.objects.bulk_create(
        Notification(user_id=user_id, commune=commune, kind=kind, title=title, body=body, url=url)
        for user_id in set(user_ids)
    )


def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
