"""One rule for when a task is due: the results (dashboards, reports, API) and the reminders read
the same dates (issue 15: "2025-2030" was due every 31/12 in the results, "Tháng 11 năm trước"
ignored its shift)."""

from datetime import date

import pytest
import time_machine

from communes.models import Commune, Role
from reminders.models import ReminderSubject
from reminders.selectors import reminders_due
from reporting.results import TaskState, commune_results
from reporting.services import period_ensure
from tasks.deadlines import deadline_parse
from tests.conftest import person
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def an_nong_task(deadline_text: str):
    commune = Commune.objects.get(code="an-nong")
    plan = commune.plans.get(status="in_force", period_start=2026, period_end=2030)
    task = TaskFactory(plan=plan, commune=commune, deadline_text=deadline_text, section=None)
    task.deadline_apply(deadline_parse(deadline_text))
    task.save()
    unit = commune.units.get(short_name="Phòng Kinh tế")
    task.lead_units.set([unit])
    person(Role.UNIT_STAFF, commune=commune, unit=unit)  # someone to remind
    return commune, task


def result_of(commune, task, code):
    results = commune_results(commune, period_ensure(commune, code))
    return next(result for result in results.tasks if result.task.pk == task.pk)


def reminded_on(commune, task, day: date) -> bool:
    return any(
        item.subject == ReminderSubject.TASK and item.task_id == task.pk and item.step == 0
        for item in reminders_due(day, commune_ids=[commune.pk])
    )


def test_a_span_of_years_is_due_at_its_end_in_every_period(seeds):
    commune, task = an_nong_task("2025-2030")
    for code in ("202606", "2026", "2027"):
        result = result_of(commune, task, code)
        assert result.due_date == date(2030, 12, 31), code
        assert result.state != TaskState.OVERDUE, code
    assert not reminded_on(commune, task, date(2026, 12, 31))
    assert reminded_on(commune, task, date(2030, 12, 31))


def test_november_of_the_year_before_is_due_each_november_for_the_next_year(seeds):
    commune, task = an_nong_task("Tháng 11 năm trước")
    assert result_of(commune, task, "2026").due_date == date(2026, 11, 30)  # for 2027
    assert result_of(commune, task, "2030").due_date is None  # no 2031 in the plan
    assert reminded_on(commune, task, date(2026, 11, 30))
    assert not reminded_on(commune, task, date(2030, 11, 30))


@pytest.mark.parametrize("text", ["Hàng năm", "2025-2030", "Tháng 11 năm trước", "Quý IV/2026"])
def test_results_and_reminders_name_the_same_day(seeds, text):
    commune, task = an_nong_task(text)
    for year in range(2026, 2031):
        due = result_of(commune, task, str(year)).due_date
        if due is not None and due.year == year:
            assert reminded_on(commune, task, due), (text, year, due)


def test_the_api_gives_the_same_due_dates_and_the_plan_status_of_today(seeds):
    from django.urls import reverse

    from tests.api.conftest import client_with_session

    commune, task = an_nong_task("Tháng 11 năm trước")
    client = client_with_session(person(Role.STANDING_OFFICE, commune=commune))
    data = client.get(reverse("api:task", args=[commune.code, task.pk])).json()
    assert data["due_dates"] == [f"{year}-11-30" for year in range(2025, 2030)]
    with time_machine.travel("2026-12-01 09:00 +0700"):
        dien_quang = Commune.objects.get(code="dien-quang")
        client = client_with_session(person(Role.STANDING_OFFICE, commune=dien_quang))
        (plan,) = client.get(reverse("api:plans", args=["dien-quang"])).json()["results"]
    assert (plan["status"], plan["standing"]) == ("in_force", "expired")  # a 2025 plan
