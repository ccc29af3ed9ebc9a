"""Deadline extensions (gia hạn): a unit asks, the standing office grants or refuses, and the
reminders, statuses, to-do lists and reports follow the granted date; every step is audited."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from communes.access import scope_for
from communes.audit import audit_trail_for
from communes.models import AuditEntry, Notification, Role
from reminders.selectors import reminders_due
from reporting.extensions import ExtensionRefused, extension_refuse, extension_request
from reporting.models import DeadlineExtension, ReportingPeriod, Submission
from reporting.results import commune_results
from reporting.selectors import Timeliness, submission_timeliness
from reporting.services import periods_ensure_until
from tasks.models import Task
from tests.conftest import person
from todo.selectors import commune_todo


@pytest.fixture
def an_nong(seeds):
    commune = seeds["an-nong"]
    unit = commune.units.get(short_name="Phòng VH-XH")
    periods_ensure_until(commune, date(2026, 12, 5), since=date(2026, 1, 1))
    return {
        "commune": commune,
        "unit": unit,
        "clerk": person(Role.UNIT_STAFF, commune=commune, unit=unit),
        "office": person(Role.STANDING_OFFICE, commune=commune),
        "period": ReportingPeriod.objects.get(commune=commune, code="202611"),
    }


def _unit_reminders(day, ctx, **match):
    return [
        r
        for r in reminders_due(day, commune_ids=[ctx["commune"].pk])
        if r.recipient.user_id == ctx["clerk"].pk
        and all(getattr(r, key) == value for key, value in match.items())
    ]


def test_a_report_extension_asked_granted_and_followed_everywhere(client, an_nong):
    ctx, commune, period, unit = an_nong, an_nong["commune"], an_nong["period"], an_nong["unit"]
    assert period.last_day == date(2026, 12, 14)  # "before the 15th"
    ask_url = reverse("reporting:extension_report", args=[commune.code, period.code, unit.pk])
    with time_machine.travel("2026-12-05 09:00 +0700"):
        client.force_login(ctx["clerk"])
        page = client.get(
            reverse("reporting:submission", args=[commune.code, period.code, unit.pk])
        )
        assert ask_url in page.content.decode()
        # Bad input: a clear Vietnamese message, nothing saved.
        response = client.post(ask_url, {"requested_date": "2026-12-01", "reason": "Chờ số liệu"})
        assert response.status_code == 400
        assert "Hạn mới phải sau ngày 14/12/2026." in response.content.decode()
        response = client.post(ask_url, {"requested_date": "2026-12-24", "reason": ""})
        assert response.status_code == 400 and not DeadlineExtension.objects.exists()
        response = client.post(
            ask_url, {"requested_date": "2026-12-24", "reason": "Chờ số liệu của Sở"}
        )
        extension = DeadlineExtension.objects.get()
        assert response.url == reverse("reporting:extension", args=[commune.code, extension.pk])
        assert extension.status == "requested" and extension.original_date == date(2026, 12, 14)
        # A second request for the same deadline waits for the first one's answer.
        response = client.post(ask_url, {"requested_date": "2026-12-26", "reason": "Lần nữa"})
        assert "đang chờ trả lời" in response.content.decode()

        # The office is told and finds it on its to-do page; it grants another date.
        assert Notification.objects.filter(user=ctx["office"], kind="extension_requested").exists()
        client.force_login(ctx["office"])
        todo = client.get(reverse("todo:commune", args=[commune.code])).content.decode()
        answer_url = reverse("reporting:extension", args=[commune.code, extension.pk])
        assert answer_url in todo and "Chờ số liệu của Sở" in todo
        response = client.post(
            answer_url,
            {"action": "grant", "granted_date": "2026-12-22", "answer": "Đồng ý đến 22/12"},
        )
        assert response.status_code == 302
    extension.refresh_from_db()
    submission = Submission.objects.get(period=period, unit=unit)
    assert extension.status == "granted" and extension.granted_date == date(2026, 12, 22)
    assert submission.last_day == date(2026, 12, 22)
    assert Notification.objects.filter(user=ctx["clerk"], kind="extension_granted").exists()
    # Every step is in the history: asked, granted, the report's deadline moved.
    steps = [(e.field, e.new_value) for e in audit_trail_for(extension).order_by("created_at")]
    assert steps == [("requested_date", "24/12/2026"), ("status", "được gia hạn đến 22/12/2026")]
    moved = AuditEntry.objects.get(object_id=submission.pk, field="deadline")
    assert (moved.old_value, moved.new_value) == ("14/12/2026", "22/12/2026")

    # Reminders: none at the printed deadline any more, the granted one instead.
    assert _unit_reminders(date(2026, 12, 14), ctx, subject="report", period_code="202611") == []
    (week,) = _unit_reminders(date(2026, 12, 15), ctx, subject="report", period_code="202611")
    assert (week.step, week.last_day) == (-7, date(2026, 12, 22))  # not "+1 late"
    (before,) = _unit_reminders(date(2026, 12, 19), ctx, subject="report", period_code="202611")
    assert (before.step, before.last_day, before.extended) == (-3, date(2026, 12, 22), True)
    # The office is no longer told this unit is late on the 15th.
    office_late = [
        r
        for r in reminders_due(date(2026, 12, 15), commune_ids=[commune.pk])
        if r.recipient.user_id == ctx["office"].pk and r.period_code == "202611"
    ]
    assert all(unit.short_name not in r.missing_units for r in office_late)

    # Statuses: not late after the printed deadline, due until the granted one.
    with time_machine.travel("2026-12-17 09:00 +0700"):
        from django.utils import timezone

        assert submission_timeliness(submission, period, timezone.now()) == Timeliness.NOT_DUE
        todo = commune_todo(commune, scope_for(ctx["clerk"]))
        (item,) = [i for i in todo.items_of("report_due") if "/202611/" in i.url]
        assert "đã gia hạn đến 22/12/2026" in item.detail and "còn 5 ngày" in item.detail
        assert not [i for i in todo.items_of("report_late") if "/202611/" in i.url]
        (answer,) = todo.items_of("extension_granted")
        assert "22/12/2026" in answer.detail
        client.force_login(ctx["clerk"])
        page = client.get(
            reverse("reporting:submission", args=[commune.code, period.code, unit.pk])
        )
        assert "đã gia hạn đến 22/12/2026" in page.content.decode()


def test_a_refusal_needs_a_reason_and_changes_no_deadline(an_nong):
    ctx = an_nong
    submission = Submission.objects.create(
        commune=ctx["commune"], period=ctx["period"], unit=ctx["unit"]
    )
    extension = extension_request(
        actor=ctx["clerk"],
        unit=ctx["unit"],
        submission=submission,
        requested_date=date(2026, 12, 24),
        reason="Thiếu người",
    )
    with pytest.raises(ExtensionRefused):
        extension_refuse(actor=ctx["office"], extension=extension, answer=" ")
    extension_refuse(actor=ctx["office"], extension=extension, answer="Hạn đã đủ dài")
    submission.refresh_from_db()
    assert submission.deadline_extended is None and submission.last_day == date(2026, 12, 14)
    assert _unit_reminders(date(2026, 12, 14), ctx, subject="report", period_code="202611")


def test_a_task_extension_moves_its_due_date_in_reminders_and_results(client, an_nong):
    ctx, commune, unit = an_nong, an_nong["commune"], an_nong["unit"]
    task = Task.objects.filter(
        commune=commune, lead_units=unit, deadline_kind="yearly", children__isnull=True
    ).first()
    assert task is not None, "An Nông's Phòng VH-XH leads a yearly task"
    with time_machine.travel("2026-12-05 09:00 +0700"):
        client.force_login(ctx["clerk"])
        url = reverse("reporting:extension_task", args=[commune.code, task.pk])
        page = client.get(url).content.decode()
        assert "31/12/2026" in page
        client.post(url, {"requested_date": "2027-01-15", "reason": "Chờ phân bổ kinh phí"})
        extension = DeadlineExtension.objects.get(task=task)
        client.force_login(ctx["office"])
        client.post(
            reverse("reporting:extension", args=[commune.code, extension.pk]),
            {"action": "grant", "granted_date": "", "answer": ""},
        )
    extension.refresh_from_db()
    assert extension.status == "granted" and extension.granted_date == date(2027, 1, 15)

    def task_reminders(day):
        return [
            r
            for r in reminders_due(day, commune_ids=[commune.pk])
            if r.task_id == task.pk and r.recipient.user_id == ctx["clerk"].pk
        ]

    assert task_reminders(date(2026, 12, 31)) == []
    assert task_reminders(date(2027, 1, 1)) == []  # not late: extended
    (due,) = task_reminders(date(2027, 1, 15))
    assert (due.step, due.last_day, due.extended) == (0, date(2027, 1, 15), True)
    # The commune's results (dashboards, reports, API) follow the granted date.
    period = ReportingPeriod.objects.get(commune=commune, code="202611")
    result = next(r for r in commune_results(commune, period).tasks if r.task.pk == task.pk)
    assert (result.due_date, result.extended_to) == (date(2027, 1, 15), date(2027, 1, 15))


def test_the_api_exposes_extended_deadlines(client, an_nong):
    ctx, commune, unit = an_nong, an_nong["commune"], an_nong["unit"]
    submission = Submission.objects.create(commune=commune, period=ctx["period"], unit=unit)
    task = Task.objects.filter(
        commune=commune, lead_units=unit, deadline_kind="yearly", children__isnull=True
    ).first()
    from reporting.extensions import extension_grant

    for subject in ({"submission": submission}, {"task": task}):
        with time_machine.travel("2026-12-05 09:00 +0700"):
            extension = extension_request(
                actor=ctx["clerk"],
                unit=unit,
                requested_date=date(2027, 1, 15),
                reason="Chờ kinh phí",
                **subject,
            )
            extension_grant(actor=ctx["office"], extension=extension)
    client.force_login(ctx["office"])
    data = client.get(reverse("api:task", args=[commune.code, task.pk])).json()
    assert "2027-01-15" in data["due_dates"] and "2026-12-31" not in data["due_dates"]
    assert data["extensions"] == [{"due_date": "2026-12-31", "extended_to": "2027-01-15"}]
    listed = client.get(reverse("api:tasks", args=[commune.code]), {"page_size": 200}).json()
    (row,) = [t for t in listed["results"] if t["id"] == task.pk]
    assert row["extensions"] == data["extensions"]
    rows = client.get(reverse("api:submissions", args=[commune.code])).json()["results"]
    (row,) = [r for r in rows if r["id"] == submission.pk]
    assert row["deadline"].startswith("2027-01-16T00:00:00") and row["deadline_extended"]
