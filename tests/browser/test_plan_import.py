"""A new commune's standing office brings its plan in from its Word file: upload, fix a flagged
row on the review page, save as a draft, put it in force, see it on the plan page."""

from pathlib import Path

import pytest

from communes.models import Role
from onboarding.models import PlanImport
from plans.models import Plan, PlanStatus
from tests.browser.conftest import log_in, open_from_menu, screenshot
from tests.conftest import person
from tests.onboarding.comparison import commune_with_seed_units

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN_FILE = Path(__file__).resolve().parents[1] / "data" / "plans" / "dien-quang-kh-2025.docx"


class Effort:
    """What the clerk had to do: clicks and fields filled (the login form counts too)."""

    def __init__(self):
        self.clicks = self.fields = 0

    def click(self, locator):
        self.clicks += 1
        locator.click()
        locator.page.wait_for_load_state()

    def fill(self, locator, value):
        self.fields += 1
        locator.fill(value)


def test_standing_office_imports_its_plan_and_puts_it_in_force(new_page, seeds):
    commune = commune_with_seed_units("dien-quang", code="dien-quang-moi")
    office = person(Role.STANDING_OFFICE, commune=commune)
    effort = Effort()
    page = new_page()
    log_in(page, office.username)
    effort.fields, effort.clicks = 2, 1  # user name, password; «Đăng nhập»
    # Home is the office's to-do page; the plans are one click away in the commune menu.
    open_from_menu(page, "Kế hoạch")
    effort.clicks += 1
    assert page.get_by_role("heading", level=1).inner_text().startswith("Xã Điền Quang")
    assert "Chưa có kế hoạch nào" in page.content() or not Plan.objects.filter(commune=commune)

    effort.click(page.get_by_role("link", name="Nhập kế hoạch từ tệp"))
    assert page.get_by_role("heading", level=1).inner_text() == "Nhập kế hoạch từ tệp"
    screenshot(page, "plan-import-upload")
    effort.fields += 1
    page.get_by_label("Tệp kế hoạch (.docx hoặc .xlsx)").set_input_files(str(PLAN_FILE))
    effort.click(page.get_by_role("button", name="Đọc tệp"))

    summary = page.get_by_test_id("import-summary").inner_text()
    assert summary == "21 chỉ tiêu · 9 nhiệm vụ · 7 dòng cần kiểm tra · 0 dòng bỏ qua", summary
    screenshot(page, "plan-import-review")
    tasks = page.get_by_test_id("task-rows").get_by_test_id("review-row")
    first = tasks.first
    assert first.get_attribute("data-flagged") == "1"  # flagged rows first
    code = first.get_attribute("data-code")
    assert "không chỉ một đơn vị cụ thể" in first.get_by_test_id("row-flags").inner_text()

    effort.click(first.locator("summary", has_text="Sửa"))
    effort.fill(first.get_by_label("Đơn vị chủ trì"), "Phòng Kinh tế")
    effort.fill(first.get_by_label("Đơn vị phối hợp"), "Công an xã")
    screenshot(page, "plan-import-row-correcting")
    effort.click(first.get_by_role("button", name="Lưu dòng này"))
    assert f"Đã sửa dòng {code}." in page.get_by_role("status").inner_text()
    summary = page.get_by_test_id("import-summary").inner_text()
    assert "6 dòng cần kiểm tra" in summary, summary
    fixed = page.locator(f'[data-testid="task-rows"] [data-code="{code}"]')
    assert fixed.get_attribute("data-flagged") is None
    assert "Phòng Kinh tế" in fixed.inner_text()
    screenshot(page, "plan-import-row-fixed")

    effort.click(page.get_by_role("button", name="Lưu thành bản nháp").first)
    assert "Đã lưu thành bản nháp kế hoạch" in page.get_by_role("status").inner_text()
    assert page.get_by_test_id("plan-status").text_content() == "nháp"
    screenshot(page, "plan-import-draft")

    effort.click(page.get_by_role("button", name="Đưa vào hiệu lực"))
    assert "Kế hoạch đã được đưa vào hiệu lực." in page.get_by_role("status").inner_text()
    # In force; a 2025 plan read after 2025 shows as «hết hiệu lực», the truth of the day.
    plan = Plan.objects.get(commune=commune)
    assert plan.status == PlanStatus.IN_FORCE
    assert page.get_by_test_id("plan-status").text_content() == str(plan.standing.label)
    assert page.get_by_test_id("in-force-form").count() == 0
    if plan.standing != PlanStatus.IN_FORCE:  # said in words, not left to a puzzled clerk
        assert "không phải giai đoạn hiện nay" in page.get_by_role("status").first.inner_text()
    assert page.locator('[data-testid="indicator-table"] tr[id^="indicator-"]').count() == 21
    assert page.locator('[data-testid="task-table"] tr[id^="task-"]').count() == 9
    screenshot(page, "plan-import-in-force")

    assert PlanImport.objects.get(commune=commune).plan == plan
    task = plan.tasks.get(code=code)
    assert [unit.short_name for unit in task.lead_units.all()] == ["Phòng Kinh tế"]
    print(
        f"\nplan import journey: {effort.clicks} clicks, {effort.fields} fields filled "
        f"(21 indicators, 9 tasks)"
    )


