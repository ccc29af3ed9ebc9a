"""The province's consolidated figures as JSON, and report files requested, polled, downloaded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from api.models import TokenScope
from communes.models import Role
from reporting.models import ReportingPeriod
from reporting.selectors import commune_figures
from reports.models import Report, ReportKind, ReportStatus
from tests.api.conftest import assert_flat_query_count, client_with_session, client_with_token
from tests.api.factories import reports_approved
from tests.conftest import person

pytestmark = pytest.mark.django_db

FIGURES = "/api/v1/provinces/38/figures/"


@pytest.fixture
def june(seeds):
    """An Nông's June 2026 reports, approved (one returned); Điền Quang has no 2026 plan."""
    return reports_approved(seeds["an-nong"], "202606")


def test_a_province_officers_read_only_token_pulls_the_consolidated_figures(june, people):
    client = client_with_token(people["thanh_hoa"], TokenScope.READ)
    response = client.get(FIGURES, {"period": "202606"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["province"] == {"code": "38", "name": "Thanh Hóa"}
    assert (body["period"], body["kind"], body["year"], body["label"]) == (
        "202606",
        "month",
        2026,
        "Tháng 6/2026",
    )
    assert {c["commune"] for c in body["communes"]} == {"an-nong", "dien-quang"}
    an_nong = next(c for c in body["communes"] if c["commune"] == "an-nong")
    assert an_nong["period_opened"] and an_nong["units_expected"] >= 6
    assert an_nong["on_time"] + an_nong["late"] + an_nong["missing"] == an_nong["units_expected"]

    # Each ratio row is Σa/Σb over the communes, from the communes' own approved figures.
    own = commune_figures(june.commune, june)
    ratios = [
        row
        for row in body["indicators"]
        if row["denominator"] and row["measure_kind"] == "percent" and row["communes"]
    ]
    assert ratios, "no consolidated ratio to check"
    for row in ratios:
        cells = [cell for cell in row["communes"] if cell["denominator"]]
        a = sum(Decimal(cell["numerator"]) for cell in cells)
        b = sum(Decimal(cell["denominator"]) for cell in cells)
        assert Decimal(row["numerator"]) == a and Decimal(row["denominator"]) == b
        assert Decimal(row["value"]) == (a * 100 / b).quantize(Decimal("0.0001"))
        for cell in cells:
            figure = own[cell["indicator"]]
            assert Decimal(cell["numerator"]) == figure.numerator
            assert Decimal(cell["denominator"]) == figure.denominator


def test_consolidated_figures_are_for_those_who_read_the_province(june, people):
    for role in ("quang_ngai", "standing_office", "kinh_te", "leader"):
        response = client_with_session(people[role]).get(FIGURES, {"period": "202606"})
        assert response.status_code == 404, role
    assert APIClient().get(FIGURES, {"period": "202606"}).status_code == 401
    officer = client_with_session(people["thanh_hoa"])
    for params in ({}, {"period": "juin"}, {"period": "2026Q9"}):
        response = officer.get(FIGURES, params)
        assert response.status_code == 400
        assert "period" in response.json()["error"]["fields"]
    admin = client_with_session(person(Role.ADMINISTRATOR))
    assert admin.get("/api/v1/provinces/51/figures/", {"period": "2025"}).status_code == 200


def test_the_consolidation_runs_a_fixed_number_of_queries(
    june, people, django_assert_max_num_queries
):
    client = client_with_token(people["thanh_hoa"])
    client.get(FIGURES, {"period": "202606"})
    with django_assert_max_num_queries(25):
        assert client.get(FIGURES, {"period": "202606"}).status_code == 200


def test_a_commune_report_is_requested_polled_and_downloaded(
    june, seeds, django_capture_on_commit_callbacks
):
    office = person(Role.STANDING_OFFICE, commune=seeds["an-nong"])
    client = client_with_token(office, TokenScope.READ_WRITE)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/communes/an-nong/reports/",
            {"period": "202606", "format": "xlsx"},
            format="json",
        )
    assert response.status_code == 202, response.content
    report = response.json()
    assert report["status"] == ReportStatus.QUEUED and report["download_url"] is None
    assert response["Location"] == f"/api/v1/communes/an-nong/reports/{report['id']}/"
    # The render task ran (in process, after the commit): polling finds the file ready.
    polled = client.get(response["Location"]).json()
    assert polled["status"] == ReportStatus.DONE and polled["progress"] == 100
    assert polled["is_stale"] is False and polled["kind"] == "commune"
    assert polled["download_url"].endswith(f"/reports/{report['id']}/download/")
    download = client.get(polled["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "bao-cao-an-nong-202606.xlsx" in download["Content-Disposition"]
    assert b"".join(download.streaming_content)[:2] == b"PK"
    listed = client.get("/api/v1/communes/an-nong/reports/", {"period": "202606"}).json()
    assert [row["id"] for row in listed["results"]] == [report["id"]]
    assert listed["results"][0]["is_stale"] is None


def test_a_province_officers_read_only_token_requests_the_consolidated_report(
    june, people, django_capture_on_commit_callbacks
):
    client = client_with_token(people["thanh_hoa"], TokenScope.READ)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/provinces/38/reports/", {"period": "202606", "format": "xlsx"}, format="json"
        )
    assert response.status_code == 202, response.content
    report = client.get(response["Location"]).json()
    assert report["status"] == ReportStatus.DONE and report["kind"] == "province"
    download = client.get(
        report["download_url"],
        HTTP_ACCEPT=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    # The read-only token still writes nothing else.
    assert client.post("/api/v1/notifications/read/", {}, format="json").status_code == 403


def test_report_requests_are_checked(june, people, seeds):
    client = client_with_session(people["thanh_hoa"])
    for body, field in (
        ({"period": "202606", "format": "odt"}, "format"),
        ({"period": "209912", "format": "pdf"}, "period"),
        ({"format": "pdf"}, "period"),
    ):
        response = client.post("/api/v1/communes/an-nong/reports/", body, format="json")
        assert response.status_code == 400 and field in response.json()["error"]["fields"]
    response = client.post(
        "/api/v1/provinces/38/reports/", {"period": "juin", "format": "pdf"}, format="json"
    )
    assert response.status_code == 400


def test_report_files_of_another_tenant_answer_404(june, people, seeds):
    commune_file = Report.objects.create(
        kind=ReportKind.COMMUNE,
        province=seeds["an-nong"].province,
        commune=seeds["an-nong"],
        period=june,
        period_code="202606",
        format="pdf",
    )
    province_file = Report.objects.create(
        kind=ReportKind.PROVINCE,
        province=seeds["an-nong"].province,
        period_code="202606",
        format="pdf",
    )
    stranger = client_with_session(people["quang_ngai"])
    neighbour = client_with_session(people["standing_office"])  # Điền Quang, same province
    for client in (stranger, neighbour):
        for url in (
            f"/api/v1/communes/an-nong/reports/{commune_file.pk}/",
            f"/api/v1/communes/an-nong/reports/{commune_file.pk}/download/",
            f"/api/v1/communes/dien-quang/reports/{commune_file.pk}/",
            f"/api/v1/provinces/38/reports/{province_file.pk}/",
            f"/api/v1/provinces/38/reports/{province_file.pk}/download/",
        ):
            response = client.get(url)
            if client is neighbour and url.startswith("/api/v1/communes/dien-quang/"):
                assert response.status_code == 404  # its own commune, another's file
            else:
                assert response.status_code == 404, url
    for url in (
        "/api/v1/communes/an-nong/reports/",
        "/api/v1/provinces/38/reports/",
    ):
        response = stranger.post(url, {"period": "202606", "format": "pdf"}, format="json")
        assert response.status_code == 404, url
    # Queued, not rendered yet: the download is not there.
    officer = client_with_session(people["thanh_hoa"])
    response = officer.get(f"/api/v1/provinces/38/reports/{province_file.pk}/download/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert (
        "not ready" in response.json()["error"]["message"]
        or "chưa" in response.json()["error"]["message"]
    )


def test_report_lists_run_the_same_queries_for_any_page_size(june, people, seeds):
    for number in range(4):
        Report.objects.create(
            kind=ReportKind.COMMUNE,
            province=seeds["an-nong"].province,
            commune=seeds["an-nong"],
            period=ReportingPeriod.objects.get(commune=seeds["an-nong"], code="202606"),
            period_code="202606",
            format="pdf" if number % 2 else "xlsx",
        )
        Report.objects.create(
            kind=ReportKind.PROVINCE,
            province=seeds["an-nong"].province,
            period_code="202606",
            format="pdf",
        )
    client = client_with_token(people["thanh_hoa"])
    assert_flat_query_count(client, "/api/v1/communes/an-nong/reports/", large=50)
    assert_flat_query_count(client, "/api/v1/provinces/38/reports/", large=50)


def test_the_consolidated_figures_are_paginated_by_commune_and_filtered(june, people):
    client = client_with_token(people["thanh_hoa"], TokenScope.READ)
    whole = client.get(FIGURES, {"period": "202606"}).json()
    assert (whole["count"], whole["next"], whole["previous"]) == (2, None, None)

    first = client.get(FIGURES, {"period": "202606", "page_size": 1}).json()
    assert first["count"] == 2 and first["previous"] is None and "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert "page=2" not in (second["previous"] or "") and second["next"] is None
    pages = [first, second]
    assert [c["commune"] for page in pages for c in page["communes"]] == [
        c["commune"] for c in whole["communes"]
    ]
    for page in pages:
        shown = {c["commune"] for c in page["communes"]}
        for row, whole_row in zip(page["indicators"], whole["indicators"], strict=True):
            # Each page's cells are its communes'; the consolidated value the province's.
            assert {cell["commune"] for cell in row["communes"]} <= shown
            assert (row["value"], row["numerator"]) == (whole_row["value"], whole_row["numerator"])

    row = next(row for row in whole["indicators"] if row["communes"])
    narrowed = client.get(
        FIGURES, {"period": "202606", "commune": "an-nong", "indicator": row["code"]}
    ).json()
    assert narrowed["count"] == 1 and [c["commune"] for c in narrowed["communes"]] == ["an-nong"]
    assert [r["code"] for r in narrowed["indicators"]] == [row["code"]]
    assert {cell["commune"] for cell in narrowed["indicators"][0]["communes"]} == {"an-nong"}

    for params, field in (
        ({"commune": "truong-giang"}, "commune"),
        ({"indicator": "99x"}, "indicator"),
    ):
        response = client.get(FIGURES, {"period": "202606", **params})
        assert response.status_code == 400
        assert field in response.json()["error"]["fields"]
