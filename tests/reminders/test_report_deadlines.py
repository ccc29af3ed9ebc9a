"""Report reminders for every kind the seed communes use, on the right days, to the right people.

Điền Quang (000): monthly "before the 15th" of the next month, 6-month before 05/6, annual
before 01/12, no quarterly report. Trường Giang (002): everything before the 10th of the month
after the period, quarterly included. Days count from the last on-time day: 14/07 for a report
due before 15/07.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from communes.models import Notification
from reminders.models import Reminder, ReminderAudience, ReminderSubject
from reminders.selectors import reminders_due
from reporting.models import Submission, SubmissionStatus
from reporting.services import adhoc_request_create, period_ensure
from tests.reminders.conftest import (
    DEFAULT_STEPS,
    days_around,
    expected_days,
    mails_to,
    run_daily,
    staff_of,
    steps_by_user,
)

pytestmark = pytest.mark.django_db
LATE_STEPS = [1, 3, 7]


def report(code):
    return lambda item: item.subject == ReminderSubject.REPORT and item.period_code == code


@pytest.mark.parametrize(
    "commune_key,code,last_day",
    [
        ("dien_quang", "202506", date(2025, 7, 14)),  # before 15/07 (D15, next month)
        ("truong_giang", "202506", date(2025, 7, 9)),  # before 10/07 (D10, next month)
        ("truong_giang", "2025Q3", date(2025, 10, 9)),  # quarterly, before 10/10
        ("dien_quang", "2025S1", date(2025, 6, 4)),  # 6-month, before 05/6 (D5, same month)
        ("truong_giang", "2025S1", date(2025, 7, 9)),
        ("dien_quang", "2025", date(2025, 11, 30)),  # annual, before 01/12 (D1, same month)
        ("truong_giang", "2025", date(2026, 1, 9)),
    ],
)
def test_each_periodic_report_reminds_on_its_steps_and_escalates(
    request, commune_key, code, last_day
):
    people = request.getfixturevalue(commune_key)
    commune = people["commune"]
    found = steps_by_user(days_around(last_day), commune=commune, match=report(code))

    assert dict(found[people["kinh_te"].pk]) == expected_days(
        last_day, DEFAULT_STEPS, ReminderAudience.UNIT
    )
    assert dict(found[people["office"].pk]) == expected_days(
        last_day, LATE_STEPS, ReminderAudience.STANDING_OFFICE
    )
    assert dict(found[people["leader"].pk]) == expected_days(last_day, [7], ReminderAudience.LEADER)
    assert people["province"].pk not in found  # province officers read lateness, get no mail


def test_dien_quang_has_no_quarterly_report(dien_quang):
    for day in days_around(date(2025, 10, 14)):
        assert not [
            item
            for item in reminders_due(day, commune_ids=[dien_quang["commune"].pk])
            if item.period_kind == "quarter"
        ]


def test_a_year_without_a_plan_in_force_asks_for_no_report(seeds):
    # An Nông's plans start in 2026: its 2025 periods remind nobody.
    an_nong = seeds["an-nong"]
    staff_of(an_nong, "Phòng Kinh tế")
    assert reminders_due(date(2025, 7, 14), commune_ids=[an_nong.pk]) == []
    assert reminders_due(date(2026, 7, 14), commune_ids=[an_nong.pk]) != []


def test_submitted_and_approved_units_get_none_returned_ones_are_reminded(dien_quang):
    commune = dien_quang["commune"]
    period = period_ensure(commune, "202506")
    units = {u.short_name: u for u in commune.units.all()}
    for name, status in (
        ("Phòng Kinh tế", SubmissionStatus.SUBMITTED),
        ("Công an xã", SubmissionStatus.APPROVED),
        ("VPHĐND&UBND", SubmissionStatus.RETURNED),
        ("Trung tâm cung ứng Dịch vụ công", SubmissionStatus.DRAFT),
    ):
        Submission.objects.create(commune=commune, period=period, unit=units[name], status=status)

    due = [i for i in reminders_due(date(2025, 7, 15), commune_ids=[commune.pk]) if i.period_code]
    users = {item.recipient.user_id: item for item in due}
    assert dien_quang["kinh_te"].pk not in users
    assert dien_quang["cong_an"].pk not in users
    assert users[dien_quang["vp"].pk].returned
    assert not users[dien_quang["trung_tam"].pk].returned
    assert users[dien_quang["office"].pk].missing_units == (
        "Phòng VH-XH",
        "VPHĐND&UBND",
        "Trung tâm cung ứng Dịch vụ công",
    )


def test_a_closed_period_reminds_nobody(dien_quang):
    period = period_ensure(dien_quang["commune"], "202506")
    period.closed_at = datetime(2025, 7, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    period.save()
    assert not [
        i
        for i in reminders_due(date(2025, 7, 15), commune_ids=[dien_quang["commune"].pk])
        if i.period_code == "202506"
    ]


def test_a_stored_period_keeps_its_own_deadline(dien_quang):
    # The schedule changes only periods not created yet: a row's deadline wins.
    period = period_ensure(dien_quang["commune"], "202506")
    period.deadline = datetime(2025, 7, 20, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    period.save()
    found = steps_by_user(
        days_around(date(2025, 7, 19)), commune=dien_quang["commune"], match=report("202506")
    )
    assert dict(found[dien_quang["kinh_te"].pk]) == expected_days(
        date(2025, 7, 19), DEFAULT_STEPS, ReminderAudience.UNIT
    )


def test_ad_hoc_request_reminds_the_units_asked_until_its_deadline(dien_quang):
    commune = dien_quang["commune"]
    kinh_te = commune.units.get(short_name="Phòng Kinh tế")
    deadline = datetime(2025, 8, 20, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    period = adhoc_request_create(
        actor=dien_quang["office"],
        commune=commune,
        title="Số liệu dịch vụ công trực tuyến",
        deadline=deadline,
        units=[kinh_te],
        indicators=[],
        questions="",
    )
    found = steps_by_user(
        days_around(date(2025, 8, 20)), commune=commune, match=report(period.code)
    )
    # Due at 17:00 on 20/08: that day is still on time, so it is the last day.
    assert dict(found[dien_quang["kinh_te"].pk]) == expected_days(
        date(2025, 8, 20), DEFAULT_STEPS, ReminderAudience.UNIT
    )
    assert dien_quang["cong_an"].pk not in found  # not asked
    assert dict(found[dien_quang["office"].pk]) == expected_days(
        date(2025, 8, 20), LATE_STEPS, ReminderAudience.STANDING_OFFICE
    )


def test_the_daily_job_mails_and_notifies_in_vietnamese_with_a_link(
    dien_quang, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://chitieu.example.vn"
    run_daily(date(2025, 7, 21), django_capture_on_commit_callbacks)  # 7 days late

    kinh_te = dien_quang["commune"].units.get(short_name="Phòng Kinh tế")
    [message] = mails_to(dien_quang["kinh_te"])
    assert message.subject == "Báo cáo Tháng 6/2025 của Phòng Kinh tế: đã quá hạn 7 ngày"
    assert "Kính gửi" in message.body
    assert "Báo cáo: báo cáo hằng tháng, Tháng 6/2025" in message.body
    assert "Số liệu từ ngày 15/05/2025 đến ngày 14/06/2025." in message.body
    assert "Hạn nộp: trước 15/07/2025 (ngày cuối cùng: 14/07/2025)" in message.body
    assert "Tình trạng: chưa nộp." in message.body
    link = f"https://chitieu.example.vn/communes/dien-quang/reporting/202506/units/{kinh_te.pk}/"
    assert link in message.body

    [summary] = mails_to(dien_quang["office"])
    assert "5 đơn vị chưa nộp" in summary.subject
    assert "Phòng Kinh tế" in summary.body and "Công an xã" in summary.body
    assert "/communes/dien-quang/reporting/202506/" in summary.body
    assert len(mails_to(dien_quang["leader"])) == 1  # +7: the leader is copied
    assert mails_to(dien_quang["province"]) == []

    notification = Notification.objects.get(user=dien_quang["kinh_te"])
    assert notification.title == message.subject
    assert notification.url == f"/communes/dien-quang/reporting/202506/units/{kinh_te.pk}/"
    row = Reminder.objects.get(user=dien_quang["kinh_te"])
    assert (row.status, row.step, row.due_date, row.attempts) == ("sent", 7, date(2025, 7, 14), 1)
    assert row.sent_at is not None


def test_the_period_gets_its_row_so_the_mailed_link_opens(
    client, dien_quang, django_capture_on_commit_callbacks
):
    from reporting.models import ReportingPeriod

    commune = dien_quang["commune"]
    assert not ReportingPeriod.objects.filter(commune=commune, code="202506").exists()
    run_daily(date(2025, 7, 7), django_capture_on_commit_callbacks)
    row = ReportingPeriod.objects.get(commune=commune, code="202506")
    assert (row.window_start, row.window_end) == (date(2025, 5, 15), date(2025, 6, 14))
    client.force_login(dien_quang["kinh_te"])
    assert client.get(Notification.objects.get(user=dien_quang["kinh_te"]).url).status_code == 200


def test_no_reminders_on_other_days(dien_quang, django_capture_on_commit_callbacks):
    for day in (date(2025, 7, 8), date(2025, 7, 16), date(2025, 7, 22)):
        run_daily(day, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not Reminder.objects.exists()
