"""National reports: one province file per chosen province in a zip, made by the workers (in
process here) through the reports' outbox, with progress; exactly once; administrators only."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from communes.models import Province, Role
from reports import services
from reports.models import NationalReport, NationalReportStatus, Report, ReportStatus
from reports.services import national_report_assemble, report_render, reports_sweep
from tests.conftest import person
from tests.factories import ProvinceFactory
from tests.reports.pdf_tools import pdf_pages

pytestmark = pytest.mark.django_db

PERIOD = "2025"


@pytest.fixture
def admin(seeds):
    ProvinceFactory(code="99", name="Tỉnh Chưa Có Xã")  # a third province: two are not all
    return person(Role.ADMINISTRATOR)


def _ask(client, provinces, fmt, capture, *, period=PERIOD):
    with capture(execute=True):
        response = client.post(
            reverse("reports:national_request"),
            {"period": period, "format": fmt, "provinces": [p.pk for p in provinces]},
        )
    assert response.status_code == 302, response.content
    national = NationalReport.objects.latest("pk")
    assert response["Location"] == reverse("reports:national_file", args=[national.pk])
    return national


def _zip(client, national) -> zipfile.ZipFile:
    response = client.get(reverse("reports:national_download", args=[national.pk]))
    assert response.status_code == 200
    assert national.filename in response["Content-Disposition"]
    return zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))


def _text(name: str, data: bytes) -> str:
    """What a person opening the file reads in it (each library opens it or raises)."""
    if name.endswith(".xlsx"):
        book = load_workbook(BytesIO(data), read_only=True)
        return " ".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if name.endswith(".docx"):
        document = Document(BytesIO(data))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return " ".join([p.text for p in document.paragraphs] + cells)
    return " ".join(page.text for page in pdf_pages(data))  # poppler reads it back


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_the_zip_holds_one_file_per_chosen_province_and_each_opens(
    client, admin, fmt, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    thanh_hoa, quang_ngai = Province.objects.get(code="38"), Province.objects.get(code="51")
    national = _ask(client, [quang_ngai, thanh_hoa], fmt, django_capture_on_commit_callbacks)
    national.refresh_from_db()
    assert national.status == NationalReportStatus.DONE and not national.whole_country
    archive = _zip(client, national)
    assert sorted(archive.namelist()) == [
        f"bao-cao-tinh-38-{PERIOD}.{fmt}",
        f"bao-cao-tinh-51-{PERIOD}.{fmt}",
    ]
    thanh_hoa_text = _text(f".{fmt}", archive.read(f"bao-cao-tinh-38-{PERIOD}.{fmt}"))
    quang_ngai_text = _text(f".{fmt}", archive.read(f"bao-cao-tinh-51-{PERIOD}.{fmt}"))
    assert "Điền Quang" in thanh_hoa_text and "Trường Giang" not in thanh_hoa_text
    assert "Trường Giang" in quang_ngai_text and "Điền Quang" not in quang_ngai_text
    # Each file is the province's own report file too, downloadable from the province.
    part = Report.objects.get(national_report=national, province=thanh_hoa)
    assert archive.read(part.filename) == part.file.open("rb").read()


def test_no_province_chosen_is_the_whole_country(client, admin, django_capture_on_commit_callbacks):
    client.force_login(admin)
    national = _ask(client, [], "xlsx", django_capture_on_commit_callbacks)
    assert national.whole_country
    assert national.filename == f"bao-cao-toan-quoc-{PERIOD}-xlsx.zip"
    codes = sorted(Province.objects.values_list("code", flat=True))
    assert sorted(n.split("-")[3] for n in _zip(client, national).namelist()) == codes


def test_progress_counts_the_provinces_done(
    client, admin, broker_down, django_capture_on_commit_callbacks
):
    """The broker is down: the request is recorded, nothing rendered; each province rendered
    moves the count; the last one assembles the zip."""
    client.force_login(admin)
    provinces = list(Province.objects.filter(code__in=["38", "51"]).order_by("code"))
    national = _ask(client, provinces, "xlsx", django_capture_on_commit_callbacks)
    status_url = reverse("reports:national_status", args=[national.pk])

    def state():
        return client.get(status_url).json()

    first = state()
    assert (first["done"], first["total"], first["finished"], first["download_url"]) == (
        0,
        2,
        False,
        "",
    )
    assert first["status_label"] == "0/2 tỉnh đã xong"
    page = client.get(reverse("reports:national_file", args=[national.pk])).content.decode()
    assert "0/2 tỉnh đã xong" in page and "Thanh Hóa" in page and "Quảng Ngãi" in page

    parts = list(Report.objects.filter(national_report=national).order_by("province__code"))
    report_render(report_id=parts[0].pk)
    second = state()
    assert (second["done"], second["progress"], second["finished"]) == (1, 50, False)
    assert second["status_label"] == "1/2 tỉnh đã xong"
    report_render(report_id=parts[1].pk)
    last = state()
    assert (last["done"], last["finished"], last["progress"]) == (2, True, 100)
    assert last["download_url"] == reverse("reports:national_download", args=[national.pk])
    assert len(_zip(client, national).namelist()) == 2


def test_a_requeued_province_renders_once_and_the_zip_is_assembled_once(
    client, admin, broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(admin)
    provinces = list(Province.objects.filter(code__in=["38", "51"]))
    national = _ask(client, provinces, "xlsx", django_capture_on_commit_callbacks)
    renderings, assemblies = [], []
    real_render = services.province_report_file

    def counted(province, *args, **kwargs):
        renderings.append(province.code)
        return real_render(province, *args, **kwargs)

    monkeypatch.setattr(services, "province_report_file", counted)
    real_open = services.report_file_open

    def opened(part):
        assemblies.append(part.province.code)
        return real_open(part)

    monkeypatch.setattr(services, "report_file_open", opened)
    parts = list(Report.objects.filter(national_report=national).order_by("province__code"))
    for part in parts:
        report_render(report_id=part.pk)
        report_render(report_id=part.pk)  # queued again (sweep, broker redelivery)
    national_report_assemble(national_report_id=national.pk)  # and the zip's step again
    broker_down()
    assert reports_sweep().waiting == 0
    assert sorted(renderings) == ["38", "51"]
    assert sorted(assemblies) == ["38", "51"]  # each file read into the zip once
    assert [p.attempts for p in Report.objects.filter(national_report=national)] == [1, 1]
    national.refresh_from_db()
    assert national.status == NationalReportStatus.DONE


def test_the_sweep_makes_a_national_report_asked_for_while_the_broker_was_down(
    client, admin, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    provinces = list(Province.objects.filter(code__in=["38", "51"]))
    national = _ask(client, provinces, "xlsx", django_capture_on_commit_callbacks)
    assert set(
        Report.objects.filter(national_report=national).values_list("queued_at", flat=True)
    ) == {None}
    broker_down()  # Redis is back; the beat's sweep runs
    swept = reports_sweep()
    assert (swept.waiting, swept.queued) == (2, 2)
    national.refresh_from_db()
    assert national.status == NationalReportStatus.DONE
    assert len(_zip(client, national).namelist()) == 2


def test_the_sweep_assembles_a_zip_its_last_worker_left(
    client, admin, broker_down, django_capture_on_commit_callbacks
):
    """The last province's worker died after finishing its file, before the zip: the sweep
    assembles it; a province failed (the sweep gave up on it) leaves the others in the zip."""
    client.force_login(admin)
    provinces = list(Province.objects.filter(code__in=["38", "51"]).order_by("code"))
    national = _ask(client, provinces, "xlsx", django_capture_on_commit_callbacks)
    first, second = Report.objects.filter(national_report=national).order_by("province__code")
    report_render(report_id=first.pk)
    Report.objects.filter(pk=second.pk).update(status=ReportStatus.FAILED, error="killed")
    national.refresh_from_db()
    assert national.status == NationalReportStatus.RENDERING
    broker_down()
    reports_sweep()
    national.refresh_from_db()
    assert national.status == NationalReportStatus.DONE
    assert "Quảng Ngãi: killed" in national.error
    assert _zip(client, national).namelist() == [f"bao-cao-tinh-38-{PERIOD}.xlsx"]
    page = client.get(reverse("reports:national_file", args=[national.pk])).content.decode()
    assert "Quảng Ngãi: killed" in page


def test_a_national_report_counts_once_against_the_request_limit(
    client, admin, settings, broker_down, django_capture_on_commit_callbacks
):
    settings.REPORTS_RENDER_LIMIT = 2
    client.force_login(admin)
    _ask(client, [], "xlsx", django_capture_on_commit_callbacks)  # every province: 2+ files
    _ask(client, [], "pdf", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            reverse("reports:national_request"), {"period": PERIOD, "format": "docx"}, follow=True
        )
    assert NationalReport.objects.count() == 2
    assert "2 tệp báo cáo" in refused.content.decode() or "2" in str(
        list(refused.context["messages"])
    )


@pytest.mark.parametrize("role", ["standing_office", "leader", "kinh_te", "thanh_hoa"])
def test_only_administrators_read_the_country(
    client, people, admin, role, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    national = _ask(client, [], "xlsx", django_capture_on_commit_callbacks)
    client.force_login(people[role])
    urls = [
        reverse("dashboards:national"),
        reverse("reports:national_request"),
        reverse("reports:national_file", args=[national.pk]),
        reverse("reports:national_status", args=[national.pk]),
        reverse("reports:national_download", args=[national.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * 5
    before = Report.objects.count()
    answer = client.post(reverse("reports:national_request"), {"period": PERIOD, "format": "pdf"})
    assert answer.status_code == 404 and Report.objects.count() == before
    client.logout()
    assert client.get(urls[0]).status_code == 302  # to the login page


def test_an_unknown_period_is_refused_with_a_message(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("reports:national_request"), {"period": "2025X9", "format": "pdf"}, follow=True
    )
    assert response.status_code == 200 and not NationalReport.objects.exists()
    assert "Không phải kỳ báo cáo" in response.content.decode()
