"""A real Celery worker on Redis picks up the beat's daily job and mails and notifies.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's first run); skipped otherwise.
The worker is a subprocess pointed at the test database, mailing into a folder.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from communes.models import Notification, Role
from config.celery import app
from reminders.models import Reminder
from reporting.models import ReportingPeriod, ReportingSchedule
from tests.conftest import person
from tests.factories import CommuneFactory, PlanFactory, TaskFactory, UnitFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:task_always_eager has no effect on send_task"),
]

WORKER_START_SECONDS = 60
JOB_SECONDS = 60


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (CI runs it on PostgreSQL and Redis)")
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database: PostgreSQL only")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = (tmp_path / "worker.log").open("w+")
    env = os.environ | {
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"filemail:///{mail_dir}",  # an absolute path after "filemail://"
        "PORTAL_BASE_URL": "https://chitieu.example.vn",
        "DEBUG": "1",
        "CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the files it writes, where the test reads them
    }
    celery = Path(sys.executable).with_name("celery")
    process = subprocess.Popen(
        [
            str(celery),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--hostname=reminders-test@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + WORKER_START_SECONDS
        while "ready." not in Path(log.name).read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("The Celery worker did not start:\n" + Path(log.name).read_text())
            time.sleep(0.3)
        yield {"mail_dir": mail_dir, "log": Path(log.name)}
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # warm shutdown: the current task finishes
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def _mails(folder: Path) -> list[tuple[str, str]]:
    mails = []
    for path in sorted(folder.iterdir()):
        # The file backend writes each message followed by a line of dashes.
        for raw in path.read_bytes().split(b"-" * 79):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw.strip())
            subject = str(make_header(decode_header(message["Subject"])))
            body = message.get_payload(decode=True).decode()
            mails.append((subject, body))
    return mails


def test_the_scheduled_job_is_picked_up_by_a_worker_and_mails_and_notifies(worker):
    today = timezone.localdate()
    commune = CommuneFactory()
    plan = PlanFactory(commune=commune, period_start=today.year - 1, period_end=today.year + 1)
    unit = UnitFactory(commune=commune, short_name="Phòng Kinh tế")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    for kind in ("month", "quarter", "half_year", "year"):  # only the two subjects below
        ReportingSchedule.objects.create(commune=commune, kind=kind, is_used=False, deadline_day=15)
    # An ad-hoc request due before 00:00 tomorrow (today is its last day) and a task due in a week.
    tomorrow = datetime.combine(today + timedelta(days=1), clock.min, ZoneInfo(settings.TIME_ZONE))
    adhoc = ReportingPeriod.objects.create(
        commune=commune,
        kind="ad_hoc",
        code="DX-TEST",
        title="Số liệu kiểm tra",
        window_start=today,
        window_end=today,
        deadline=tomorrow,
    )
    adhoc.requested_units.add(unit)
    task = TaskFactory(plan=plan, deadline_kind="date", due_date=today + timedelta(days=7))
    task.lead_units.add(unit)

    # What beat sends at 07:00: the entry's task, by name, with its arguments and options.
    entry = app.conf.beat_schedule["reminders-daily"]
    app.send_task(  # send_task always goes to the broker, even where tests run tasks eagerly
        entry["task"],
        args=entry.get("args", ()),
        kwargs=entry.get("kwargs", {}),
        **entry["options"],
    )

    deadline = time.monotonic() + JOB_SECONDS
    while True:
        rows = list(Reminder.objects.filter(user=clerk).values_list("status", "step", "subject"))
        if len(rows) == 2 and all(status == "sent" for status, _step, _subject in rows):
            break
        if time.monotonic() > deadline:
            pytest.fail(
                f"Reminders {rows} not sent in time; worker log:\n{worker['log'].read_text()}"
            )
        time.sleep(0.5)

    assert sorted((step, subject) for _status, step, subject in rows) == [
        (-7, "task"),
        (0, "report"),
    ]
    mails = [m for m in _mails(worker["mail_dir"]) if clerk.full_name in m[1]]
    subjects = sorted(subject for subject, _body in mails)
    assert subjects == [
        "Báo cáo Số liệu kiểm tra của Phòng Kinh tế: hôm nay là ngày cuối cùng",
        f"Nhiệm vụ {task.code} (thời hạn {task.deadline_text}): còn 7 ngày",
    ]
    report_body = next(body for subject, body in mails if subject.startswith("Báo cáo"))
    assert (
        f"https://chitieu.example.vn/communes/{commune.code}/reporting/DX-TEST/units/{unit.pk}/"
        in report_body
    )
    assert Notification.objects.filter(user=clerk, kind="deadline_reminder").count() == 2
    log = worker["log"].read_text()
    assert "reminders.daily" in log and "reminders.communes" in log and "reminders.deliver" in log
