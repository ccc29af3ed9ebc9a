"""A deadline that names an impossible date is refused with a reason instead of saved silently."""

import pytest
from django.urls import reverse

from plans.models import Plan
from tests.tasks.test_task_management import task_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(seeds):
    return Plan.objects.get(commune__code="dien-quang").tasks.get(code="1")


@pytest.mark.parametrize(
    "text,reason",
    [
        ("Quý 5/2025", "Không có quý 5"),
        ("Quý V/2025", "Không có quý V"),
        ("Tháng 13/2025", "Không có tháng 13"),
        ("Tháng 0/2026", "Không có tháng 0"),
        ("2030-2025", "kết thúc trước khi bắt đầu"),
        ("Tháng 13 năm trước", "Không có tháng 13"),
    ],
)
def test_an_impossible_deadline_is_refused_with_a_reason_and_kept(
    client, people, task, text, reason
):
    client.force_login(people["standing_office"])
    url = reverse("tasks:edit", args=["dien-quang", task.pk])
    before = task.deadline_text
    response = client.post(url, task_data(task, deadline_text=text, name="Tên đã sửa"))
    html = response.content.decode()
    assert response.status_code == 200, "saved: " + text
    assert reason in html and text in html and "Tên đã sửa" in html  # nothing typed is lost
    task.refresh_from_db()
    assert task.deadline_text == before


@pytest.mark.parametrize(
    "text", ["Quý IV/2025", "Quý 4/2025", "Tháng 12/2025", "2025-2030", "Tháng 11 năm trước"]
)
def test_possible_deadlines_have_no_problem(text):
    from tasks.deadlines import deadline_problem

    assert deadline_problem(text) is None