def test_office_maps_an_unknown_header_once_and_the_next_file_is_read_without_asking(
    new_page, seeds, tmp_path
):
    from onboarding.models import ColumnMapping
    from tests.onboarding.test_mapping import ODD_HEADER, odd_plan

    commune = commune_with_seed_units("dien-quang", code="dien-quang-moi")
    office = person(Role.STANDING_OFFICE, commune=commune)
    first = tmp_path / "ke-hoach-1.docx"
    first.write_bytes(odd_plan())
    page = new_page()
    log_in(page, office.username)
    open_from_menu(page, "Kế hoạch")
    page.get_by_role("link", name="Nhập kế hoạch từ tệp").click()
    page.get_by_label("Tệp kế hoạch (.docx hoặc .xlsx)").set_input_files(str(first))
    page.get_by_role("button", name="Đọc tệp").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Ghép cột"
    table = page.get_by_test_id("mapping-table")
    columns = table.get_by_test_id("mapping-column")
    assert columns.count() == len(ODD_HEADER)
    assert "Số hóa hồ sơ hộ tịch" in columns.nth(1).inner_text()  # sample values shown
    table.get_by_label("Bảng này ghi").select_option("tasks")
    for header, field in zip(
        ODD_HEADER, ["code", "name", "lead", "support", "deadline"], strict=True
    ):
        table.get_by_label(header, exact=True).select_option(field)
    screenshot(page, "plan-import-columns")
    page.get_by_role("button", name="Đọc tệp theo các cột này").click()

    assert "Đã ghép các cột" in page.get_by_role("status").inner_text()
    summary = page.get_by_test_id("import-summary").inner_text()
    assert summary.startswith("0 chỉ tiêu · 2 nhiệm vụ"), summary
    codes = page.get_by_test_id("task-rows").get_by_test_id("review-row")
    assert sorted(codes.nth(n).get_attribute("data-code") for n in range(2)) == ["1", "2"]
    assert ColumnMapping.objects.filter(commune=commune).count() == 1

    # The next file with the same header: straight to the review, nothing asked.
    second = tmp_path / "ke-hoach-2.docx"
    second.write_bytes(odd_plan(rows=[["1", "Lắp camera an ninh", "Công an xã", "", "Năm 2027"]]))
    page.goto(f"/communes/{commune.code}/plans/import/")
    page.get_by_label("Tệp kế hoạch (.docx hoặc .xlsx)").set_input_files(str(second))
    page.get_by_role("button", name="Đọc tệp").click()
    assert page.get_by_role("heading", level=1).inner_text() != "Ghép cột"
    summary = page.get_by_test_id("import-summary").inner_text()
    assert summary.startswith("0 chỉ tiêu · 1 nhiệm vụ"), summary
    screenshot(page, "plan-import-after-mapping")
