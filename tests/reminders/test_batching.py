"""The daily run queues one delivery per batch of mails, not one per mail, and records in bulk:
its queries and broker messages do not grow with the number of reminders."""

from __future__ import annotations

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from communes.models import Notification, Role
from reminders.models import Reminder
from reminders.services import reminders_send
from reminders.tasks import reminder_deliver_task
from tests.conftest import person
from tests.queries import assert_flat, queries_of

DAY = date(2025, 8, 1)


def more_staff(commune, n):
    unit = commune.units.get(short_name="Phòng VH-XH")
    for _ in range(n):
        person(Role.UNIT_STAFF, commune=commune, unit=unit)


def send_counting(commune, capture):
    """The run for the commune, deliveries queued after commit but not run: (queries, batches)."""
    deliver = reminder_deliver_task._get_current_object()
    with (
        time_machine.travel(f"{DAY.isoformat()} 07:00 +0700", tick=False),
        mock.patch.object(deliver, "delay", return_value=None) as delay,
    ):

        def run():
            with capture(execute=True):  # the deliveries queued on commit, counted too
                reminders_send(on=DAY, commune=commune)

        queries = queries_of(run)
    return queries, [call.args[0] for call in delay.call_args_list]


@pytest.mark.django_db
def test_mails_are_queued_in_batches_and_the_run_costs_the_same_queries(
    dien_quang, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("reminders.services.DELIVERY_BATCH", 4)
    commune = dien_quang["commune"]
    few_queries, few_batches = send_counting(commune, django_capture_on_commit_callbacks)
    assert [len(batch) for batch in few_batches] == [3]
    Reminder.objects.all().delete()

    more_staff(commune, 6)
    queries, batches = send_counting(commune, django_capture_on_commit_callbacks)
    assert [len(batch) for batch in batches] == [4, 4, 1]  # 9 mails, 3 messages
    assert_flat(few_queries, queries, "reminder run")
    assert sorted(pk for batch in batches for pk in batch) == sorted(
        Reminder.objects.values_list("pk", flat=True)
    )
    assert mail.outbox == []

    # A batch delivered (as a worker would) mails each once; queued again, it mails none.
    for batch in batches:
        reminder_deliver_task.apply((batch,))
    assert len(mail.outbox) == 9
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    for batch in batches:
        assert reminder_deliver_task.apply((batch,)).get() == {
            "skipped": len(batch),
            "retry": 0,
            "left": 0,
        }
    assert len(mail.outbox) == 9


@pytest.mark.django_db
def test_the_same_day_rerun_records_and_queues_nothing_in_a_fixed_number_of_queries(
    dien_quang, django_capture_on_commit_callbacks
):
    commune = dien_quang["commune"]
    send_counting(commune, django_capture_on_commit_callbacks)
    recorded = Reminder.objects.count()
    rerun_few, batches = send_counting(commune, django_capture_on_commit_callbacks)
    assert batches == [] and Reminder.objects.count() == recorded
    assert not any(sql.startswith("INSERT") for sql in rerun_few.sql)  # nothing built, none sent

    more_staff(commune, 6)
    send_counting(commune, django_capture_on_commit_callbacks)
    assert Reminder.objects.count() == recorded + 6
    rerun_many, batches = send_counting(commune, django_capture_on_commit_callbacks)
    assert batches == []
    assert_flat(rerun_few, rerun_many, "same-day rerun")


@pytest.mark.django_db
def test_each_recorded_reminder_is_under_the_bell_with_its_words(
    dien_quang, django_capture_on_commit_callbacks
):
    """The notices are copied from the reminder rows by the database: one each, the same user,
    commune, title, message and link, kind and time of the run; the unit's staff, reminded of
    the same report, read the same words."""
    commune = dien_quang["commune"]
    more_staff(commune, 2)
    send_counting(commune, django_capture_on_commit_callbacks)
    reminders = list(Reminder.objects.order_by("pk"))
    notices = list(Notification.objects.filter(kind="deadline_reminder").order_by("pk"))
    assert [(n.user_id, n.commune_id, n.title, n.body, n.url) for n in notices] == [
        (r.user_id, r.commune_id, r.title, r.body, r.url) for r in reminders
    ]
    run_time = datetime(2025, 8, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).replace(hour=7)
    assert {n.created_at for n in notices} == {run_time}
    assert all(n.read_at is None for n in notices)

    # Task 1 is late: the lead unit's three people read the same words; the support unit's
    # staff, a sentence more.
    lead = [r for r in reminders if r.audience == "unit"]
    support = [r for r in reminders if r.audience == "support"]
    assert len(lead) == 3 and len({(r.title, r.body, r.url) for r in lead}) == 1
    supports = "Đơn vị anh/chị phối hợp thực hiện nhiệm vụ này"
    assert "quá hạn" in lead[0].title and supports not in lead[0].body
    assert support and support[0].title == lead[0].title and supports in support[0].body
