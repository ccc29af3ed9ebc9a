"""The province officer sets the push endpoint, reads the delivery log and runs a dry run."""

import json

import pytest
from playwright.sync_api import expect

from communes.models import Role
from push.models import PushDelivery, PushEndpoint
from reporting.services import period_close
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot
from tests.conftest import person
from tests.push.conftest import TOKEN, one_report_approved
from tests.push.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_sets_the_endpoint_reads_the_log_and_dry_runs(new_page, seeds, settings):
    settings.PUSH_MAX_ATTEMPTS = 3
    receiver = Receiver(TOKEN)
    try:
        dien_quang, an_nong = seeds["dien-quang"], seeds["an-nong"]
        officer = person(Role.PROVINCE_OFFICER, province=dien_quang.province)
        page = new_page()
        log_in(page, officer.username)
        page.goto("/provinces/38/")
        page.get_by_test_id("push-settings-link").click()
        page.wait_for_load_state()
        page.get_by_label("Địa chỉ nhận").fill(receiver.url)
        page.get_by_label("Mã bí mật dùng chung").fill(TOKEN)
        page.get_by_label("Đẩy mỗi kỳ đã duyệt").check()
        page.get_by_role("button", name="Lưu").click()
        page.wait_for_load_state()
        expect(page.get_by_test_id("token-hint")).to_contain_text("••••" + TOKEN[-4:])
        assert TOKEN not in page.content()
        assert PushEndpoint.objects.get().token == TOKEN
        screenshot(page, "push-settings")

        # Điền Quang closes 2025: delivered. An Nông closes 2026 while the receiver is down.
        period_close(actor=None, period=one_report_approved(dien_quang, "2025"))
        assert list(receiver.taken) == ["dien-quang:2025:1"]
        receiver.close()
        period_close(actor=None, period=one_report_approved(an_nong, "2026"))
        assert PushDelivery.objects.get(commune=an_nong).status == "failed"

        page.get_by_role("link", name="Nhật ký gửi").first.click()
        page.wait_for_load_state()
        rows = page.get_by_test_id("delivery-row")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("An Nông")
        expect(rows.nth(0)).to_contain_text("Lỗi")
        expect(rows.nth(0)).to_contain_text("Connection refused")
        expect(rows.nth(1)).to_contain_text("Điền Quang")
        expect(rows.nth(1)).to_contain_text("Đã chuyển")
        screenshot(page, "push-delivery-log")

        page.get_by_role("link", name="Cài đặt đẩy dữ liệu").click()
        page.wait_for_load_state()
        form = page.get_by_test_id("dry-run-form")
        form.get_by_label("Xã").select_option("dien-quang")
        form.get_by_label("Mã kỳ").fill("2025")
        form.get_by_role("button", name="Xem nội dung gửi (chạy thử)").click()
        page.wait_for_load_state()
        text = page.get_by_test_id("dry-run-body").inner_text()
        (SCREENSHOTS / "push-dry-run.json").write_text(text)  # to read beside the picture
        body = json.loads(text)
        assert body["key"] == "dien-quang:2025:2" and body["figures"]
        expect(page.get_by_test_id("dry-run-notice")).to_contain_text("Không có gì được ghi nhận")
        assert PushDelivery.objects.count() == 2
        screenshot(page, "push-dry-run")
    finally:
        receiver.close()
