"""Task reminders: dated, quarterly, yearly, continuous, on request and unreadable deadlines."""

import itertools
from datetime import date, timedelta

import pytest
from django.core import mail

from communes.models import Role
from reminders.models import ReminderAudience, ReminderSubject
from reminders.selectors import reminders_due
from tasks.deadlines import deadline_parse
from tasks.models import Task, TaskStatus
from tests.conftest import person
from tests.factories import TaskFactory
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


def about(task):
    return lambda item: item.subject == ReminderSubject.TASK and item.task_id == task.pk


_CODES = itertools.count(1)


def task_in(commune, *, deadline_text, lead, support=(), **fields):
    plan = commune.plans.first()
    # Not a bare number: the factory's "9" would collide with a seeded task of the plan.
    fields.setdefault("code", f"R{next(_CODES)}")
    task = TaskFactory(plan=plan, commune=commune, deadline_text=deadline_text, **fields)
    task.deadline_apply(deadline_parse(deadline_text))
    task.save()
    task.lead_units.set(commune.units.filter(short_name__in=lead))
    task.support_units.set(commune.units.filter(short_name__in=support))
    return task


def test_thang_7_2025_reminds_lead_then_support_office_and_leader(dien_quang):
    # Điền Quang task 1: "Tham mưu ban hành Kế hoạch chuyển đổi số năm 2025", Tháng 7/2025,
    # led by Phòng VH-XH, supported by VPHĐND&UBND.
    commune = dien_quang["commune"]
    task = Task.objects.get(plan__commune=commune, code="1")
    assert task.deadline_text == "Tháng 7/2025"
    last_day = date(2025, 7, 31)
    found = steps_by_user(days_around(last_day), commune=commune, match=about(task))

    assert dict(found[dien_quang["vhxh"].pk]) == expected_days(
        last_day, DEFAULT_STEPS, ReminderAudience.UNIT
    )
    # Support units are told once, on the first late day.
    assert dict(found[dien_quang["vp"].pk]) == expected_days(
        last_day, [1], ReminderAudience.SUPPORT
    )
    assert dict(found[dien_quang["office"].pk]) == expected_days(
        last_day, [1, 3, 7], ReminderAudience.STANDING_OFFICE
    )
    assert dict(found[dien_quang["leader"].pk]) == expected_days(
        last_day, [7], ReminderAudience.LEADER
    )
    for user in ("kinh_te", "cong_an", "province"):
        assert dien_quang[user].pk not in found


def test_quy_iv_2025_falls_due_on_31_december(dien_quang):
    commune = dien_quang["commune"]
    task = task_in(commune, deadline_text="Quý IV/2025", lead=["Phòng Kinh tế"])
    found = steps_by_user(days_around(date(2025, 12, 31)), commune=commune, match=about(task))
    assert dict(found[dien_quang["kinh_te"].pk]) == expected_days(
        date(2025, 12, 31), DEFAULT_STEPS, ReminderAudience.UNIT
    )


def test_a_done_or_cancelled_task_reminds_nobody(dien_quang):
    commune = dien_quang["commune"]
    task = task_in(commune, deadline_text="Quý IV/2025", lead=["Phòng Kinh tế"])
    for status in (TaskStatus.DONE, TaskStatus.DONE_LATE, TaskStatus.CANCELLED):
        Task.objects.filter(pk=task.pk).update(status=status)
        assert not steps_by_user(
            days_around(date(2025, 12, 31), 7, 7), commune=commune, match=about(task)
        )


def test_hang_nam_falls_due_every_year_of_its_plan_only(seeds):
    # An Nông's 28/KH-UBND (2026): Công an xã leads a "Hàng năm" task; nothing before 2026.
    commune = seeds["an-nong"]
    police = staff_of(commune, "Công an xã")
    task = Task.objects.filter(
        plan__key="kh-28-2026", lead_units__short_name="Công an xã", deadline_kind="yearly"
    ).first()
    assert task.deadline_text == "Hàng năm"
    found = steps_by_user(days_around(date(2026, 12, 31)), commune=commune, match=about(task))
    assert dict(found[police.pk]) == expected_days(
        date(2026, 12, 31), DEFAULT_STEPS, ReminderAudience.UNIT
    )
    assert not steps_by_user(
        [date(2025, 12, 24), date(2025, 12, 31), date(2026, 1, 7)],
        commune=commune,
        match=about(task),
    )
    # The thi-đua plan runs to 2030: its yearly tasks fall due on 31/12/2030, not after.
    yearly = Task.objects.filter(plan__key="kh-thi-dua-2026-2030", deadline_kind="yearly")
    leads = {u.pk for t in yearly for u in t.lead_units.all()}
    for unit in commune.units.filter(pk__in=leads):
        person(Role.UNIT_STAFF, commune=commune, unit=unit)
    assert any(i.task_id for i in reminders_due(date(2030, 12, 31), commune_ids=[commune.pk]))
    assert not any(i.task_id for i in reminders_due(date(2031, 12, 31), commune_ids=[commune.pk]))


