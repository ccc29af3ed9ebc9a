"""The plan as a standing office clerk and a province officer see it, at 1366×768 and on a phone."""

import pytest

from communes.models import Commune, Role
from tests.browser.conftest import DESKTOP, PHONE, log_in, open_from_menu, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport,label", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_standing_office_logs_in_and_reads_the_plan(new_page, seeds, viewport, label):
    commune = Commune.objects.get(code="dien-quang")
    user = person(Role.STANDING_OFFICE, commune=commune)
    page = new_page(viewport)
    log_in(page, user.username)
    assert page.get_by_role("heading", level=1).inner_text() == "Việc cần làm Xã Điền Quang"
    open_from_menu(page, "Kế hoạch")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Xã Điền Quang")
    page.get_by_role("link", name="Thực hiện phát triển khoa học").click()
    page.wait_for_load_state()
    indicator_rows = page.locator('[data-testid="indicator-table"] tr[id^="indicator-"]')
    assert indicator_rows.count() == 21
    assert page.locator('[data-testid="task-table"] tr[id^="task-"]').count() == 9
    assert (
        page.locator('[data-testid="indicator-table"] tr[data-code="1"] td.target').inner_text()
        == "50%"
    )
    screenshot(page, f"plan-dien-quang-{label}")


def test_province_officer_lists_its_communes(new_page, seeds):
    commune = Commune.objects.get(code="dien-quang")
    user = person(Role.PROVINCE_OFFICER, province=commune.province)
    page = new_page()
    log_in(page, user.username)
    page.get_by_role("link", name="Các xã trong tỉnh").first.click()
    page.wait_for_load_state()
    names = page.locator('[data-testid="commune-table"] tbody tr td:first-child').all_inner_texts()
    assert names == ["Xã An Nông", "Xã Điền Quang"]
    screenshot(page, "province-thanh-hoa")
    page.get_by_role("link", name="Xã An Nông").click()
    page.get_by_role("link", name="Phát triển khoa học, công nghệ").first.click()
    page.wait_for_load_state()
    assert page.locator('tr[data-code="3a"]').count() == 1
    screenshot(page, "plan-an-nong-kh28")


def test_truong_giang_plan_with_five_milestone_years(new_page, seeds):
    commune = Commune.objects.get(code="truong-giang")
    user = person(Role.COMMUNE_LEADER, commune=commune)
    page = new_page()
    log_in(page, user.username)
    open_from_menu(page, "Kế hoạch")
    page.locator(".cards.plans a").first.click()
    page.wait_for_load_state()
    years = page.locator('[data-testid="indicator-table"] thead th.year').all_inner_texts()
    assert years == ["2025", "2030", "2035", "2040", "2045"]
    screenshot(page, "plan-truong-giang-desktop")
