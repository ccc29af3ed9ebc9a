"""A reporting duty without fixed days ("định kỳ hàng năm hoặc đột xuất") is a schedule the
standing office completes: the entry is created incomplete, flagged on the schedule page, and
nothing falls due (no period, no reminder) until the office saves its days."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from communes.models import Commune
from plans.models import Plan
from reminders.models import ReminderSubject
from reminders.selectors import reminders_due
from reporting.duty import duty_kinds, duty_lacks_days
from reporting.models import ReportingPeriod, ReportingSchedule
from reporting.services import periods_ensure_until, schedules_from_duty

pytestmark = pytest.mark.django_db

DIEN_QUANG = (
    "Định kỳ, trước ngày 15 hằng tháng (báo cáo tháng); trước ngày 05/6 hằng năm (báo cáo 06 "
    "tháng) và trước ngày 01/12 hằng năm (báo cáo năm), gửi báo cáo …"
)
TRUONG_GIANG = (
    "… định kỳ hàng tháng, 3 tháng, 6 tháng, 1 năm báo cáo UBND huyện … trước ngày 10 hàng tháng"
)
WITHOUT_DAYS = "Các phòng, đơn vị báo cáo kết quả thực hiện định kỳ hàng năm hoặc đột xuất."


@pytest.mark.parametrize(
    ("text", "kinds", "lacks_days"),
    [
        (DIEN_QUANG, ["month", "half_year", "year"], False),
        (TRUONG_GIANG, ["month", "quarter", "half_year", "year"], False),
        (WITHOUT_DAYS, ["year"], True),
        ("Duy trì chế độ báo cáo định kỳ và đột xuất.", [], True),  # An Nông: no kind, no day
        ("", [], False),
    ],
)
def test_the_duty_is_read_for_its_kinds_and_days(text, kinds, lacks_days):
    assert (duty_kinds(text), duty_lacks_days(text)) == (kinds, lacks_days)


@pytest.fixture
def dien_quang_without_a_year_schedule(seeds):
    commune = Commune.objects.get(code="dien-quang")
    ReportingSchedule.objects.filter(commune=commune, kind="year").delete()
    ReportingPeriod.objects.filter(commune=commune, kind="year").delete()
    return commune


def year_report_reminders(commune, days):
    return [
        item
        for day in days
        for item in reminders_due(day, commune_ids=[commune.pk])
        if item.subject == ReminderSubject.REPORT and item.period_kind == "year"
    ]


def test_a_duty_without_days_leaves_an_incomplete_entry_and_nothing_due(
    people, dien_quang_without_a_year_schedule
):
    commune = dien_quang_without_a_year_schedule
    assert schedules_from_duty(commune=commune, text=DIEN_QUANG) == []  # it fixes its days
    created = schedules_from_duty(commune=commune, text=WITHOUT_DAYS)
    assert [(s.kind, s.needs_completion, s.duty_text) for s in created] == [
        ("year", True, WITHOUT_DAYS)
    ]
    # The kinds the commune set itself are left alone; a second run creates nothing.
    assert schedules_from_duty(commune=commune, text=WITHOUT_DAYS) == []
    assert not ReportingSchedule.objects.get(commune=commune, kind="month").needs_completion

    periods = periods_ensure_until(commune, date(2026, 1, 20), since=date(2025, 1, 1))
    assert "year" not in {period.kind for period in periods}
    january = [date(2026, 1, 1) + timedelta(days=n) for n in range(20)]
    assert year_report_reminders(commune, january) == []

    # Completed by the office: due again.
    ReportingSchedule.objects.filter(commune=commune, kind="year").update(needs_completion=False)
    periods = periods_ensure_until(commune, date(2026, 1, 20), since=date(2025, 1, 1))
    assert "2025" in {period.code for period in periods}
    assert year_report_reminders(commune, january)


def test_the_schedule_page_asks_the_office_to_complete_it_and_saving_does(
    client, people, dien_quang_without_a_year_schedule
):
    commune = dien_quang_without_a_year_schedule
    schedules_from_duty(commune=commune, text=WITHOUT_DAYS)
    client.force_login(people["standing_office"])
    url = reverse("reporting:schedule", args=[commune.code])
    html = client.get(url).content.decode()
    assert 'data-testid="schedule-incomplete-year"' in html
    assert "cần bổ sung" in html and WITHOUT_DAYS in html
    assert 'data-testid="schedule-incomplete-month"' not in html
    data = {}
    for schedule in ReportingSchedule.objects.filter(commune=commune):
        prefix = schedule.kind
        data |= {
            f"{prefix}-deadline_day": 1 if prefix == "year" else schedule.deadline_day,
            f"{prefix}-deadline_month_offset": 0
            if prefix == "year"
            else schedule.deadline_month_offset,
            f"{prefix}-cutoff_day": schedule.cutoff_day,
        }
        if schedule.is_used:
            data[f"{prefix}-is_used"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    year = ReportingSchedule.objects.get(commune=commune, kind="year")
    assert (year.needs_completion, year.deadline_day, year.deadline_month_offset) == (False, 1, 0)
    assert 'data-testid="schedule-incomplete-year"' not in client.get(url).content.decode()


def test_saving_a_plan_whose_duty_fixes_no_days_tells_the_office(
    client, people, dien_quang_without_a_year_schedule
):
    commune = dien_quang_without_a_year_schedule
    plan = Plan.objects.get(commune=commune, key="kh-2025")
    client.force_login(people["standing_office"])
    url = reverse("reporting:plan_edit", args=[commune.code, plan.pk])
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in ((f.name, f.value()) for f in form)
        if value not in (None, False)
    }
    data["reporting_duty"] = WITHOUT_DAYS
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.content.decode()[:3000]
    assert "hãy bổ sung lịch báo cáo" in response.content.decode()
    assert ReportingSchedule.objects.get(commune=commune, kind="year").needs_completion
