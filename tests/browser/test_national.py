"""The national summary and report in the browser: an administrator opens the summary from the
home page, reads it on a desktop and a phone, asks for the country's report and downloads the zip
once every province is done."""

import pytest

from communes.models import Commune, Role
from reporting.services import period_ensure
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_reads_the_country_and_downloads_its_report(new_page, seeds):
    period_ensure(Commune.objects.get(code="dien-quang"), "2025")
    period_ensure(Commune.objects.get(code="truong-giang"), "2025")
    admin = person(Role.ADMINISTRATOR)
    page = new_page()
    log_in(page, admin.username)
    page.goto("/")
    page.get_by_role("link", name="Tổng hợp toàn quốc").click()
    page.get_by_label("Giai đoạn").select_option("2025")
    page.get_by_role("button", name="Xem").click()
    table = page.get_by_test_id("national-table")
    assert table.locator("tbody tr").count() == 2  # Quảng Ngãi, Thanh Hóa
    assert "Toàn quốc" in table.locator("tfoot").inner_text()
    screenshot(page, "national-summary")
    phone = new_page(PHONE)
    log_in(phone, admin.username)
    phone.goto("/national/?period=2025")
    screenshot(phone, "national-summary-phone")

    page.get_by_role("link", name="Tạo báo cáo Năm 2025").click()
    page.get_by_label("Định dạng").select_option("xlsx")
    screenshot(page, "national-request")
    page.get_by_role("button", name="Tạo báo cáo Năm 2025").click()
    download_link = page.get_by_role("link", name="Tải về bao-cao-toan-quoc-2025-xlsx.zip")
    download_link.wait_for()
    assert "2/2 tỉnh đã xong" in page.get_by_test_id("national-status").inner_text()
    screenshot(page, "national-report")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "bao-cao-toan-quoc-2025-xlsx.zip"
