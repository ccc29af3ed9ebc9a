"""A Word plan printed with the shapes of issue 14 item 4 imports into them: milestone sections
with strict, every-year and valueless rows; heading tasks with sub-items, a collective lead and a
deadline conditional on an event. What the parsers cannot read stays as printed and flagged."""

import pytest

from communes.models import UnitKind
from onboarding.importer import plan_file_read
from onboarding.services import plan_import_commit
from tests.factories import CommuneFactory, UnitFactory
from tests.onboarding.documents import HEAD, docx_bytes

pytestmark = pytest.mark.django_db

INDICATOR_HEADER = ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Chỉ tiêu", "Đơn vị chủ trì"]
TASK_HEADER = ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"]


def shapes_file() -> bytes:
    indicators = [
        ["", "Đến hết năm 2026", "", "", ""],
        ["1", "Tỷ lệ hộ gia đình có cáp quang", "%", "trên 40%", "Phòng Kinh tế"],
        ["2", "Tỷ lệ hồ sơ trễ hạn", "%", "dưới 5%", "Phòng Kinh tế"],
        ["3", "Số mô hình chuyển đổi số", "Mô hình", "Mỗi năm có ít nhất 01 mô hình", ""],
        ["4", "Số sáng kiến", "Sáng kiến", "rất nhiều", "Phòng Kinh tế"],
        ["", "Đến hết năm 2030", "", "", ""],
        ["1", "Tỷ lệ hộ gia đình có cáp quang", "%", "> 60%", "Phòng Kinh tế"],
        ["5", "Trung tâm điều hành thông minh của xã", "", "", "Phòng Kinh tế"],
    ]
    tasks = [
        ["1", "Các hệ thống thông tin phục vụ chính quyền số:", "", "", ""],
        ["1.1", "Hệ thống hội nghị trực tuyến", "Phòng Kinh tế", "", "Quý IV/2026"],
        ["1.2", "Hệ thống truyền thanh thông minh", "Phòng Kinh tế", "", "Năm 2027"],
        ["2", "Ban hành Quy chế", "Các phòng chuyên môn", "", "Sau khi Kế hoạch được ban hành"],
        ["3", "Tập huấn", "Phòng Kinh tế", "", "tùy tình hình"],
    ]
    return docx_bytes(
        *HEAD,
        "KẾ HOẠCH",
        "Chuyển đổi số giai đoạn 2026 - 2030",
        "PHỤ LỤC I",
        {"rows": [INDICATOR_HEADER, *indicators]},
        "PHỤ LỤC II",
        {"rows": [TASK_HEADER, *tasks]},
    )


@pytest.fixture
def commune():
    commune = CommuneFactory(name="Thử Nghiệm")
    UnitFactory(commune=commune, short_name="Phòng VH-XH", kind=UnitKind.STANDING_OFFICE)
    UnitFactory(commune=commune, short_name="Phòng Kinh tế", kind=UnitKind.DEPARTMENT)
    return commune


def test_the_shapes_are_read_and_what_cannot_be_read_is_flagged(commune):
    imported = plan_file_read(shapes_file(), name="kh.docx", commune=commune)
    by_code = {item.code: item for item in imported.indicators}
    assert by_code["1"].targets == {2026: "trên 40%", 2030: "> 60%"}
    assert by_code["3"].targets == {2026: "Mỗi năm có ít nhất 01 mô hình"}
    assert (by_code["5"].targets, by_code["5"].exists_by) == ({}, 2030)
    flagged = {(flag.row, flag.field) for flag in imported.flags}
    four, five = by_code["4"].rows[0], by_code["5"].rows[0]
    assert (four, "targets.2026") in flagged  # "rất nhiều": kept as printed, flagged
    assert (five, "targets") in flagged  # "must exist by 2030": to confirm
    tasks = {task.code: task for task in imported.tasks}
    assert tasks["1"].heading and tasks["1.1"].parent == tasks["1.2"].parent == "1"
    assert tasks["2"].lead.collectives() == ["Các phòng chuyên môn"]
    assert (tasks["2"].rows[0], "deadline") not in flagged  # an event deadline is read
    assert (tasks["3"].rows[0], "deadline") in flagged  # "tùy tình hình" is not


def test_committing_keeps_each_shape_in_the_model(commune):
    imported = plan_file_read(shapes_file(), name="kh.docx", commune=commune)
    plan = plan_import_commit(actor=None, commune=commune, imported=imported)
    assert (plan.period_start, plan.period_end) == (2026, 2030)
    readings = {
        (target.indicator.code, target.year): (target.comparator, target.value, target.until_year)
        for target in plan.indicators.get(code="1").targets.select_related("indicator")
    } | {
        (target.indicator.code, target.year): (target.comparator, target.value, target.until_year)
        for target in plan.indicators.get(code="3").targets.select_related("indicator")
    }
    assert readings == {
        ("1", 2026): ("gt", 40, None),
        ("1", 2030): ("gt", 60, None),
        ("3", 2026): ("gte", 1, 2030),  # every year up to the plan's end
    }
    centre = plan.indicators.get(code="5")
    assert list(centre.targets.values_list("year", "comparator", "text")) == [(2030, "exists", "")]
    assert centre.measure_kind == "milestone"
    unreadable = plan.indicators.get(code="4").targets.get()
    assert (unreadable.text, unreadable.comparator) == ("rất nhiều", "text")

    tasks = {task.code: task for task in plan.tasks.select_related("parent")}
    assert tasks["1"].is_heading and not tasks["1.1"].is_heading
    assert tasks["1.1"].parent == tasks["1"] and tasks["1.2"].parent == tasks["1"]
    assert (tasks["2"].lead_text, list(tasks["2"].lead_units.all())) == (
        "Các phòng chuyên môn",
        [],
    )
    assert (tasks["2"].deadline_kind, tasks["2"].deadline_flagged) == ("event", False)
    assert (tasks["3"].deadline_text, tasks["3"].deadline_flagged) == ("tùy tình hình", True)
