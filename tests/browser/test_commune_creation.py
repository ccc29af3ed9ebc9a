"""A province officer adds a commune through the form on the province page and sees it listed."""

import pytest
from django.core import mail
from openpyxl import load_workbook

from communes.models import Commune, Invitation, Role
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def to_communes(page, username: str) -> None:
    """Log in (home is the officer's to-do page), then open the province's list of communes."""
    log_in(page, username)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Việc cần làm")
    page.get_by_role("link", name="Các xã trong tỉnh").first.click()
    page.wait_for_load_state()


def test_province_officer_creates_a_commune_and_sees_it_listed(new_page, seeds):
    thanh_hoa = Commune.objects.get(code="dien-quang").province
    officer = person(Role.PROVINCE_OFFICER, province=thanh_hoa)
    page = new_page()
    to_communes(page, officer.username)
    assert page.get_by_role("heading", level=1).inner_text() == "Các xã trong tỉnh Thanh Hóa"
    screenshot(page, "province-communes-before")

    page.get_by_role("link", name="Thêm xã").click()
    form = page.get_by_test_id("commune-form")
    form.get_by_label("Tên xã").fill("Quảng Phú")
    form.get_by_label("Loại").select_option("phường")
    form.get_by_label("E-mail của cơ quan thường trực").fill("vhxh.quangphu@example.vn")
    form.get_by_label("Người nhận thư mời").fill("Lê Thị Hoa")
    form.get_by_role("button", name="Tạo xã và mời cơ quan thường trực").click()
    page.wait_for_load_state()

    status = page.get_by_role("status").inner_text()
    assert "Đã tạo Phường Quảng Phú (mã quang-phu)" in status
    assert "vhxh.quangphu@example.vn" in status
    names = page.locator('[data-testid="commune-table"] tbody tr td:first-child').all_inner_texts()
    assert names == ["Xã An Nông", "Xã Điền Quang", "Phường Quảng Phú"]  # alphabetical, Đ with D
    screenshot(page, "province-communes-created")

    commune = Commune.objects.get(code="quang-phu")
    assert commune.units.get().short_name == "Phòng VH-XH"
    assert Invitation.objects.get(commune=commune).role == Role.STANDING_OFFICE
    assert [message.to for message in mail.outbox] == [["vhxh.quangphu@example.vn"]]

    # The same name again: refused beside the field, what was typed kept.
    page.get_by_role("link", name="Thêm xã").click()
    form.get_by_label("Tên xã").fill("Quảng Phú")
    form.get_by_label("E-mail của cơ quan thường trực").fill("khac@example.vn")
    form.get_by_role("button", name="Tạo xã và mời cơ quan thường trực").click()
    page.wait_for_load_state()
    assert "Tỉnh đã có phường Quảng Phú (mã quang-phu)." in form.inner_text()
    assert form.get_by_label("E-mail của cơ quan thường trực").input_value() == "khac@example.vn"
    screenshot(page, "province-communes-duplicate")
    assert Commune.objects.filter(province=thanh_hoa).count() == 3


def test_the_import_page_on_a_phone(new_page, seeds):
    thanh_hoa = Commune.objects.get(code="dien-quang").province
    officer = person(Role.PROVINCE_OFFICER, province=thanh_hoa)
    page = new_page(PHONE)
    to_communes(page, officer.username)
    screenshot(page, "province-communes-phone")
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Nhập danh sách xã từ Excel"
    page.get_by_label("Danh sách xã bằng Excel (.xlsx)").set_input_files(
        files=[{"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": b"a,b\n"}]
    )
    page.get_by_role("button", name="Nhập danh sách xã").click()
    page.wait_for_load_state()
    assert "không phải là tệp Excel (.xlsx)" in page.get_by_role("alert").first.inner_text()
    screenshot(page, "province-communes-import-phone")


def test_the_excel_list_with_wrong_rows_creates_nothing_then_the_corrected_list_does(
    new_page, seeds, tmp_path
):
    thanh_hoa = Commune.objects.get(code="dien-quang").province
    officer = person(Role.PROVINCE_OFFICER, province=thanh_hoa)
    page = new_page()
    to_communes(page, officer.username)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu Excel").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "mau-danh-sach-xa-thanh-hoa.xlsx"

    workbook = load_workbook(template)
    sheet = workbook["Danh sách xã"]
    rows = [
        ("Quảng Phú", "xã", "16108", "vhxh.quangphu@example.vn"),
        ("Hạc Thành", "phường", None, "vhxh.hacthanh@"),
        ("Hòn Mê", "đặc khu", None, "vhxh.honme@example.vn"),
        ("Điền Quang", "xã", None, "vhxh.dq@example.vn"),
    ]
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    workbook.save(template)

    page.get_by_role("link", name="Nhập từ Excel").click()
    page.get_by_label("Danh sách xã bằng Excel (.xlsx)").set_input_files(template)
    page.get_by_role("button", name="Nhập danh sách xã").click()
    page.wait_for_load_state()
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "Chưa tạo xã nào: «mau-danh-sach-xa-thanh-hoa.xlsx» có 2 lỗi." in errors
    assert "Dòng 3: e-mail «vhxh.hacthanh@» không phải là địa chỉ hợp lệ." in errors
    assert "Dòng 5: tỉnh đã có xã Điền Quang (mã dien-quang)." in errors
    assert Commune.objects.filter(province=thanh_hoa).count() == 2 and mail.outbox == []
    screenshot(page, "province-communes-import-errors")

    sheet.cell(row=3, column=4, value="vhxh.hacthanh@example.vn")
    sheet.delete_rows(5)
    workbook.save(template)
    page.get_by_label("Danh sách xã bằng Excel (.xlsx)").set_input_files(template)
    page.get_by_role("button", name="Nhập danh sách xã").click()
    page.wait_for_load_state()
    assert "Đã tạo 3 xã" in page.get_by_role("status").inner_text()
    names = page.locator('[data-testid="commune-table"] tbody tr td:first-child').all_inner_texts()
    assert names == [
        "Xã An Nông",
        "Xã Điền Quang",
        "Phường Hạc Thành",
        "Đặc khu Hòn Mê",
        "Xã Quảng Phú",
    ]
    assert len(mail.outbox) == 3
    screenshot(page, "province-communes-imported")
