"""An Nông's standing office in the browser: from the menu to the movement, its 2026 ranking with
the reasons of the points, a unit's page where it adjusts the score (a refused adjustment first),
and the rating table's files."""

from __future__ import annotations

import pytest
import time_machine

from tests.browser.conftest import log_in, open_from_menu, screenshot
from tests.emulation.conftest import AFTER_DEADLINE, an_nong  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_page(new_page):
    def make():
        page = new_page()
        page.set_default_timeout(90_000)
        page.set_default_navigation_timeout(90_000)
        return page

    return make


def test_the_office_ranks_adjusts_and_downloads(open_page, an_nong):  # noqa: F811
    office = an_nong["office"]
    office.set_password("pass-for-tests-1")
    office.save()
    with time_machine.travel(AFTER_DEADLINE, tick=True):
        page = open_page()
        log_in(page, office.username)
        page.goto(f"/communes/{an_nong['commune'].code}/")
        open_from_menu(page, "Thi đua")
        page.get_by_role("link", name="Bảng xếp hạng").first.click()
        page.wait_for_load_state()
        table = page.get_by_test_id("ranking-table").first
        assert "Chỉ tiêu 8: đạt 85% kế hoạch → 8,5/10 điểm" in table.inner_text()
        screenshot(page, "emulation-ranking")
        page.get_by_role("link", name="Phòng Kinh tế").click()
        page.wait_for_load_state()
        page.get_by_label("Điểm cộng").fill("-20")
        page.get_by_label("Lý do").fill("Vi phạm chế độ báo cáo")
        page.get_by_role("button", name="Điều chỉnh").click()
        page.wait_for_load_state()
        assert "phải nằm trong khoảng từ 0 đến 31 điểm" in page.content()
        page.get_by_label("Điểm cộng").fill("5")
        page.get_by_label("Lý do").fill("Khen thưởng đột xuất của tỉnh")
        page.get_by_role("button", name="Điều chỉnh").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("score").inner_text() == "56,45"
        assert "Khen thưởng đột xuất của tỉnh" in page.get_by_test_id("history").inner_text()
        assert (
            "+5 điểm: Khen thưởng đột xuất của tỉnh"
            in page.get_by_test_id("adjustments").inner_text()
        )
        screenshot(page, "emulation-unit")
        page.get_by_role("link", name="Bảng xếp hạng · Năm 2026").click()
        page.wait_for_load_state()
        with page.expect_download() as download:
            page.get_by_test_id("rating-xlsx").click()
        assert download.value.suggested_filename == "xep-loai-thi-dua-an-nong-2026.xlsx"
