"""The reporting journey in the browser: a clerk enters figures (one bad), corrects and submits;
the standing office returns it; the clerk sees the notification, corrects and resubmits; the
standing office approves; the figure shows on the plan page as the commune's."""

import re

import pytest
from playwright.sync_api import expect

from communes.models import Commune, Role
from indicators.models import Indicator
from reporting.services import period_ensure
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_led_entries(page):
    for box in page.locator('input[name$="_a"]').all():
        box.fill("86")
    for box in page.locator('input[name$="_b"]').all():
        box.fill("100")
    for select in page.locator('select[name$="_status"]').all():
        select.select_option("in_progress")


def test_unit_clerk_and_standing_office_journey(new_page, seeds):
    commune = Commune.objects.get(code="an-nong")
    centre = commune.units.get(short_name="Trung tâm phục vụ hành chính công")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=centre)
    office = person(Role.STANDING_OFFICE, commune=commune)
    period = period_ensure(commune, "202606")
    eight = Indicator.objects.get(plan__commune=commune, code="8")
    nine = Indicator.objects.get(plan__commune=commune, code="9")

    page = new_page()
    log_in(page, clerk.username)
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.locator(f'tr[data-code="{period.code}"] a', has_text=centre.short_name).click()
    page.wait_for_load_state()
    fill_led_entries(page)
    page.locator(f'input[name="ind_{eight.pk}_a"]').fill("35,4")
    page.locator(f'input[name="ind_{eight.pk}_b"]').fill("100")
    # The ratio is computed and shown as they type.
    assert page.get_by_test_id("ratio-8").inner_text() == "35,4% (35,4/100)"
    page.locator(f'input[name="ind_{nine.pk}_a"]').fill("abc")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    error = page.locator(f'[data-error-for="ind_{nine.pk}_a"]')
    assert "không phải là số" in error.inner_text()
    assert page.locator(f'input[name="ind_{nine.pk}_a"]').input_value() == "abc"  # kept as typed
    assert page.locator(f'input[name="ind_{eight.pk}_a"]').input_value() == "35,4"
    screenshot(page, "journey-1-bad-value")
    page.locator(f'input[name="ind_{nine.pk}_a"]').fill("86")
    page.get_by_role("button", name="Gửi Phòng VH-XH").click()
    page.wait_for_load_state()
    # A confirmation names what submitting does before anything is sent.
    assert "không sửa được nữa" in page.get_by_test_id("consequence").inner_text()
    page.get_by_test_id("confirmation").get_by_role("button", name="Gửi Phòng VH-XH").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "đã gửi"

    reviewer = new_page()
    log_in(reviewer, office.username)
    reviewer.goto(f"/communes/an-nong/reporting/{period.code}/")
    reviewer.locator(f'tr[data-unit="{centre.short_name}"] a').click()
    reviewer.wait_for_load_state()
    reviewer.get_by_label("Ý kiến gửi đơn vị (bắt buộc khi trả lại)").fill(
        "Chỉ tiêu 8: kiểm tra lại số hồ sơ đã số hóa."
    )
    reviewer.get_by_role("button", name="Trả lại đơn vị").click()
    reviewer.wait_for_load_state()
    assert reviewer.get_by_test_id("status").inner_text() == "đã trả lại"

    page.goto("/")
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_test_id("bell").click()
    item = page.get_by_test_id("notification-list").locator("li").first
    assert "bị trả lại" in item.inner_text() and "kiểm tra lại số hồ sơ" in item.inner_text()
    screenshot(page, "journey-2-notification")
    item.get_by_role("button", name="Mở").click()
    page.wait_for_load_state()
    assert "kiểm tra lại số hồ sơ" in page.get_by_test_id("review-comment").inner_text()
    page.locator(f'input[name="ind_{eight.pk}_a"]').fill("36")
    page.get_by_role("button", name="Gửi Phòng VH-XH").click()
    page.wait_for_load_state()
    # A confirmation names what submitting does before anything is sent.
    assert "không sửa được nữa" in page.get_by_test_id("consequence").inner_text()
    page.get_by_test_id("confirmation").get_by_role("button", name="Gửi Phòng VH-XH").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "đã gửi"

    reviewer.reload()
    reviewer.get_by_role("button", name="Duyệt").click()
    reviewer.wait_for_load_state()
    assert "số liệu sẽ bị khóa" in reviewer.get_by_test_id("consequence").inner_text()
    reviewer.get_by_test_id("confirmation").get_by_role("button", name="Duyệt").click()
    reviewer.wait_for_load_state()
    assert reviewer.get_by_test_id("status").inner_text() == "đã duyệt"
    screenshot(reviewer, "journey-3-approved")
    reviewer.goto(f"/communes/an-nong/plans/{eight.plan_id}/")
    assert re.match(r"36%\s*36/100", reviewer.get_by_test_id("actual-8").inner_text())
    screenshot(reviewer, "journey-4-plan-with-figures")


def test_autosave_keeps_typed_figures_across_a_reload(new_page, seeds):
    commune = Commune.objects.get(code="an-nong")
    centre = commune.units.get(short_name="Trung tâm phục vụ hành chính công")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=centre)
    period = period_ensure(commune, "202607")
    eight = Indicator.objects.get(plan__commune=commune, code="8")
    page = new_page(PHONE)
    log_in(page, clerk.username)
    page.goto(f"/communes/an-nong/reporting/{period.code}/units/{centre.pk}/")
    page.locator(f'input[name="ind_{eight.pk}_a"]').fill("1.250")
    page.locator(f'input[name="ind_{eight.pk}_b"]').fill("2.500")
    # expect() polls without evaluating a string in the page (the portal's CSP forbids eval).
    expect(page.locator("#autosave-status")).to_contain_text("Đã lưu nháp")
    page.reload()
    assert page.locator(f'input[name="ind_{eight.pk}_a"]').input_value() == "1.250"
    assert page.get_by_test_id("ratio-8").inner_text().startswith("50%")
    screenshot(page, "entry-phone")


def test_lost_connection_keeps_input_on_the_computer(new_page, seeds):
    commune = Commune.objects.get(code="an-nong")
    centre = commune.units.get(short_name="Trung tâm phục vụ hành chính công")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=centre)
    period = period_ensure(commune, "202608")
    eight = Indicator.objects.get(plan__commune=commune, code="8")
    page = new_page()
    log_in(page, clerk.username)
    url = f"/communes/an-nong/reporting/{period.code}/units/{centre.pk}/"
    page.goto(url)
    page.context.set_offline(True)
    page.locator(f'input[name="ind_{eight.pk}_a"]').fill("777")
    expect(page.locator("#autosave-status")).to_contain_text("Mất kết nối")
    page.context.clear_cookies()  # and the session expires meanwhile
    page.context.set_offline(False)
    expect(page.locator("#autosave-status")).to_contain_text("hết hạn")
    log_in(page, clerk.username)
    page.goto(url)
    assert page.locator(f'input[name="ind_{eight.pk}_a"]').input_value() == "777"
    assert "Đã khôi phục" in page.locator("#autosave-status").inner_text()
