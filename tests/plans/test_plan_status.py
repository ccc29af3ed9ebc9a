"""A plan is in force only within its years: its displayed status follows the calendar (issue 15:
Điền Quang's plan covers 2025 only but still read "Đang có hiệu lực" in 2026)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from plans.models import Plan, PlanStanding, PlanStatus, plan_standing

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "today", "expected"),
    [
        (PlanStatus.DRAFT, date(2025, 6, 1), PlanStanding.DRAFT),
        (PlanStatus.IN_FORCE, date(2024, 12, 31), PlanStanding.UPCOMING),
        (PlanStatus.IN_FORCE, date(2025, 1, 1), PlanStanding.IN_FORCE),
        (PlanStatus.IN_FORCE, date(2026, 12, 31), PlanStanding.IN_FORCE),
        (PlanStatus.IN_FORCE, date(2027, 1, 1), PlanStanding.EXPIRED),
        (PlanStatus.SUPERSEDED, date(2026, 1, 1), PlanStanding.SUPERSEDED),
    ],
)
def test_standing_follows_the_calendar(status, today, expected):
    assert plan_standing(status, 2025, 2026, today) == expected


def page_status(client, plan) -> str:
    html = client.get(reverse("reporting:plan", args=[plan.commune.code, plan.pk])).content.decode()
    return html.split('data-testid="plan-status">')[1].split("<")[0]


def test_dien_quang_plan_reads_expired_in_2026(client, people):
    plan = Plan.objects.get(commune__code="dien-quang")
    with time_machine.travel("2025-11-20 09:00 +0700"):
        client.force_login(people["standing_office"])
        assert page_status(client, plan) == "đang có hiệu lực"
    with time_machine.travel("2026-12-01 09:00 +0700"):
        client.force_login(people["standing_office"])
        assert page_status(client, plan) == "hết hiệu lực"
        home = client.get(reverse("plans:commune", args=["dien-quang"])).content.decode()
        assert "hết hiệu lực" in home and "đang có hiệu lực" not in home
