"""The plan page shows the plan as issued, to the right people only, in a fixed number of queries."""

import re

import pytest
from django.urls import reverse

from communes.models import Commune, Role
from plans.models import Plan
from tests.conftest import person
from tests.factories import (
    IndicatorFactory,
    IndicatorGroupFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def plan_url(plan):
    return reverse("reporting:plan", args=[plan.commune.code, plan.pk])


def rows(html, table):
    section = html.split(f'data-testid="{table}"')[1].split("</table>")[0]
    return re.findall(r'<tr id="(?:indicator|task)-\d+"[^>]*data-code="([^"]+)"', section)


def test_dien_quang_standing_office_sees_21_indicators_in_5_groups_and_9_tasks(client, people):
    plan = Plan.objects.get(commune__code="dien-quang")
    client.force_login(people["standing_office"])
    response = client.get(plan_url(plan))
    html = response.content.decode()
    assert response.status_code == 200
    assert len(rows(html, "indicator-table")) == 21
    assert html.count('class="group-row"') == 5  # the task table of 000 has no sections
    assert len(rows(html, "task-table")) == 9
    assert "21 chỉ tiêu" in html and "9 nhiệm vụ" in html
    assert re.search(r'<th scope="col" class="num year">2025</th>', html)
    assert "PHÁT TRIỂN Hạ Tầng" in html and "Tháng 8/2025 và thường xuyên" in html
    # The standing office manages: edit links are there.
    assert reverse("indicators:edit", args=["dien-quang", plan.indicators.first().pk]) in html


def test_truong_giang_user_sees_targets_for_five_milestone_years(client, seeds):
    commune = Commune.objects.get(code="truong-giang")
    user = person(
        Role.UNIT_STAFF, commune=commune, unit=commune.units.get(short_name="Phòng Kinh tế")
    )
    client.force_login(user)
    html = client.get(plan_url(commune.plans.get())).content.decode()
    years = re.findall(r'<th scope="col" class="num year">(\d{4})</th>', html)
    assert years == ["2025", "2030", "2035", "2040", "2045"]
    assert "≥  70" in html  # kept as printed
    # Unit staff read the plan but cannot edit it.
    assert "/edit/" not in html


def test_an_nong_user_sees_formulas_and_sub_indicators_with_their_own_leads(client, seeds):
    commune = Commune.objects.get(code="an-nong")
    user = person(Role.COMMUNE_LEADER, commune=commune)
    client.force_login(user)
    plan = commune.plans.get(document_number="28/KH-UBND")
    html = client.get(plan_url(plan)).content.decode()
    assert rows(html, "indicator-table")[2:7] == ["3", "3a", "3b", "3c", "3d"]
    assert "<strong>a:</strong> Dân số trong vùng phủ sóng mạng di động băng rộng 4G, 5G" in html
    for code, lead in [
        ("3a", "Trạm Y tế"),
        ("3b", "Các trường học trên địa bàn xã"),
        ("3c", "Phòng VHXXH"),
    ]:
        row = html.split(f'data-code="{code}"')[1].split("</tr>")[0]
        assert lead in row


def test_plan_page_query_count_does_not_grow_with_indicators_or_tasks(
    client, django_assert_num_queries
):
    plan = PlanFactory()
    user = person(Role.COMMUNE_LEADER, commune=plan.commune)
    client.force_login(user)

    def add(n):
        group = IndicatorGroupFactory(plan=plan)
        for _ in range(n):
            indicator = IndicatorFactory(group=group)
            TargetFactory(indicator=indicator, year=2025)
            TargetFactory(indicator=indicator, year=2030, text="100", comparator="eq", value=100)
            indicator.lead_units.add(UnitFactory(commune=plan.commune))
            task = TaskFactory(plan=plan, section=None)
            task.lead_units.add(UnitFactory(commune=plan.commune))

    add(2)
    client.get(plan_url(plan))  # warm caches (content types, translations)
    # session, user, memberships (scope), commune, plan, 5 for indicators, 4 for tasks, session save (3)
    # + the bell's unread count and the periods with approved figures
    # + the to-do count of the menu (todo.selectors.commune_todo: a fixed number, among them the
    #   leader's overdue tasks and the proposals addressed to the leadership)
    with django_assert_num_queries(25) as small:
        assert client.get(plan_url(plan)).status_code == 200
    add(20)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(plan_url(plan)).status_code == 200


def test_task_numbers_sit_under_their_section_headings(client, seeds):
    """Each section's heading row opens its own row group, followed by its tasks' numbers."""
    commune = Commune.objects.get(code="an-nong")
    client.force_login(person(Role.COMMUNE_LEADER, commune=commune))
    plan = commune.plans.get(document_number="28/KH-UBND")
    html = client.get(plan_url(plan)).content.decode()
    table = html.split('data-testid="task-table"')[1].split("</table>")[0]
    for section in plan.task_sections.all():
        group = table.split(f'id="section-{section.pk}"')[1].split("</tbody>")[0]
        heading, _sep, body = group.partition("</th></tr>")
        assert section.title in heading
        codes = re.findall(r'<tr id="task-\d+"[^>]*data-code="([^"]+)"', body)
        expected = list(
            plan.tasks.filter(section=section).order_by("order").values_list("code", flat=True)
        )
        assert codes == expected and codes, section.numeral
