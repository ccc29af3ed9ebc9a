"""The province dashboard opens on the latest period that is due for every commune, and lists
communes without a plan in force apart instead of ranking them first (issue 15)."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from communes.models import Commune
from dashboards.selectors import (
    province_dashboard,
    province_period_choose,
    province_periods,
    province_plan_years,
)
from reporting.models import ReportingPeriod
from reporting.services import periods_ensure_until, reporting_start

pytestmark = pytest.mark.django_db


def open_periods(province):
    for commune in Commune.objects.filter(province=province):
        periods_ensure_until(commune, timezone.localdate(), since=reporting_start(commune))


@time_machine.travel("2026-12-01 09:00 +0700")
def test_opens_on_the_latest_period_due_in_every_commune(people):
    province = Commune.objects.get(code="an-nong").province  # Thanh Hóa: Điền Quang, An Nông
    open_periods(province)
    now = timezone.now()
    option = province_period_choose(
        province_periods(province), plan_years=province_plan_years(province), now=now
    )
    # Điền Quang's annual report is due before 01/12, An Nông's not before next January.
    assert option.code != "2026"
    for period in ReportingPeriod.objects.filter(commune__province=province, code=option.code):
        assert period.deadline <= now, period.commune


@time_machine.travel("2026-12-01 09:00 +0700")
def test_a_commune_without_a_plan_is_listed_apart_not_ranked(client, people):
    province = Commune.objects.get(code="an-nong").province
    open_periods(province)
    dashboard = province_dashboard(province, "202610")
    ranked = [line.commune.code for line in dashboard.ranked_lines]
    assert ranked == ["an-nong"]  # Điền Quang's plan covers 2025 only
    assert [line.commune.code for line in dashboard.lines_without_plan] == ["dien-quang"]
    dien_quang = next(
        s for s in dashboard.consolidation.standings if s.commune.code == "dien-quang"
    )
    assert dien_quang.rank == 0

    client.force_login(people["thanh_hoa"])
    html = client.get(reverse("dashboards:province", args=[province.code])).content.decode()
    assert 'data-testid="rank-dien-quang"' not in html
    assert 'data-testid="rank-an-nong"' in html
    apart = html.split('data-testid="without-plan"')[1].split("</ul>")[0]
    assert "Điền Quang" in apart
