"""The standing office closes a period after a confirmation naming what it locks, then
reopens it with a reason that the period's history keeps."""

import pytest
from playwright.sync_api import expect

from communes.models import AuditAction, AuditEntry, Commune, Role
from reporting.models import ReportingPeriod
from reporting.services import period_ensure
from tests.browser.conftest import log_in, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_period_is_closed_with_confirmation_and_reopened_with_a_reason(new_page, seeds):
    commune = Commune.objects.get(code="an-nong")
    office = person(Role.STANDING_OFFICE, commune=commune)
    period = period_ensure(commune, "202606")
    page = new_page()
    log_in(page, office.username)
    page.goto(f"/communes/an-nong/reporting/{period.code}/")
    units = page.get_by_test_id("review-table").locator("tbody tr").count()
    page.get_by_test_id("close-period").click()
    page.wait_for_load_state()
    consequence = page.get_by_test_id("consequence")
    expect(consequence).to_have_text(
        f"Khóa sổ kỳ Tháng 6/2026: {units} đơn vị sẽ không sửa hay gửi báo cáo được nữa."
    )
    screenshot(page, "period-close-confirmation")
    # Going back closes nothing.
    page.get_by_role("link", name="Hủy, quay lại").click()
    page.wait_for_load_state()
    assert not ReportingPeriod.objects.get(pk=period.pk).is_closed
    page.get_by_test_id("close-period").click()
    page.get_by_test_id("confirmation").get_by_role("button", name="Khóa sổ kỳ báo cáo").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("period-closed")).to_be_visible()
    assert ReportingPeriod.objects.get(pk=period.pk).is_closed

    page.get_by_label("Lý do mở lại kỳ báo cáo (bắt buộc)").fill(
        "Công an xã xin bổ sung số liệu tháng 6"
    )
    page.get_by_role("button", name="Mở lại kỳ báo cáo").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("close-period")).to_be_visible()
    assert not ReportingPeriod.objects.get(pk=period.pk).is_closed
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Công an xã xin bổ sung số liệu tháng 6")
    expect(history).to_contain_text("mở lại")
    screenshot(page, "period-reopened-history")
    entry = AuditEntry.objects.get(object_id=period.pk, action=AuditAction.REOPEN)
    assert entry.reason == "Công an xã xin bổ sung số liệu tháng 6"
