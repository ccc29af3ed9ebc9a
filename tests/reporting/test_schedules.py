"""Each commune's reporting schedule is data: the deadlines its plan prints, Decree 09 windows."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from communes.models import Commune, Role
from reporting.models import ReportingPeriod, ReportingSchedule
from reporting.periods import TIME_ZONE
from reporting.services import period_ensure, periods_open
from tests.conftest import person

pytestmark = pytest.mark.django_db


def local(period):
    return period.deadline.astimezone(TIME_ZONE)


def test_dien_quang_deadlines_are_those_of_its_plan(seeds):
    commune = Commune.objects.get(code="dien-quang")
    june = period_ensure(commune, "202506")
    assert local(june) == datetime(
        2025, 7, 15, tzinfo=TIME_ZONE
    )  # before the 15th of the next month
    assert (june.window_start, june.window_end) == (date(2025, 5, 15), date(2025, 6, 14))
    assert june.last_day == date(2025, 7, 14)
    assert local(period_ensure(commune, "2025S1")) == datetime(
        2025, 6, 5, tzinfo=TIME_ZONE
    )  # before 05/6
    assert local(period_ensure(commune, "2025")) == datetime(
        2025, 12, 1, tzinfo=TIME_ZONE
    )  # before 01/12
    assert not ReportingSchedule.objects.get(commune=commune, kind="quarter").is_used


def test_truong_giang_reports_before_the_10th(seeds):
    commune = Commune.objects.get(code="truong-giang")
    assert local(period_ensure(commune, "202512")) == datetime(2026, 1, 10, tzinfo=TIME_ZONE)
    january = period_ensure(commune, "202601")
    assert (january.window_start, january.window_end) == (date(2025, 12, 15), date(2026, 1, 14))
    assert local(period_ensure(commune, "2025Q3")) == datetime(2025, 10, 10, tzinfo=TIME_ZONE)


def test_leap_year_window_with_a_commune_that_uses_calendar_months(seeds):
    commune = Commune.objects.get(code="an-nong")
    ReportingSchedule.objects.filter(commune=commune, kind="month").update(cutoff_day=31)
    february = period_ensure(commune, "202402")
    assert (february.window_start, february.window_end) == (date(2024, 2, 1), date(2024, 2, 29))


def test_standing_office_edits_the_schedule_and_unused_kinds_create_no_period(client, seeds):
    commune = Commune.objects.get(code="an-nong")
    office = person(Role.STANDING_OFFICE, commune=commune)
    client.force_login(office)
    data = {}
    for kind in ("month", "quarter", "half_year", "year"):
        schedule = ReportingSchedule.objects.get(commune=commune, kind=kind)
        data |= {
            f"{kind}-deadline_day": schedule.deadline_day,
            f"{kind}-deadline_month_offset": schedule.deadline_month_offset,
            f"{kind}-cutoff_day": schedule.cutoff_day,
        }
        if schedule.is_used:
            data[f"{kind}-is_used"] = "on"
    data["month-deadline_day"] = 20
    response = client.post(reverse("reporting:schedule", args=["an-nong"]), data)
    assert response.status_code == 302
    assert ReportingSchedule.objects.get(commune=commune, kind="month").deadline_day == 20
    bad = client.post(
        reverse("reporting:schedule", args=["an-nong"]), data | {"month-deadline_day": 40}
    )
    assert "Nhập một ngày từ 1 đến 31" in bad.content.decode()
    periods_open()  # the nightly task opens the periods due (a page reads them, creates none)
    assert not ReportingPeriod.objects.filter(commune=commune, kind="quarter").exists()
    assert ReportingPeriod.objects.filter(commune=commune, kind="month").exists()
    # unit staff may not touch the schedule
    clerk = person(
        Role.UNIT_STAFF, commune=commune, unit=commune.units.get(short_name="Công an xã")
    )
    client.force_login(clerk)
    assert client.post(reverse("reporting:schedule", args=["an-nong"]), data).status_code == 403


def test_ad_hoc_request_asks_units_and_notifies_them(client, seeds):
    from communes.models import Notification

    commune = Commune.objects.get(code="an-nong")
    police = commune.units.get(short_name="Công an xã")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=police)
    office = person(Role.STANDING_OFFICE, commune=commune)
    client.force_login(office)
    response = client.post(
        reverse("reporting:adhoc_create", args=["an-nong"]),
        {
            "title": "Báo cáo nhanh tình hình kích hoạt VNeID",
            "deadline": "2099-12-01T17:00",
            "units": [police.pk],
            "questions": "Số tài khoản mới",
        },
    )
    assert response.status_code == 302
    period = ReportingPeriod.objects.get(commune=commune, kind="ad_hoc")
    assert Notification.objects.filter(user=clerk, kind="adhoc_request").exists()
    review = client.get(reverse("reporting:period", args=["an-nong", period.code])).content.decode()
    assert 'data-unit="Công an xã"' in review and 'data-unit="Trạm Y tế"' not in review
    past = client.post(
        reverse("reporting:adhoc_create", args=["an-nong"]),
        {"title": "x", "deadline": "2020-01-01T00:00", "units": [police.pk]},
    )
    assert "Thời hạn phải là một thời điểm trong tương lai" in past.content.decode()
