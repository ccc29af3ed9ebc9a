"""The standing office's reminder settings, each person's notification settings, the command,
and the Celery wiring (beat entry, task names, retries, time limits)."""

from datetime import date
from io import StringIO

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from communes.models import AuditEntry
from config.celery import app
from reminders.models import Reminder, ReminderPolicy, ReminderPreference
from reminders.selectors import reminders_due
from reminders.services import TransientDeliveryError
from tests.reminders.conftest import days_around, run_daily

pytestmark = pytest.mark.django_db


def policy_url(code="dien-quang"):
    return reverse("reminders:policy", args=[code])


def test_the_standing_office_changes_the_days_and_who_is_copied(client, dien_quang):
    client.force_login(dien_quang["office"])
    html = client.get(policy_url()).content.decode()
    assert 'value="7, 3, 1"' in html and 'value="1, 3, 7"' in html  # the defaults
    assert reverse("reminders:policy", args=["dien-quang"]) in html  # in the commune's menu

    response = client.post(
        policy_url(),
        {
            "is_active": "on",
            "days_before": "5; 2",
            "on_last_day": "",
            "days_late": "2, 10",
            "office_from": "2",
            "leader_from": "10",
        },
    )
    assert response.status_code == 302
    policy = ReminderPolicy.objects.get(commune=dien_quang["commune"])
    assert (policy.steps, policy.office_from_step, policy.leader_from_step) == (
        [-5, -2, 2, 10],
        2,
        10,
    )
    assert AuditEntry.objects.filter(
        object_repr__contains="Điền Quang", field="các ngày nhắc"
    ).exists()

    kinh_te = dien_quang["kinh_te"].pk
    days = {
        day: sorted(
            i.step
            for i in reminders_due(day, commune_ids=[dien_quang["commune"].pk])
            if i.recipient.user_id == kinh_te and i.period_code == "202506"
        )
        for day in days_around(date(2025, 7, 14), 12, 12)
    }
    assert {day: steps for day, steps in days.items() if steps} == {
        date(2025, 7, 9): [-5],
        date(2025, 7, 12): [-2],
        date(2025, 7, 16): [2],
        date(2025, 7, 24): [10],
    }


def test_a_commune_can_pause_its_reminders(client, dien_quang):
    client.force_login(dien_quang["office"])
    client.post(
        policy_url(),
        {"days_before": "7", "days_late": "1", "office_from": "1", "leader_from": "7"},
    )
    assert reminders_due(date(2025, 7, 7), commune_ids=[dien_quang["commune"].pk]) == []


@pytest.mark.parametrize(
    "data,field",
    [
        ({"days_before": "7, ba", "days_late": "1"}, "days_before"),
        ({"days_before": "", "days_late": "61"}, "days_late"),
        ({"days_before": "", "days_late": ""}, None),
    ],
)
def test_bad_days_are_refused_with_a_message(client, dien_quang, data, field):
    client.force_login(dien_quang["office"])
    response = client.post(policy_url(), data | {"office_from": "1", "leader_from": "7"})
    assert response.status_code == 400
    assert not ReminderPolicy.objects.exists()
    html = response.content.decode()
    assert "Nhập số ngày từ 1 đến 60" in html if field else "Chọn ít nhất một ngày" in html


def test_the_settings_page_is_the_standing_offices_and_hidden_from_other_communes(
    client, dien_quang, truong_giang
):
    for user in ("leader", "kinh_te", "province"):
        client.force_login(dien_quang[user])
        assert client.get(policy_url()).status_code == 403
        assert client.post(policy_url(), {"days_late": "1"}).status_code == 403
    client.force_login(truong_giang["office"])  # another commune: as if it did not exist
    assert client.get(policy_url()).status_code == 404
    assert client.get(policy_url("khong-co")).status_code == 404
    client.logout()
    assert client.get(policy_url()).status_code == 302


