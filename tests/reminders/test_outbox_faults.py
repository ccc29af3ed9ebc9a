"""Fault tests of the outbox with a real Redis and a real Celery worker.

A throwaway redis-server on a spare port (never the machine's shared one) is stopped and
started; a `celery -A config worker` subprocess shares the PostgreSQL test database and mails
into a folder (the file backend), so the test counts the mails and their Message-IDs. The
portal side (the daily run, the sweep, a browser request) runs in this process, publishing to
the throwaway Redis.

1. Redis stops during the daily reminder run, starts again, the sweep runs: every due reminder
   is delivered, none twice. And Redis restarting empty while the mails wait in its queue: the
   sweep takes them for lost after the requeue delay and queues them again.
2. The worker is killed (SIGKILL) while it sends (its mail server never answers): another
   worker (kept from consuming meanwhile by Celery's remote control) takes what was pending,
   the sweep re-queues the row left "sending" once its claim is older than the timeout; none
   is mailed twice.
3. A report requested in the browser while Redis is down is rendered once it is back.

Each scenario prints its figures (rows due, mails delivered, duplicates).
"""

from __future__ import annotations

import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as clock
from io import StringIO
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools

from communes.models import Role, UnitKind
from config.celery import app
from reminders.models import Reminder, ReminderStatus
from reminders.selectors import reminders_due
from reminders.services import reminders_sweep
from reporting.models import ReportingPeriod, ReportingSchedule
from reporting.services import period_ensure
from reports.models import Report, ReportStatus
from reports.services import reports_sweep
from tests.conftest import person
from tests.factories import CommuneFactory, PlanFactory, TaskFactory, UnitFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

WAIT_SECONDS = 30
STUCK_SECONDS = 3  # the sending timeout of scenario 2 (10 minutes in production)
UNITS, STAFF_PER_UNIT = 4, 2  # each person: the ad-hoc report due today and a task in 7 days


