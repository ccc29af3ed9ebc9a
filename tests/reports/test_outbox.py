"""Report requests as an outbox: recorded when the broker is down (the page says it will be
made later), rendered once by the sweep when it is back; a rendering a dead worker left is
taken up again, and failed after three tries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reporting.services import period_ensure
from reports.models import Report, ReportStatus
from reports.services import RENDER_MAX_ATTEMPTS, report_render, reports_sweep
from tests.api.conftest import client_with_token

pytestmark = pytest.mark.django_db

FORMAT = "xlsx"
LATER = "báo cáo sẽ được tạo sau, ngay khi dịch vụ hoạt động trở lại"


@pytest.fixture
def dien_quang(seeds):
    commune = seeds["dien-quang"]
    return commune, period_ensure(commune, "2025")


def test_a_report_requested_while_the_broker_is_down_is_recorded_then_made_once(
    client,
    people,
    dien_quang,
    broker_down,
    django_capture_on_commit_callbacks,
):
    commune, period = dien_quang
    client.force_login(people["standing_office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:commune_report", args=[commune.code, period.code]),
            {"action": "generate", "format": FORMAT},
        )
    assert response.status_code == 302  # not a 500
    report = Report.objects.get()
    assert (report.status, report.queued_at) == (ReportStatus.QUEUED, None)
    page = client.get(response["Location"])
    assert page.status_code == 200 and LATER in page.content.decode()

    broker_down()  # Redis is back; the beat's sweep runs
    swept = reports_sweep()
    assert (swept.waiting, swept.queued, swept.failed) == (1, 1, 0)
    report.refresh_from_db()
    assert (report.status, report.attempts, report.progress) == (ReportStatus.DONE, 1, 100)
    assert LATER not in client.get(response["Location"]).content.decode()
    assert reports_sweep().waiting == 0


def test_the_api_records_a_request_while_the_broker_is_down(
    people,
    dien_quang,
    broker_down,
    django_capture_on_commit_callbacks,
):
    commune, period = dien_quang
    client = client_with_token(people["standing_office"], scope="read_write")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/communes/{commune.code}/reports/",
            {"period": period.code, "format": FORMAT},
            format="json",
        )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    assert Report.objects.get().queued_at is None


def test_a_handed_over_request_is_left_alone_until_it_may_have_been_lost(
    people, dien_quang, settings
):
    commune, period = dien_quang
    settings.OUTBOX_REQUEUE_SECONDS = 600
    report = Report.objects.create(
        kind="commune",
        province_id=commune.province_id,
        commune=commune,
        period=period,
        period_code=period.code,
        format=FORMAT,
        queued_at=timezone.now(),
    )
    assert reports_sweep().waiting == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert reports_sweep().queued == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


def test_a_rendering_left_by_a_dead_worker_is_taken_up_again_then_failed(
    people, dien_quang, settings
):
    commune, period = dien_quang
    settings.REPORTS_RENDER_TIME_LIMIT = 60
    long_ago = timezone.now() - timedelta(minutes=3)  # more than 60 s + 30 s + the margin
    stuck = Report.objects.create(
        kind="commune",
        province_id=commune.province_id,
        commune=commune,
        period=period,
        period_code=period.code,
        format=FORMAT,
        status=ReportStatus.RUNNING,
        started_at=long_ago,
        attempts=1,
        queued_at=long_ago,
    )
    running = Report.objects.create(
        kind="commune",
        province_id=commune.province_id,
        commune=commune,
        period=period,
        period_code=period.code,
        format=FORMAT,
        status=ReportStatus.RUNNING,
        started_at=timezone.now(),
        attempts=1,
        queued_at=long_ago,
    )
    report_render(report_id=running.pk)  # a duplicate message: the live rendering is not taken
    assert reports_sweep().queued == 1
    stuck.refresh_from_db()
    running.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (ReportStatus.DONE, 2)
    assert (running.status, running.attempts) == (ReportStatus.RUNNING, 1)

    Report.objects.filter(pk=running.pk).update(started_at=long_ago, attempts=RENDER_MAX_ATTEMPTS)
    swept = reports_sweep()
    assert (swept.queued, swept.failed) == (0, 1)
    running.refresh_from_db()
    assert running.status == ReportStatus.FAILED and "tạo lại" in running.error


def test_a_duplicate_delivery_renders_once(people, dien_quang):
    commune, period = dien_quang
    report = Report.objects.create(
        kind="commune",
        province_id=commune.province_id,
        commune=commune,
        period=period,
        period_code=period.code,
        format=FORMAT,
    )
    report_render(report_id=report.pk)
    first = Report.objects.get(pk=report.pk)
    report_render(report_id=report.pk)
    again = Report.objects.get(pk=report.pk)
    assert (again.status, again.attempts, again.file.name) == ("done", 1, first.file.name)