def test_the_settings_page_lists_the_reminders_sent_with_their_status(
    client, dien_quang, django_capture_on_commit_callbacks
):
    run_daily(date(2025, 7, 21), django_capture_on_commit_callbacks)
    Reminder.objects.update(run_date=date.today())  # the page shows the last two weeks
    client.force_login(dien_quang["office"])
    html = client.get(policy_url()).content.decode()
    assert "Báo cáo Tháng 6/2025 của Phòng Kinh tế: đã quá hạn 7 ngày" in html
    assert "Đã gửi" in html


def test_anyone_chooses_a_daily_summary_from_the_user_menu(client, dien_quang):
    client.force_login(dien_quang["kinh_te"])
    url = reverse("reminders:preferences")
    assert url in client.get(reverse("reporting:notifications")).content.decode()
    html = client.get(url).content.decode()
    assert "Một thư tổng hợp mỗi ngày" in html and dien_quang["kinh_te"].email in html
    assert client.post(url, {"daily_digest": "1"}).status_code == 302
    assert ReminderPreference.objects.get(user=dien_quang["kinh_te"]).daily_digest
    assert client.post(url, {"daily_digest": "1"}).status_code == 302  # idempotent
    assert client.post(url, {"daily_digest": "maybe"}).status_code == 400
    client.force_login(dien_quang["province"])
    assert "không nhận nhắc hạn" in client.get(url).content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_leaving_the_summary_sends_what_was_waiting_as_separate_mails(
    client, dien_quang, django_capture_on_commit_callbacks
):
    office = dien_quang["office"]
    ReminderPreference.objects.create(user=office, daily_digest=True)
    run_daily(date(2025, 10, 3), django_capture_on_commit_callbacks)
    mail.outbox.clear()
    # As if the summary had not gone out yet when the person changed their mind.
    Reminder.objects.filter(user=office).update(status="pending")
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reminders:preferences"), {"daily_digest": "0"})
    assert len([m for m in mail.outbox if office.email in m.to]) == 2


def test_send_reminders_dry_run_lists_what_is_due_and_writes_nothing(dien_quang):
    out = StringIO()
    call_command(
        "send_reminders", "--date", "2025-07-15", "--dry-run", "--commune", "dien-quang", stdout=out
    )
    text = out.getvalue()
    assert text.startswith("Nhắc hạn ngày 15/07/2025 (xem trước: không ghi nhận, không gửi)")
    assert (
        "15/07/2025 | Xã Điền Quang | báo cáo hằng tháng Tháng 6/2025 [202506] · Phòng Kinh tế | "
        "ngày cuối cùng 14/07/2025, đã quá hạn 1 ngày (mốc +1)"
    ) in text
    assert "chưa nộp: Phòng VH-XH, VPHĐND&UBND, Phòng Kinh tế" in text
    assert "cơ quan thường trực" in text
    assert not Reminder.objects.exists() and mail.outbox == []


def test_send_reminders_sends_once_and_says_so_the_second_time(
    dien_quang, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2025-07-15", stdout=out)
    first = len(mail.outbox)
    assert first == Reminder.objects.count() > 0
    assert f"{first} nhắc hạn vừa được ghi nhận và gửi" in out.getvalue()
    again = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2025-07-15", stdout=again)
    assert len(mail.outbox) == first
    assert "đã gửi trước đó" in again.getvalue()
    assert ", 0 nhắc hạn vừa được ghi nhận và gửi" in again.getvalue()


def test_send_reminders_refuses_a_bad_date_or_commune(seeds):
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "15/07/2025")
    with pytest.raises(CommandError):
        call_command("send_reminders", "--commune", "khong-co")


def test_beat_runs_the_daily_job_at_seven_in_vietnam():
    entry = app.conf.beat_schedule["reminders-daily"]
    assert entry["task"] == "reminders.daily"
    assert entry["schedule"] == crontab(hour=7, minute=0)
    assert str(app.conf.timezone) == "Asia/Ho_Chi_Minh"
    for name in ("reminders.daily", "reminders.communes", "reminders.deliver", "reminders.digest"):
        task = app.tasks[name]
        assert task.time_limit and task.soft_time_limit < task.time_limit
    deliver = app.tasks["reminders.deliver"]
    assert deliver.autoretry_for == (TransientDeliveryError,)
    assert deliver.max_retries == 6 and deliver.retry_backoff and deliver.retry_jitter