def _free_port() -> int:
    """A port the kernel hands out as free (never the same to two processes binding at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayRedis:
    """A redis-server of this test only, without persistence: stopping it loses its queue."""

    def __init__(self, tmp: Path):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp = tmp
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.tmp)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            ).stdout.strip()
            != "PONG"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("the throwaway Redis did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class HangingSmtp:
    """A mail server that accepts connections and never greets: a worker sending hangs there."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _address = self.server.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        for conn in self.connections:
            conn.close()
        self.server.close()


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, *, redis: ThrowawayRedis, tmp: Path, name: str, email_url: str):
        self.log = tmp / f"{name}.log"
        self.hostname = f"{name}@{socket.gethostname()}"
        env = os.environ | {
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis.url,
            "EMAIL_URL": email_url,
            "MEDIA_ROOT": str(tmp / "media"),
            "PORTAL_BASE_URL": "https://chitieu.example.vn",
            "OUTBOX_SENDING_TIMEOUT": str(STUCK_SECONDS),
            "DEBUG": "1",
            "CONN_MAX_AGE": "0",
        }
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    *(str(Path(sys.executable).with_name("celery")), "-A", "config", "worker"),
                    *("--pool=solo", "--loglevel=INFO", "--without-heartbeat"),
                    *("--without-mingle", "--without-gossip", f"--hostname={self.hostname}"),
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while "ready." not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("The Celery worker did not start:\n" + self.log.read_text())
            time.sleep(0.2)

    def consume(self, on: bool) -> None:
        """Stop or resume taking messages (Celery's remote control), without a restart; a
        worker reconnecting to a restarted Redis answers once it is connected."""
        command = app.control.add_consumer if on else app.control.cancel_consumer
        deadline = time.monotonic() + WAIT_SECONDS
        waiting = list(app.amqp.queues)  # every queue it consumes: celery, mail, reports
        while waiting:
            try:
                if command(waiting[0], destination=[self.hostname], reply=True, timeout=2):
                    waiting.pop(0)
                    continue
            except Exception:  # a connection of this process to the Redis before its restart
                _producer_pools_reset()
            if time.monotonic() > deadline:
                pytest.fail(f"{self.hostname} did not answer:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, nothing recorded, nothing acknowledged."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def redis_and_worker(django_db_setup, tmp_path_factory):
    """The throwaway Redis and one worker mailing into a folder, shared by the scenarios (a
    worker takes seconds to start); each scenario stops and starts what it needs."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the test database: PostgreSQL only")
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        pytest.skip("needs redis-server and redis-cli on PATH")
    tmp = tmp_path_factory.mktemp("outbox")
    redis = ThrowawayRedis(tmp)
    redis.start()
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    workers: dict[str, Worker] = {}

    def worker(name: str = "outbox", email_url: str = f"filemail:///{mail_dir}") -> Worker:
        running = workers.get(name)
        if running is None or running.process.poll() is not None:
            workers[name] = Worker(redis=redis, tmp=tmp, name=name, email_url=email_url)
        return workers[name]

    try:
        with _publishing_to(redis.url):
            yield {
                "redis": redis,
                "mail_dir": mail_dir,
                "worker": worker,
                "tmp": tmp,
            }
    finally:
        for running in workers.values():
            running.kill()  # the scenarios are over: no warm shutdown to wait for
        redis.stop()


@pytest.fixture
def rig(redis_and_worker):
    """Each scenario starts with Redis up and empty, and no mail in the folder."""
    redis = redis_and_worker["redis"]
    if redis.process is None:
        redis.start()
    subprocess.run(["redis-cli", "-p", str(redis.port), "flushall"], capture_output=True)
    for path in redis_and_worker["mail_dir"].iterdir():
        path.unlink()
    return redis_and_worker


def _producer_pools_reset() -> None:
    kombu_pools.reset()  # kombu keeps its pools per broker address, process-wide
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@contextmanager
def _publishing_to(url: str):
    """This process queues to the throwaway Redis as the web and cron do (tests run tasks in
    process otherwise)."""
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    _producer_pools_reset()
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        _producer_pools_reset()
        app.conf.update(saved)


def _due_setup():
    """A commune with UNITS units of STAFF_PER_UNIT people: an ad-hoc report due today and a
    task due in a week for each unit, nothing else."""
    today = timezone.localdate()
    commune = CommuneFactory()
    plan = PlanFactory(commune=commune, period_start=today.year - 1, period_end=today.year + 1)
    for kind in ("month", "quarter", "half_year", "year"):
        ReportingSchedule.objects.create(commune=commune, kind=kind, is_used=False, deadline_day=15)
    tomorrow = datetime.combine(today + timedelta(days=1), clock.min, ZoneInfo(settings.TIME_ZONE))
    adhoc = ReportingPeriod.objects.create(
        commune=commune,
        kind="ad_hoc",
        code="DX-OUTBOX",
        title="Số liệu kiểm tra",
        window_start=today,
        window_end=today,
        deadline=tomorrow,
    )
    for number in range(UNITS):
        unit = UnitFactory(commune=commune, short_name=f"Phòng thử {number}")
        for _ in range(STAFF_PER_UNIT):
            person(Role.UNIT_STAFF, commune=commune, unit=unit)
        adhoc.requested_units.add(unit)
        task = TaskFactory(plan=plan, deadline_kind="date", due_date=today + timedelta(days=7))
        task.lead_units.add(unit)
    due = reminders_due(today, commune_ids=[commune.pk])
    assert len(due) == UNITS * STAFF_PER_UNIT * 2
    return commune, due


def _send_reminders(commune) -> str:
    out = StringIO()
    call_command("send_reminders", "--commune", commune.code, stdout=out)
    return out.getvalue()


def _message_ids(folder: Path) -> list[str]:
    ids = []
    for path in sorted(folder.iterdir()):
        for raw in path.read_bytes().split(b"-" * 79):  # the file backend's separator
            if raw.strip():
                ids.append(email.message_from_bytes(raw.strip())["Message-ID"])
    return ids


def _wait_until(condition, what: str, worker_logs=()) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(log.read_text()[-3000:] for log in worker_logs)
            pytest.fail(f"Timed out waiting for {what}; worker logs:\n{logs}")
        time.sleep(0.3)


def _statuses() -> Counter:
    return Counter(Reminder.objects.values_list("status", flat=True))


def _figures(figures, scenario: str, *, due: int, ids: list[str], seconds: float) -> None:
    duplicates = len(ids) - len(set(ids))
    figures(
        f"[outbox fault] {scenario}: rows due {due}, mails delivered {len(ids)}, "
        f"distinct Message-IDs {len(set(ids))}, duplicates {duplicates}, "
        f"statuses {dict(_statuses())}, {seconds:.1f} s"
    )


def test_redis_stopped_during_the_daily_run_every_reminder_delivered_once(rig, figures):
    started = time.monotonic()
    worker = rig["worker"]()
    commune, due = _due_setup()
    rig["redis"].stop()

    first = _send_reminders(commune)  # Redis down: recorded, not queued, no crash
    assert f"Không kết nối được hàng đợi: {len(due)} nhắc hạn" in first
    assert _statuses() == {"pending": len(due)}
    second = _send_reminders(commune)  # a re-run while still down says they wait
    assert second.count("đã ghi nhận trước đó, đang chờ gửi") == len(due)
    assert "| đã gửi" not in second

    rig["redis"].start()  # back, empty: whatever it held is gone
    swept = reminders_sweep()
    assert (swept.waiting, swept.queued) == (len(due), len(due))
    _wait_until(lambda: _statuses() == {"sent": len(due)}, "every reminder sent", [worker.log])
    assert reminders_sweep().waiting == 0
    ids = _message_ids(rig["mail_dir"])
    _figures(
        figures,
        "Redis stopped during the run",
        due=len(due),
        ids=ids,
        seconds=time.monotonic() - started,
    )
    assert len(ids) == len(due) and len(set(ids)) == len(due)


def test_mails_queued_in_a_redis_that_restarts_empty_are_queued_again(rig, figures, settings):
    started = time.monotonic()
    settings.OUTBOX_REQUEUE_SECONDS = 2  # 15 minutes in production
    worker = rig["worker"]()
    worker.consume(False)  # the mails wait in Redis
    commune, due = _due_setup()
    _send_reminders(commune)
    assert _statuses() == {"pending": len(due)}
    assert not Reminder.objects.filter(requeue_after__isnull=True).exists()  # handed over
    rig["redis"].stop()
    rig["redis"].start()  # without persistence: the queued mails are gone
    worker.consume(True)
    # Not taken for lost before the requeue delay (tests/reminders/test_outbox.py checks it).
    latest = max(Reminder.objects.values_list("requeue_after", flat=True))
    time.sleep(max(0, (latest - timezone.now()).total_seconds() + 0.2))
    assert reminders_sweep().queued == len(due)
    _wait_until(lambda: _statuses() == {"sent": len(due)}, "every reminder sent", [worker.log])
    ids = _message_ids(rig["mail_dir"])
    _figures(
        figures,
        "Redis restarted empty with the mails queued",
        due=len(due),
        ids=ids,
        seconds=time.monotonic() - started,
    )
    assert len(ids) == len(due) and len(set(ids)) == len(due)


def test_a_worker_killed_while_sending_the_sweep_delivers_the_rest_once(rig, figures, settings):
    started = time.monotonic()
    settings.OUTBOX_SENDING_TIMEOUT = STUCK_SECONDS
    settings.OUTBOX_REQUEUE_SECONDS = STUCK_SECONDS  # 15 minutes in production
    smtp = HangingSmtp()
    rescuer = rig["worker"]()
    rescuer.consume(False)  # the doomed worker alone takes the first message
    try:
        doomed = rig["worker"]("doomed", email_url=f"smtp://127.0.0.1:{smtp.port}")
        commune, due = _due_setup()
        _send_reminders(commune)  # Redis up: queued; the worker claims one and hangs in SMTP
        _wait_until(
            lambda: Reminder.objects.filter(status=ReminderStatus.SENDING).exists(),
            "a reminder being sent",
            [doomed.log],
        )
        doomed.kill()
    finally:
        smtp.close()
    stuck = Reminder.objects.get(status=ReminderStatus.SENDING)
    assert _statuses() == {"sending": 1, "pending": len(due) - 1}

    # The mails go in one batch (reminders.services.DELIVERY_BATCH), which died with the worker
    # unacknowledged: the beat's sweep queues its pending rows once the requeue delay is over,
    # and the stuck one once its claim is older than the timeout.
    rescuer.consume(True)
    time.sleep(max(0, STUCK_SECONDS + 0.5 - (timezone.now() - stuck.claimed_at).total_seconds()))
    assert _statuses() == {"sending": 1, "pending": len(due) - 1}  # nothing mailed meanwhile
    swept = reminders_sweep()
    assert swept.queued == len(due)
    _wait_until(lambda: _statuses() == {"sent": len(due)}, "the stuck reminder sent", [rescuer.log])
    stuck.refresh_from_db()
    assert stuck.attempts == 2
    ids = _message_ids(rig["mail_dir"])
    _figures(
        figures,
        "worker killed while sending",
        due=len(due),
        ids=ids,
        seconds=time.monotonic() - started,
    )
    assert len(ids) == len(due) and len(set(ids)) == len(due)


def test_a_report_requested_while_redis_is_down_is_made_once_it_is_back(rig, figures, client):
    started = time.monotonic()
    worker = rig["worker"]()
    commune = CommuneFactory()
    UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH")
    PlanFactory(commune=commune, period_start=2025, period_end=2025)
    period = period_ensure(commune, "2025")
    client.force_login(person(Role.STANDING_OFFICE, commune=commune))
    rig["redis"].stop()

    response = client.post(
        reverse("reports:commune_report", args=[commune.code, period.code]),
        {"action": "generate", "format": "xlsx"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "báo cáo sẽ được tạo sau" in page
    report = Report.objects.get()
    assert (report.status, report.queued_at) == (ReportStatus.QUEUED, None)

    rig["redis"].start()
    assert reports_sweep().queued == 1
    _wait_until(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).exists(),
        "the report rendered",
        [worker.log],
    )
    report.refresh_from_db()
    stored = rig["tmp"] / "media" / "reports" / report.file.name
    assert report.attempts == 1 and stored.read_bytes()[:2] == b"PK"
    assert "báo cáo sẽ được tạo sau" not in client.get(response["Location"]).content.decode()
    figures(
        f"[outbox fault] report requested while Redis was down: requests 1, rendered "
        f"{Report.objects.filter(status='done').count()}, renderings {report.attempts}, "
        f"{time.monotonic() - started:.1f} s"
    )
