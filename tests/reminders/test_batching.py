"""The daily run queues one delivery per batch of mails, not one per mail, and records in bulk:
its queries and broker messages do not grow with the number of reminders."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
import time_machine
from django.core import mail

from communes.models import Role
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
