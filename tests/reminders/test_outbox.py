"""The reminders as an outbox: recorded first, queued after commit, and swept again when the
broker was down, lost a message or a worker died while sending, each still mailed once."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from reminders.models import Reminder, ReminderPreference, ReminderStatus
from reminders.services import reminder_deliver, reminder_message_id, reminders_sweep
from reminders.tasks import reminders_daily_task
from tests.reminders.conftest import run_daily

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2025, 8, 1)  # three reminders in Điền Quang (tests/reminders/test_exactly_once.py)


def at(day: date, hour: int = 7, minute: int = 0, second: int = 0):
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=HCM)
    return time_machine.travel(moment, tick=False)


def run_daily_broker_down(day: date, capture) -> None:
    """The daily job running on a worker when the broker goes away: its own fan-out fails."""
    with at(day), capture(execute=True):
        reminders_daily_task()


def message_ids() -> list[str]:
    return [message.extra_headers["Message-ID"] for message in mail.outbox]


def test_broker_down_at_the_daily_run_records_then_the_sweep_delivers_once(
    dien_quang, broker_down, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.WARNING):
        run_daily_broker_down(DAY, django_capture_on_commit_callbacks)  # does not raise
    rows = list(Reminder.objects.all())
    assert len(rows) == 3
    assert {(row.status, row.requeue_after) for row in rows} == {("pending", None)}
    assert mail.outbox == []
    assert "Queue unreachable" in caplog.text and "3 reminders recorded" in caplog.text

    with at(DAY, minute=3):
        assert reminders_sweep().left == 3  # still down: nothing queued, nothing lost
        broker_down()  # Redis is back
        swept = reminders_sweep()
    assert (swept.waiting, swept.queued) == (3, 3)
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3 and len(set(message_ids())) == 3
    with at(DAY, minute=8):
        assert reminders_sweep().waiting == 0
    assert len(mail.outbox) == 3


def test_send_reminders_with_the_broker_down_says_so_and_a_rerun_delivers(
    dien_quang, broker_down, django_capture_on_commit_callbacks
):
    def command() -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", stdout=out)
        return out.getvalue()

    with at(DAY):
        first = command()
    assert "3 nhắc hạn đến ngày, 3 nhắc hạn vừa được ghi nhận" in first
    assert "Không kết nối được hàng đợi: 3 nhắc hạn đã được ghi nhận và đang chờ" in first
    with at(DAY, minute=10):
        second = command()  # still down: not "already sent"
    assert second.count("đã ghi nhận trước đó, đang chờ gửi") == 3
    assert "đã gửi" not in second
    assert mail.outbox == []

    broker_down()
    with at(DAY, minute=20):
        third = command()  # the sweep at its start sends what waited
    assert "3 nhắc hạn các lần chạy trước còn chờ đã được đưa lại vào hàng đợi." in third
    assert third.count("| đã gửi") == 3
    assert len(mail.outbox) == 3
    with at(DAY, minute=30):
        command()
    assert len(mail.outbox) == 3


def test_a_lost_message_is_queued_again_only_after_the_requeue_delay(
    dien_quang, settings, django_capture_on_commit_callbacks
):
    from unittest import mock

    from reminders.tasks import reminder_deliver_task

    settings.OUTBOX_REQUEUE_SECONDS = 600
    # The broker takes the messages and loses them (Redis restarted without persistence).
    deliver = reminder_deliver_task._get_current_object()
    with mock.patch.object(deliver, "delay", return_value=None):
        run_daily(DAY, django_capture_on_commit_callbacks)
    assert set(Reminder.objects.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []
    with at(DAY, minute=5):
        assert reminders_sweep().waiting == 0  # may still be on its way
    with at(DAY, minute=11):
        assert reminders_sweep().queued == 3
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3


def test_a_stuck_sending_row_is_claimed_again_after_the_timeout_only(
    dien_quang, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SENDING_TIMEOUT = 600
    run_daily(DAY, django_capture_on_commit_callbacks)
    row = Reminder.objects.get(user=dien_quang["office"])
    # A worker claimed it at 07:01 and died before mailing it.
    claimed_at = datetime(2025, 8, 1, 7, 1, tzinfo=HCM)
    Reminder.objects.filter(pk=row.pk).update(
        status="sending", claimed_at=claimed_at, requeue_after=None, sent_at=None
    )
    mail.outbox.clear()
    with at(DAY, minute=5):
        assert reminder_deliver(reminder_id=row.pk) == "skipped"  # a live claim is not taken
        assert reminders_sweep().waiting == 0
    with at(DAY, minute=10, second=30):
        assert reminders_sweep().waiting == 0  # 9½ minutes: not yet
    with at(DAY, minute=11, second=30):
        assert reminders_sweep().queued == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert [message.to for message in mail.outbox] == [[row.user.email]]


def test_a_crash_between_sending_and_recording_costs_one_duplicate_with_the_same_message_id(
    dien_quang, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SENDING_TIMEOUT = 600
    with at(DAY):
        run_daily(DAY, django_capture_on_commit_callbacks)
    row = Reminder.objects.get(user=dien_quang["office"])
    [first] = [message for message in mail.outbox if message.to == [row.user.email]]
    expected = reminder_message_id([f"{row.user_id}:{row.subject_key}:{row.step}"])
    assert first.extra_headers["Message-ID"] == expected
    assert expected.startswith("<reminder.") and expected.endswith("@127.0.0.1>")
    # The mail went, the worker died before writing "sent": the row stays "sending".
    Reminder.objects.filter(pk=row.pk).update(status="sending", sent_at=None)
    with at(DAY, minute=11):
        reminders_sweep()
    again = [message for message in mail.outbox if message.to == [row.user.email]]
    assert len(again) == 2
    assert {message.extra_headers["Message-ID"] for message in again} == {expected}
    with at(DAY, minute=30):
        assert reminders_sweep().waiting == 0


def test_a_mail_waiting_for_its_retry_is_left_to_celery(
    dien_quang, settings, django_capture_on_commit_callbacks
):
    import smtplib
    from unittest import mock

    settings.OUTBOX_REQUEUE_SECONDS = 600
    with at(DAY), django_capture_on_commit_callbacks(execute=False):
        run_daily(DAY, django_capture_on_commit_callbacks)
    row = Reminder.objects.get(user=dien_quang["office"])
    Reminder.objects.update(status=ReminderStatus.SENT)
    Reminder.objects.filter(pk=row.pk).update(status=ReminderStatus.PENDING)
    with (
        at(DAY, minute=1),
        mock.patch(
            "reminders.services._mail", side_effect=smtplib.SMTPServerDisconnected("closed")
        ),
        pytest.raises(Exception, match="closed"),
    ):
        reminder_deliver(reminder_id=row.pk)
    row.refresh_from_db()
    assert row.status == "pending" and row.requeue_after is not None
    with at(DAY, minute=40):  # Celery's backoff may still hold it (up to an hour)
        assert reminders_sweep().waiting == 0
    with at(DAY + timedelta(days=1), hour=9):
        assert reminders_sweep().queued == 1
    row.refresh_from_db()
    assert row.status == "sent"


def test_digest_readers_left_waiting_get_one_summary(
    dien_quang, broker_down, django_capture_on_commit_callbacks
):
    office = dien_quang["office"]
    ReminderPreference.objects.create(user=office, daily_digest=True)
    run_daily_broker_down(date(2025, 10, 3), django_capture_on_commit_callbacks)
    assert set(Reminder.objects.filter(user=office).values_list("status", flat=True)) == {"pending"}
    broker_down()
    with at(date(2025, 10, 3), minute=5):
        reminders_sweep()
    digests = [message for message in mail.outbox if message.to == [office.email]]
    assert len(digests) == 1 and digests[0].subject == "Nhắc hạn ngày 03/10/2025: 2 nội dung"
    assert set(Reminder.objects.filter(user=office).values_list("status", flat=True)) == {"sent"}


def test_the_sweep_leaves_reminders_older_than_a_week(
    dien_quang, broker_down, django_capture_on_commit_callbacks
):
    run_daily_broker_down(DAY, django_capture_on_commit_callbacks)
    broker_down()
    with at(DAY + timedelta(days=8)):
        assert reminders_sweep().waiting == 0
    with at(DAY + timedelta(days=7)):
        assert reminders_sweep().queued == 3
