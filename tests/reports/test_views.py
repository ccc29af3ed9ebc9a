"""Report pages: who sees what (404 for foreign communes and provinces), the background file with
its progress and download, the texts the standing office edits, stale files."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from communes.models import Role
from reporting.models import ReportingPeriod, Submission, SubmissionStatus
from reporting.services import period_ensure
from reports.models import CommuneReportText, Report, ReportStatus
from tests.conftest import person

pytestmark = pytest.mark.django_db

# Excel keeps these tests quick; the PDF path is the same service (tests/reports/test_commune_report.py).
FORMAT = "xlsx"


@pytest.fixture
def dien_quang(seeds):
    commune = seeds["dien-quang"]
    return commune, period_ensure(commune, "2025")


@pytest.fixture
def generate(client, django_capture_on_commit_callbacks):
    """Ask for a commune's file; the task runs in process once the request's transaction commits."""

    def ask(commune, period):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reports:commune_report", args=[commune.code, period.code]),
                {"action": "generate", "format": FORMAT},
            )
        assert response.status_code == 302
        return Report.objects.latest("pk")

    return ask


def test_commune_file_made_in_background_and_downloaded(client, generate, people, dien_quang):
    commune, period = dien_quang
    client.force_login(people["standing_office"])
    report = generate(commune, period)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100
    assert report.data_fingerprint
    page = client.get(reverse("reports:commune_file", args=[commune.code, report.pk]))
    assert page.status_code == 200
    assert 'data-status-url="' in page.content.decode()
    status = client.get(reverse("reports:commune_status", args=[commune.code, report.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # a zip: the .xlsx
    assert "bao-cao-dien-quang-2025.xlsx" in download["Content-Disposition"]


def test_province_officer_reads_a_commune_report_of_the_province(
    client, generate, people, dien_quang
):
    commune, period = dien_quang
    client.force_login(people["thanh_hoa"])
    report = generate(commune, period)
    response = client.get(reverse("reports:commune_download", args=[commune.code, report.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["other_commune_office", "quang_ngai"])
def test_foreign_people_get_404_on_every_commune_report_url(
    client, generate, people, dien_quang, who
):
    commune, period = dien_quang
    client.force_login(people["standing_office"])
    report = generate(commune, period)
    client.force_login(people[who])
    for name, args in (
        ("reports:commune_reports", [commune.code]),
        ("reports:commune_report", [commune.code, period.code]),
        ("reports:commune_file", [commune.code, report.pk]),
        ("reports:commune_status", [commune.code, report.pk]),
        ("reports:commune_download", [commune.code, report.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for name in ("reports:commune_report", "reports:commune_regenerate"):
        args = [commune.code, period.code] if name.endswith("report") else [commune.code, report.pk]
        response = client.post(reverse(name, args=args), {"action": "generate", "format": FORMAT})
        assert response.status_code == 404, name
    # Another commune's file through one's own commune's URL: 404 as well.
    own = people[who].memberships.first()
    if own.commune is not None:
        url = reverse("reports:commune_download", args=[own.commune.code, report.pk])
        assert client.get(url).status_code == 404


def test_province_report_only_for_its_officers(
    client, people, seeds, django_capture_on_commit_callbacks
):
    province = seeds["dien-quang"].province
    client.force_login(people["thanh_hoa"])
    url = reverse("reports:province_report", args=[province.code])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "generate", "format": FORMAT, "period": "2025"})
    assert response.status_code == 302
    report = Report.objects.latest("pk")
    assert report.status == ReportStatus.DONE and report.commune is None
    download = reverse("reports:province_download", args=[province.code, report.pk])
    assert client.get(download).status_code == 200
    for who in ("quang_ngai", "standing_office", "leader"):
        client.force_login(people[who])
        assert client.get(url).status_code == 404, who
        assert client.get(download).status_code == 404, who
        status = reverse("reports:province_status", args=[province.code, report.pk])
        assert client.get(status).status_code == 404, who
    # Quảng Ngãi's officer asking for Thanh Hóa's file through Quảng Ngãi's URL.
    client.force_login(people["quang_ngai"])
    own = seeds["truong-giang"].province.code
    assert (
        client.get(reverse("reports:province_download", args=[own, report.pk])).status_code == 404
    )


def test_standing_office_edits_texts_in_nfc_readers_may_not(client, generate, people, dien_quang):
    commune, period = dien_quang
    url = reverse("reports:commune_report", args=[commune.code, period.code])
    client.force_login(people["standing_office"])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        action="save",
        document_number="7",
        issued_on="2025-06-05",
        causes=unicodedata.normalize("NFD", "Nguyên nhân chủ quan: nhân lực còn thiếu."),
    )
    assert client.post(url, data).status_code == 302
    text = CommuneReportText.objects.get(period=period)
    assert text.causes == "Nguyên nhân chủ quan: nhân lực còn thiếu."
    assert text.document_number == "7"
    for who in ("leader", "kinh_te", "thanh_hoa"):
        client.force_login(people[who])
        assert client.get(url).status_code == 200
        assert client.post(url, {**data, "document_number": "9"}).status_code == 403, who
    assert CommuneReportText.objects.get(period=period).document_number == "7"


def test_a_file_goes_stale_when_its_data_change(
    client, generate, people, dien_quang, django_capture_on_commit_callbacks
):
    commune, period = dien_quang
    client.force_login(people["standing_office"])
    report = generate(commune, period)
    page = reverse("reports:commune_file", args=[commune.code, report.pk])
    assert client.get(page).context["stale"] is False
    unit = commune.units.get(short_name="Phòng Kinh tế")
    Submission.objects.create(
        commune=commune, period=period, unit=unit, status=SubmissionStatus.APPROVED
    )
    assert client.get(page).context["stale"] is True
    listing = client.get(reverse("reports:commune_report", args=[commune.code, period.code]))
    assert 'data-stale="1"' in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("reports:commune_regenerate", args=[commune.code, report.pk]))
    fresh = Report.objects.latest("pk")
    assert again.status_code == 302 and fresh.pk != report.pk
    assert (
        client.get(reverse("reports:commune_file", args=[commune.code, fresh.pk])).context["stale"]
        is False
    )


def test_a_failed_rendering_is_recorded(client, generate, people, dien_quang, monkeypatch):
    commune, period = dien_quang

    def broken(*args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr("reports.services.commune_report_file", broken)
    client.force_login(people["standing_office"])
    report = generate(commune, period)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "layout exploded" in report.error
    download = reverse("reports:commune_download", args=[commune.code, report.pk])
    assert client.get(download).status_code == 404


def test_links_from_the_commune_pages(client, generate, people, dien_quang):
    commune, period = dien_quang
    client.force_login(people["standing_office"])
    reports_url = reverse("reports:commune_reports", args=[commune.code])
    assert reports_url in client.get(reverse("plans:commune", args=[commune.code])).content.decode()
    review = client.get(reverse("reporting:period", args=[commune.code, period.code]))
    assert reverse("reports:commune_report", args=[commune.code, period.code]) in (
        review.content.decode()
    )
    listing = client.get(reports_url)
    assert period.code in listing.content.decode()
    client.force_login(people["thanh_hoa"])
    province = client.get(reverse("communes:province", args=[commune.province.code]))
    assert reverse("reports:province_report", args=[commune.province.code]) in (
        province.content.decode()
    )
    assert ReportingPeriod.objects.filter(commune=commune, code="2025").exists()


def test_unit_staff_of_the_commune_may_read_reports(client, seeds):
    commune = seeds["dien-quang"]
    staff = person(
        Role.UNIT_STAFF, commune=commune, unit=commune.units.get(short_name="Công an xã")
    )
    client.force_login(staff)
    assert client.get(reverse("reports:commune_reports", args=[commune.code])).status_code == 200


def test_user_text_is_escaped_in_the_document(people, dien_quang):
    from datetime import date

    from reports.rendering import commune_report_document, commune_report_html
    from reports.services import commune_report_text_save

    _commune, period = dien_quang
    commune_report_text_save(
        actor=people["standing_office"],
        period=period,
        data={"proposals": '<img src="http://example.invalid/x.png"> & <b>đề nghị</b>'},
    )
    html = commune_report_html(commune_report_document(period, today=date(2025, 12, 20)))
    assert "<img" not in html and "<b>đề nghị" not in html
    assert "&lt;img src=&quot;http://example.invalid/x.png&quot;&gt; &amp; &lt;b&gt;đề nghị" in html
