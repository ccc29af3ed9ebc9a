"""Exactly once: reruns and racing runs send nothing twice; the daily job's queries stay fixed;
delivery retries transient mail errors and records permanent ones."""

from __future__ import annotations

import smtplib
import threading
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

import reminders.services
from communes.models import Notification, Role, UnitKind
from reminders.models import Reminder, ReminderPreference, ReminderStatus
from reminders.services import reminders_send
from reminders.tasks import reminder_deliver_task, reminders_digest_task
from reporting.models import ReportingPeriod, Submission, SubmissionStatus
from reporting.services import period_ensure
from tests.conftest import person
from tests.factories import CommuneFactory, IndicatorFactory, PlanFactory, TaskFactory, UnitFactory
from tests.reminders.conftest import mails_to, run_daily

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LATE_DAY = date(2025, 7, 21)  # Điền Quang's June report: 7 days late


@pytest.mark.django_db
def test_running_the_daily_job_twice_sends_each_reminder_once(
    dien_quang, django_capture_on_commit_callbacks
):
    run_daily(LATE_DAY, django_capture_on_commit_callbacks)
    sent, notified, rows = len(mail.outbox), Notification.objects.count(), Reminder.objects.count()
    assert sent == rows > 0 and notified == rows

    run_daily(LATE_DAY, django_capture_on_commit_callbacks)  # a second beat, a rerun by hand
    assert len(mail.outbox) == sent
    assert Notification.objects.count() == notified
    assert Reminder.objects.count() == rows
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


@pytest.mark.django_db
def test_without_mail_reminders_are_recorded_as_not_sent(
    dien_quang, settings, django_capture_on_commit_callbacks
):
    settings.NO_MAIL = True
    run_daily(LATE_DAY, django_capture_on_commit_callbacks)
    assert Reminder.objects.exists() and len(mail.outbox) == 0
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.FAILED}
    assert (
        Reminder.objects.filter(error__contains="không có thư").count() == Reminder.objects.count()
    )
    assert Notification.objects.count() == Reminder.objects.count()  # the bell still tells


