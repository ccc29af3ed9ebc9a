"""A real Celery worker on Redis renders a national report's provinces and assembles the zip.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's first run); skipped otherwise.
The worker is the reminders' integration worker (a subprocess on the test database).
"""

from __future__ import annotations

import time
import zipfile

import pytest

from communes.models import Role
from config.celery import app
from reports.models import NationalReport, Report, ReportStatus
from reports.services import national_report_request
from tests.conftest import person
from tests.dashboards.test_national_summary import add_province
from tests.reminders.test_worker_integration import worker  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RENDER_SECONDS = 180


@pytest.fixture
def to_redis():
    """Tasks go to Redis, not run in process (the tests' setting)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def test_a_worker_renders_each_province_once_and_assembles_the_zip(worker, to_redis):  # noqa: F811
    provinces = [add_province("81", 1), add_province("82", 2), add_province("83", 1)]
    national = national_report_request(
        actor=person(Role.ADMINISTRATOR),
        provinces=provinces,
        period_code="202501",
        fmt="xlsx",
        whole_country=False,
    )
    deadline = time.monotonic() + RENDER_SECONDS
    while True:
        national.refresh_from_db()
        if national.is_finished:
            break
        if time.monotonic() > deadline:
            pytest.fail("Not assembled in time:\n" + worker["log"].read_text()[-3000:])
        time.sleep(0.5)
    assert national.status == "done", national.error
    parts = Report.objects.filter(national_report=national)
    assert [(p.status, p.attempts) for p in parts] == [(ReportStatus.DONE, 1)] * 3
    with zipfile.ZipFile(national.file.open("rb")) as archive:
        assert sorted(archive.namelist()) == [
            f"bao-cao-tinh-{code}-202501.xlsx" for code in ("81", "82", "83")
        ]
    log = worker["log"].read_text()
    assert log.count("reports.render[") >= 3 and NationalReport.objects.count() == 1