def test_thuong_xuyen_is_no_date_but_its_units_still_report_each_period(truong_giang):
    # Trường Giang task 1 is "Thường xuyên": each period's report covers it.
    commune = truong_giang["commune"]
    continuous = Task.objects.get(plan__commune=commune, code="1")
    assert continuous.deadline_text == "Thường xuyên"
    days = days_around(date(2025, 9, 30), 8, 8) + days_around(date(2025, 12, 31), 8, 8)
    assert not steps_by_user(days, commune=commune, match=about(continuous))
    # Its lead units are reminded of the periodic report that covers it, and of dated tasks.
    due = reminders_due(date(2025, 10, 2), commune_ids=[commune.pk])  # 7 days before 09/10
    vhxh = {
        (i.subject, i.period_code, i.task_code)
        for i in due
        if i.recipient.user_id == truong_giang["vhxh"].pk
    }
    assert ("report", "202509", "") in vhxh
    assert ("report", "2025Q3", "") in vhxh
    later = reminders_due(date(2025, 10, 3), commune_ids=[commune.pk])
    assert [i.task_code for i in later if i.recipient.user_id == truong_giang["vhxh"].pk] == [
        "2",
        "4",
        "5",
    ]  # "Tháng 9/2025", three days late
    assert not [i for i in due + later if i.task_id == continuous.pk]


def test_khi_co_de_nghi_waits_for_an_ad_hoc_request_and_unparsed_deadlines_stay_flagged(
    dien_quang,
):
    commune = dien_quang["commune"]
    on_request = task_in(commune, deadline_text="Khi có đề nghị", lead=["Phòng Kinh tế"])
    unreadable = task_in(commune, deadline_text="Tùy tình hình", lead=["Phòng Kinh tế"])
    # "Sau khi … được ban hành" waits for its event: never due by itself, and not flagged.
    event = task_in(commune, deadline_text="Sau khi Quy chế được ban hành", lead=["Phòng Kinh tế"])
    assert unreadable.deadline_flagged
    assert event.deadline_kind == "event" and not event.deadline_flagged
    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(0, 365, 7)] + [date(2025, 12, 31)]
    for day in days:
        for item in reminders_due(day, commune_ids=[commune.pk]):
            assert item.task_id not in (on_request.pk, unreadable.pk, event.pk)
    unreadable.refresh_from_db()
    assert unreadable.deadline_flagged


def test_a_task_nobody_leads_in_the_portal_goes_to_the_standing_office_from_the_start(seeds):
    # An Nông: "2025-2030", led by Các DN Viễn thông (outside the commune), supported by VH-XH.
    commune = seeds["an-nong"]
    office = person(Role.STANDING_OFFICE, commune=commune)
    vhxh = staff_of(commune, "Phòng VH-XH")
    task = Task.objects.get(
        plan__commune=commune, deadline_text="2025-2030", lead_units__short_name="Các DN Viễn thông"
    )
    # A span of years is due at its end, not every year.
    found = steps_by_user(days_around(date(2030, 12, 31)), commune=commune, match=about(task))
    assert dict(found[office.pk]) == expected_days(
        date(2030, 12, 31), DEFAULT_STEPS, ReminderAudience.STANDING_OFFICE
    )
    assert dict(found[vhxh.pk]) == expected_days(date(2030, 12, 31), [1], ReminderAudience.SUPPORT)
    assert not steps_by_user(
        days_around(date(2026, 12, 31), 7, 7), commune=commune, match=about(task)
    )


def test_task_mail_names_the_task_its_deadline_and_the_lead_units(
    dien_quang, django_capture_on_commit_callbacks
):
    run_daily(date(2025, 8, 1), django_capture_on_commit_callbacks)  # task 1: one day late
    [message] = mails_to(dien_quang["vhxh"])
    assert message.subject == "Nhiệm vụ 1 (thời hạn Tháng 7/2025): đã quá hạn 1 ngày"
    assert "Nhiệm vụ 1: Tham mưu ban hành Kế hoạch chuyển đổi số năm 2025" in message.body
    assert "Thời hạn trong kế hoạch: Tháng 7/2025 (ngày cuối cùng: 31/07/2025)" in message.body
    assert "Đơn vị chủ trì: Phòng VH-XH" in message.body
    [support] = mails_to(dien_quang["vp"])
    assert "phối hợp" in support.body
    assert len(mail.outbox) == 3  # lead, support, standing office; the leader from +7