@pytest.mark.django_db
def test_a_redelivered_task_does_not_mail_again(dien_quang, django_capture_on_commit_callbacks):
    run_daily(LATE_DAY, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    for reminder in Reminder.objects.all():  # the broker hands the same messages out again
        assert reminder_deliver_task.delay(reminder.pk).get() == "skipped"
    assert reminder_deliver_task.delay(10**9).get() == "skipped"  # a stale message
    assert len(mail.outbox) == sent


@pytest.mark.django_db(transaction=True)
def test_two_runs_racing_on_postgresql_send_each_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the sequential rerun test covers it")
    communes = _communes(2, 3)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            reminders_send(on=date(2025, 7, 15))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    rows = Reminder.objects.filter(commune__in=communes).count()
    assert rows > 0
    assert len(mail.outbox) == rows
    assert Notification.objects.filter(commune__in=communes).count() == rows
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == rows


def _communes(count: int, units: int) -> list:
    """Communes on the default schedule (monthly, quarterly, 6-month and annual before the 15th
    of the next month), each with units that lead an indicator and a task, staff in each unit,
    a standing office, a leader, an ad-hoc request and half the June reports submitted."""
    made = []
    for _ in range(count):
        commune = CommuneFactory()
        plan = PlanFactory(commune=commune, period_start=2025, period_end=2025)
        UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH")
        person(Role.STANDING_OFFICE, commune=commune)
        person(Role.COMMUNE_LEADER, commune=commune)
        period = period_ensure(commune, "202506")
        adhoc = ReportingPeriod.objects.create(
            commune=commune,
            kind="ad_hoc",
            code="DX-1",
            title="Đột xuất",
            window_start=date(2025, 7, 1),
            window_end=date(2025, 7, 1),
            deadline=datetime(2025, 7, 15, tzinfo=HCM),
        )
        for number in range(units):
            unit = UnitFactory(commune=commune)
            IndicatorFactory(group__plan=plan).lead_units.add(unit)
            task = TaskFactory(plan=plan, deadline_kind="date", due_date=date(2025, 7, 14))
            task.lead_units.add(unit)
            person(Role.UNIT_STAFF, commune=commune, unit=unit)
            adhoc.requested_units.add(unit)
            if number % 2:
                Submission.objects.create(
                    commune=commune, period=period, unit=unit, status=SubmissionStatus.SUBMITTED
                )
        made.append(commune)
    return made


def _daily_queries(day: date, capture) -> tuple[int, int, int]:
    """Queries of one daily run (deliveries are separate tasks): (not inserts, inserts, new rows)."""
    with capture(execute=False), CaptureQueriesContext(connection) as queries:
        result = reminders_send(on=day)
    inserts = [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")
    ]
    return len(queries.captured_queries) - len(inserts), len(inserts), len(result.inserted)


@pytest.mark.django_db
def test_the_daily_job_runs_a_fixed_number_of_queries_whatever_the_size(
    seeds, django_capture_on_commit_callbacks
):
    day = date(2025, 7, 15)  # June, Q2 and S1 one day late; tasks and the ad-hoc request too
    _communes(2, 2)
    small = _daily_queries(day, django_capture_on_commit_callbacks)
    _communes(8, 10)
    large = _daily_queries(day, django_capture_on_commit_callbacks)
    print(f"daily job queries (reads, inserts, new reminders): small {small}, large {large}")
    assert large[2] > 5 * small[2]  # many more reminders...
    assert large[0] == small[0]  # ...and the same reads and bookkeeping
    # Rows go in multi-row INSERTs of up to 500 rows (fewer on SQLite, which caps a
    # statement's parameters): one statement per batch of rows, not one per row.
    assert large[1] <= small[1] + 2 * (large[2] // 40 + 1)


@pytest.mark.django_db
def test_a_digest_reader_gets_one_summary_mail_a_day(
    dien_quang, django_capture_on_commit_callbacks
):
    office = dien_quang["office"]
    ReminderPreference.objects.create(user=office, daily_digest=True)
    # 03/10: task 2 and task 5 of Điền Quang ("Tháng 9/2025") are three days late.
    run_daily(date(2025, 10, 3), django_capture_on_commit_callbacks)
    [digest] = mails_to(office)
    assert digest.subject == "Nhắc hạn ngày 03/10/2025: 2 nội dung"
    assert "1. Nhiệm vụ 2" in digest.body and "2. Nhiệm vụ 5" in digest.body
    assert Notification.objects.filter(user=office).count() == 2  # in the portal, one each
    assert set(Reminder.objects.filter(user=office).values_list("status", "channel")) == {
        ("sent", "digest")
    }
    assert reminders_digest_task.delay(office.pk).get() == "skipped"  # nothing left to send
    run_daily(date(2025, 10, 3), django_capture_on_commit_callbacks)  # the hourly catch-up
    assert len(mails_to(office)) == 1


@pytest.mark.django_db
def test_transient_mail_errors_are_retried_then_sent(
    dien_quang, django_capture_on_commit_callbacks
):
    real_mail = reminders.services._mail
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) <= 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_mail(**kwargs)

    with mock.patch("reminders.services._mail", side_effect=flaky):
        run_daily(date(2025, 8, 1), django_capture_on_commit_callbacks)  # 3 reminders
    assert len(mail.outbox) == 3
    rows = Reminder.objects.all()
    assert {row.status for row in rows} == {"sent"}
    assert sorted(row.attempts for row in rows) == [1, 1, 3]  # the first mail took three tries


@pytest.mark.django_db
def test_permanent_mail_errors_and_missing_addresses_are_recorded(
    dien_quang, django_capture_on_commit_callbacks
):
    dien_quang["vp"].email = ""
    dien_quang["vp"].save()
    refused = smtplib.SMTPRecipientsRefused(
        {dien_quang["vhxh"].email: (550, b"5.1.1 User unknown")}
    )
    real_mail = reminders.services._mail

    def refuse_vhxh(*, to, **kwargs):
        if to == dien_quang["vhxh"].email:
            raise refused
        return real_mail(to=to, **kwargs)

    with mock.patch("reminders.services._mail", side_effect=refuse_vhxh):
        run_daily(date(2025, 8, 1), django_capture_on_commit_callbacks)
    vhxh = Reminder.objects.get(user=dien_quang["vhxh"])
    assert (vhxh.status, vhxh.attempts) == ("failed", 1)  # not retried
    assert "User unknown" in vhxh.error
    vp = Reminder.objects.get(user=dien_quang["vp"])
    assert vp.status == "failed" and "chưa có địa chỉ" in vp.error
    assert Notification.objects.filter(user=dien_quang["vp"]).exists()  # still told in the portal
    assert Reminder.objects.get(user=dien_quang["office"]).status == "sent"


@pytest.mark.django_db
def test_a_mail_server_down_for_good_is_recorded_after_the_last_retry(
    dien_quang, django_capture_on_commit_callbacks
):
    with mock.patch(
        "reminders.services._mail", side_effect=ConnectionRefusedError("connection refused")
    ):
        run_daily(date(2025, 8, 1), django_capture_on_commit_callbacks)
    row = Reminder.objects.get(user=dien_quang["vhxh"])
    assert row.status == "failed"
    assert row.attempts == reminder_deliver_task.max_retries + 1
    assert "ConnectionRefusedError" in row.error
    assert mail.outbox == []
