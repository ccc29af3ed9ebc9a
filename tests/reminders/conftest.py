"""Helpers of the reminder tests: people in the seed communes, and the daily job run on a day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from communes.models import Commune, Role
from reminders.selectors import reminders_due
from reminders.tasks import reminders_daily_task
from tests.conftest import person

# One week before, three days, the day before, the last day, then 1, 3 and 7 days late.
DEFAULT_STEPS = [-7, -3, -1, 0, 1, 3, 7]


def staff_of(commune: Commune, short_name: str):
    return person(Role.UNIT_STAFF, commune=commune, unit=commune.units.get(short_name=short_name))


@pytest.fixture
def dien_quang(seeds):
    commune = seeds["dien-quang"]
    return {
        "commune": commune,
        "vhxh": staff_of(commune, "Phòng VH-XH"),
        "vp": staff_of(commune, "VPHĐND&UBND"),
        "kinh_te": staff_of(commune, "Phòng Kinh tế"),
        "cong_an": staff_of(commune, "Công an xã"),
        "trung_tam": staff_of(commune, "Trung tâm cung ứng Dịch vụ công"),
        "office": person(Role.STANDING_OFFICE, commune=commune),
        "leader": person(Role.COMMUNE_LEADER, commune=commune),
        "province": person(Role.PROVINCE_OFFICER, province=commune.province),
    }


@pytest.fixture
def truong_giang(seeds):
    commune = seeds["truong-giang"]
    return {
        "commune": commune,
        "vhxh": staff_of(commune, "Phòng VH-XH"),
        "kinh_te": staff_of(commune, "Phòng Kinh tế"),
        "trung_tam": staff_of(commune, "Trung tâm Phục vụ HCC"),
        "office": person(Role.STANDING_OFFICE, commune=commune),
        "leader": person(Role.COMMUNE_LEADER, commune=commune),
        "province": person(Role.PROVINCE_OFFICER, province=commune.province),
    }


def days_around(last_day: date, before: int = 10, after: int = 10) -> list[date]:
    return [last_day + timedelta(days=n) for n in range(-before, after + 1)]


def steps_by_user(days, *, commune: Commune, match) -> dict[int, dict[date, list]]:
    """For each day, what `reminders_due` gives each user: {user_id: {day: [(step, audience)]}}."""
    found: dict[int, dict[date, list]] = defaultdict(lambda: defaultdict(list))
    for day in days:
        for item in reminders_due(day, commune_ids=[commune.pk]):
            if match(item):
                found[item.recipient.user_id][day].append((item.step, item.audience))
    return found


def expected_days(last_day: date, steps, audience: str) -> dict[date, list]:
    return {last_day + timedelta(days=step): [(step, audience)] for step in steps}


def run_daily(day: date, capture) -> None:
    """The beat's job as a worker runs it: at 07:00 that day, deliveries after commit."""
    with (
        time_machine.travel(f"{day.isoformat()} 07:00 +0700", tick=False),
        capture(execute=True),
    ):
        reminders_daily_task.delay()


def mails_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


@pytest.fixture
def broker_down():
    """Every `.delay()` fails as it does with Redis unreachable (kombu's error), until undone."""
    from unittest import mock

    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    error = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    patcher = mock.patch.object(Task, "delay", autospec=True, side_effect=error)
    patcher.start()
    state = {"down": True}

    def back():
        if state["down"]:
            patcher.stop()
            state["down"] = False

    yield back
    back()
