"""A finished report whose file is gone answers 404 with a way to make it again; one person may
ask for only so many files in a few minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reporting.services import period_ensure
from reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    def ask(commune, period, fmt="xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("reports:commune_report", args=[commune.code, period.code]),
                {"action": "generate", "format": fmt},
            )

    return ask


def test_a_missing_file_answers_404_with_a_way_to_make_it_again(
    client, ask, people, seeds, django_capture_on_commit_callbacks
):
    commune = seeds["dien-quang"]
    period = period_ensure(commune, "2025")
    client.force_login(people["leader"])
    ask(commune, period)
    report = Report.objects.latest("pk")
    assert report.status == ReportStatus.DONE
    report.file.storage.delete(report.file.name)  # lost with a volume, or removed by hand
    download = reverse("reports:commune_download", args=[commune.code, report.pk])
    response = client.get(download)
    assert response.status_code == 404
    page = response.content.decode()
    assert "không còn được lưu" in page
    again_url = reverse("reports:commune_regenerate", args=[commune.code, report.pk])
    assert f'action="{again_url}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(again_url)
    again = Report.objects.latest("pk")
    assert again.pk != report.pk and again.status == ReportStatus.DONE
    response = client.get(reverse("reports:commune_download", args=[commune.code, again.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"


def test_one_person_may_ask_for_only_so_many_files_in_a_few_minutes(
    client, people, seeds, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_RENDER_LIMIT = 3
    commune = seeds["dien-quang"]
    period = period_ensure(commune, "2025")
    client.force_login(people["leader"])
    page = reverse("reports:commune_report", args=[commune.code, period.code])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            response = client.post(page, {"action": "generate", "format": "xlsx"})
            assert response.status_code == 302 and "/files/" in response.url
        response = client.post(page, {"action": "generate", "format": "xlsx"}, follow=True)
    assert Report.objects.filter(requested_by=people["leader"]).count() == 3
    assert "mức tối đa cho phép: hãy đợi 300 giây" in response.content.decode()
    # Someone else is not held back by it.
    client.force_login(people["standing_office"])
    with time_machine.travel(start, tick=False):
        assert "/files/" in client.post(page, {"action": "generate", "format": "xlsx"}).url
    # Five minutes on, the leader may ask again.
    client.force_login(people["leader"])
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        assert "/files/" in client.post(page, {"action": "generate", "format": "xlsx"}).url
