"""Tasks are edited with the deadline parser; what it cannot read is kept and flagged."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.models import Plan

pytestmark = pytest.mark.django_db


def task_data(task, **changes):
    data = {
        "section": task.section_id or "",
        "parent": task.parent_id or "",
        "code": task.code,
        "name": task.name,
        "lead_units": [u.pk for u in task.lead_units.all()],
        "support_units": [u.pk for u in task.support_units.all()],
        "lead_text": task.lead_text,
        "support_text": task.support_text,
        "expected_result": task.expected_result,
        "budget_million_vnd": "",
        "deadline_text": task.deadline_text,
        "order": task.order,
    }
    data.update(changes)
    return data


@pytest.fixture
def task(seeds):
    return Plan.objects.get(commune__code="dien-quang").tasks.get(code="1")


def test_deadline_and_vietnamese_budget_are_parsed(client, people, task):
    client.force_login(people["standing_office"])
    url = reverse("tasks:edit", args=["dien-quang", task.pk])
    response = client.post(
        url, task_data(task, deadline_text="Quý IV/2025", budget_million_vnd="1.250,5")
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_date == date(2025, 12, 31) and not task.deadline_flagged
    assert task.budget_million_vnd == Decimal("1250.5")
    html = client.get(reverse("reporting:plan", args=["dien-quang", task.plan_id])).content.decode()
    assert "1.250,5" in html


def test_unreadable_deadline_is_kept_and_flagged_for_the_standing_office(client, people, task):
    client.force_login(people["standing_office"])
    url = reverse("tasks:edit", args=["dien-quang", task.pk])
    response = client.post(url, task_data(task, deadline_text="Tùy tình hình thực tế"), follow=True)
    task.refresh_from_db()
    assert task.deadline_text == "Tùy tình hình thực tế"
    assert task.deadline_flagged and task.due_date is None
    assert "cần kiểm tra" in response.content.decode()


def test_bad_budget_is_refused_with_a_message_and_the_input_kept(client, people, task):
    client.force_login(people["standing_office"])
    url = reverse("tasks:edit", args=["dien-quang", task.pk])
    html = client.post(
        url, task_data(task, budget_million_vnd="2.5", name="Tên đã sửa")
    ).content.decode()
    assert "2.5" in html and "Tên đã sửa" in html
    assert "phân cách hàng nghìn" in html
    task.refresh_from_db()
    assert task.name != "Tên đã sửa"


def test_unit_staff_cannot_edit_a_task(client, people, task):
    client.force_login(people["kinh_te"])
    url = reverse("tasks:edit", args=["dien-quang", task.pk])
    assert client.post(url, task_data(task, name="Sửa trái phép")).status_code == 403
    task.refresh_from_db()
    assert task.name != "Sửa trái phép"
