"""Every API error in the one shape, 500 included; a missing report file; the render limit."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.models import TokenScope
from api.views import places
from communes.models import Role
from reports.models import Report, ReportStatus
from tests.api.conftest import client_with_token
from tests.api.factories import reports_approved
from tests.conftest import person

pytestmark = pytest.mark.django_db


def test_a_bug_answers_500_in_the_error_shape_and_is_logged(people, monkeypatch, caplog):
    def broken(self, *args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(places.ProvinceListView, "get", broken)
    client = APIClient(raise_request_exception=False)
    client.force_login(people["thanh_hoa"])
    response = client.get("/api/v1/provinces/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "server_error" and "lỗi" in error["message"]
    assert "ZeroDivisionError" not in response.content.decode()  # no traceback to the client
    assert any(record.exc_info and record.levelname == "ERROR" for record in caplog.records)


def test_a_missing_report_file_answers_404_with_how_to_make_it_again(
    seeds, django_capture_on_commit_callbacks
):
    reports_approved(seeds["an-nong"], "202606")
    office = person(Role.STANDING_OFFICE, commune=seeds["an-nong"])
    client = client_with_token(office, TokenScope.READ_WRITE)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/api/v1/communes/an-nong/reports/",
            {"period": "202606", "format": "xlsx"},
            format="json",
        )
    report = Report.objects.latest("pk")
    assert report.status == ReportStatus.DONE
    report.file.storage.delete(report.file.name)
    response = client.get(f"/api/v1/communes/an-nong/reports/{report.pk}/download/")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "file_missing"
    assert "/api/v1/communes/an-nong/reports/" in error["message"]


def test_report_requests_over_the_limit_answer_429(seeds, settings):
    settings.REPORTS_RENDER_LIMIT = 2
    reports_approved(seeds["an-nong"], "202606")
    office = person(Role.STANDING_OFFICE, commune=seeds["an-nong"])
    client = client_with_token(office, TokenScope.READ_WRITE)
    body = {"period": "202606", "format": "xlsx"}
    for _ in range(2):
        assert (
            client.post("/api/v1/communes/an-nong/reports/", body, format="json").status_code == 202
        )
    response = client.post("/api/v1/provinces/38/reports/", body, format="json")
    assert response.status_code == 404  # a commune's office does not read the province
    response = client.post("/api/v1/communes/an-nong/reports/", body, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "report_limit"
    assert int(response["Retry-After"]) > 0
    assert Report.objects.filter(requested_by=office).count() == 2
