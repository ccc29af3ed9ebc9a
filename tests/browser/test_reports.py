"""The official report in the browser: the standing office opens the commune's report for a
period from the menu, edits its number, makes the Excel file and downloads it."""

import pytest

from communes.models import Commune, Role
from reporting.services import period_ensure
from tests.browser.conftest import log_in, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_standing_office_makes_and_downloads_the_report(new_page, seeds):
    commune = Commune.objects.get(code="dien-quang")
    period_ensure(commune, "2025")
    office = person(Role.STANDING_OFFICE, commune=commune)
    page = new_page()
    log_in(page, office.username)
    page.goto(f"/communes/{commune.code}/")
    page.get_by_role("link", name="Báo cáo chính thức").click()
    page.locator("a", has_text="mở báo cáo").first.wait_for()
    page.goto(f"/communes/{commune.code}/reports/2025/")
    page.get_by_label("Số báo cáo").fill("12")
    page.get_by_role("button", name="Lưu nội dung").click()
    assert "Đã lưu nội dung báo cáo." in page.content()
    screenshot(page, "report-texts")
    page.get_by_role("button", name="Tạo tệp Excel").click()
    download_link = page.get_by_role("link", name="Tải về bao-cao-dien-quang-2025.xlsx")
    download_link.wait_for()
    assert page.locator("progress").get_attribute("value") == "100"
    screenshot(page, "report-file")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "bao-cao-dien-quang-2025.xlsx"


def test_file_page_follows_a_worker_until_the_file_is_ready(new_page, seeds):
    """With a real worker the file is made later: the page polls its status and then offers it."""
    from django.core.files.base import ContentFile

    from reports.models import Report, ReportKind, ReportStatus

    commune = Commune.objects.get(code="dien-quang")
    period = period_ensure(commune, "2025")
    office = person(Role.STANDING_OFFICE, commune=commune)
    report = Report.objects.create(
        kind=ReportKind.COMMUNE,
        province=commune.province,
        commune=commune,
        period=period,
        period_code=period.code,
        format="xlsx",
        status=ReportStatus.RUNNING,
        progress=40,
    )
    page = new_page()
    log_in(page, office.username)
    page.goto(f"/communes/{commune.code}/reports/files/{report.pk}/")
    assert page.locator("progress").get_attribute("value") == "40"
    assert page.get_by_text("Đang tạo").is_visible()
    report.file.save(report.filename, ContentFile(b"PK fake"), save=False)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.DONE, progress=100, file=report.file.name
    )
    page.get_by_role("link", name="Tải về bao-cao-dien-quang-2025.xlsx").wait_for()
    assert page.locator("progress").get_attribute("value") == "100"
