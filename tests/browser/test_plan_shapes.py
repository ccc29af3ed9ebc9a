"""The plan shapes of issue 14 item 4 as the standing office sees them: strict, every-year and
must-exist targets, a heading task over its sub-items, a collective lead, a deadline that waits
for an event, and a reporting schedule to complete."""

import pytest
from playwright.sync_api import expect

from communes.models import Commune, Role
from plans.writers import plan_indicators_write, plan_tasks_write
from reporting.models import ReportingSchedule
from reporting.services import schedules_from_duty
from tests.browser.conftest import log_in, screenshot
from tests.conftest import person
from tests.factories import PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_reads_the_shapes_of_its_plan(new_page, seeds):
    commune = Commune.objects.get(code="dien-quang")
    office = person(Role.STANDING_OFFICE, commune=commune)
    page = new_page()
    log_in(page, office.username)
    plan = PlanFactory(
        commune=commune,
        key="kh-shapes",
        title="Kế hoạch chuyển đổi số giai đoạn 2026 - 2030",
        period_start=2026,
        period_end=2030,
    )
    kinh_te = commune.units.get(short_name="Phòng Kinh tế")
    plan_indicators_write(
        plan=plan,
        groups=[{"numeral": "I", "title": "Hạ tầng số"}],
        indicators=[
            {"group": "I", "code": "1", "name": "Tỷ lệ hộ có cáp quang", "unit": "%",
             "targets": {"2026": "trên 40%", "2030": "> 60%"}, "lead": [kinh_te]},
            {"group": "I", "code": "2", "name": "Tỷ lệ hồ sơ trễ hạn", "unit": "%",
             "direction": "lower", "targets": {"2026": "dưới 5%"}, "lead": [kinh_te]},
            {"group": "I", "code": "3", "name": "Số mô hình chuyển đổi số", "unit": "Mô hình",
             "kind": "count", "targets": {"2026": "Mỗi năm có ít nhất 01 mô hình"}},
            {"group": "I", "code": "4", "name": "Trung tâm điều hành thông minh của xã",
             "kind": "milestone", "exists_by": 2030, "lead_text": "Các phòng chuyên môn"},
        ],
    )  # fmt: skip
    plan_tasks_write(
        plan=plan,
        sections=[{"numeral": "I", "title": "Chính quyền số"}],
        tasks=[
            {"section": "I", "code": "1", "heading": True,
             "name": "Các hệ thống thông tin phục vụ chính quyền số:"},
            {"section": "I", "code": "1.1", "parent": "1", "name": "Hệ thống hội nghị trực tuyến",
             "lead": [kinh_te], "deadline": "Quý IV/2026"},
            {"section": "I", "code": "1.2", "parent": "1", "name": "Truyền thanh thông minh",
             "lead": [kinh_te], "deadline": "Năm 2027"},
            {"section": "I", "code": "2", "name": "Ban hành Quy chế vận hành Trung tâm",
             "lead_text": "Các cơ quan, đơn vị có liên quan",
             "deadline": "Sau khi Trung tâm được thành lập"},
        ],
    )  # fmt: skip
    page.goto(f"/communes/dien-quang/plans/{plan.pk}/")
    targets = page.locator('[data-testid="indicator-table"]')
    expect(targets.locator('tr[data-code="1"] td.target').first).to_have_text("trên 40%")
    expect(targets.locator('tr[data-code="3"] td.target').first).to_contain_text("mỗi năm đến 2030")
    expect(targets.locator('tr[data-code="4"] td.target').last).to_have_text(
        "phải có trước hết năm"
    )
    tasks = page.locator('[data-testid="task-table"]')
    expect(tasks.locator('tr[data-code="1"]')).to_have_class("heading-row depth-0")
    expect(tasks.locator('tr[data-code="1.1"]')).to_have_class("depth-1")
    expect(tasks.locator('tr[data-code="2"] td.deadline')).to_contain_text(
        "khi có sự kiện: Trung tâm được thành lập"
    )
    expect(page.get_by_test_id("event-tasks")).to_have_text("1 thời hạn chờ sự kiện")
    screenshot(page, "plan-shapes-desktop")


def test_the_office_is_asked_to_complete_a_schedule_without_days(new_page, seeds):
    commune = Commune.objects.get(code="dien-quang")
    ReportingSchedule.objects.filter(commune=commune, kind="year").delete()
    schedules_from_duty(
        commune=commune, text="Báo cáo kết quả thực hiện định kỳ hàng năm hoặc đột xuất."
    )
    office = person(Role.STANDING_OFFICE, commune=commune)
    page = new_page()
    log_in(page, office.username)
    page.goto("/communes/dien-quang/reporting/schedule/")
    expect(page.get_by_test_id("schedule-incomplete-year")).to_contain_text("cần bổ sung")
    screenshot(page, "schedule-to-complete")
