"""Tables read as a person reads them, in files shaped like the ones communes issue."""

import pytest

from indicators.models import MeasureKind
from onboarding.headers import ColumnMap
from onboarding.importer import plan_file_read
from tests.onboarding.documents import HEAD, docx_bytes, indicator_plan, xlsx_bytes

pytestmark = pytest.mark.django_db


def _by_code(imported):
    return {item.code: item for item in imported.indicators}


def test_head_number_date_issuer_signer():
    data = docx_bytes(
        *HEAD,
        "KẾ HOẠCH",
        "Chuyển đổi số năm 2026",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn An",
        {
            "rows": [
                ["TT", "Tên nhiệm vụ", "Đơn vị chủ trì", "Thời gian"],
                ["1", "Việc", "Phòng Kinh tế", "Quý IV/2026"],
            ]
        },
    )
    head = plan_file_read(data).head
    assert head.as_json() | {} == {
        "document_number": "12/KH-UBND",
        "issue_date": "2026-03-05",
        "title": "Chuyển đổi số năm 2026",
        "issuing_body": "UBND xã Thử Nghiệm",
        "signer_name": "Nguyễn Văn An",
        "document_type": "KH",
        "issue_date_text": "",
        "signing_authority": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "attached_to": "",
        "reporting_duty": "",
    }


def test_signature_block_in_a_table_beside_the_recipients():
    signature = {
        "rows": [
            ["Nơi nhận:\n- Như trên;\n- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nTrần Văn Bình"]
        ]
    }
    tasks = {"rows": [["TT", "Nhiệm vụ", "Đơn vị chủ trì"], ["1", "Việc", "Phòng Kinh tế"]]}
    head = plan_file_read(docx_bytes(*HEAD, "KẾ HOẠCH", "Việc năm 2026", signature, tasks)).head
    assert (head.signing_authority, head.signer_title, head.signer_name) == (
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Trần Văn Bình",
    )


def test_blank_number_and_day_stay_blank():
    data = docx_bytes(
        "Số:   /KH-UBND",
        "Thử Nghiệm, ngày    tháng 3 năm 2026",
        "KẾ HOẠCH",
        "Chuyển đổi số năm 2026",
        {"rows": [["TT", "Nhiệm vụ", "Đơn vị chủ trì"], ["1", "Việc", "Phòng Kinh tế"]]},
    )
    head = plan_file_read(data).head
    assert head.document_number == "…/KH-UBND"
    assert head.issue_date is None
    assert head.issue_date_text == "ngày tháng 3 năm 2026"
    assert head.issuing_body == ""  # not printed: left blank, and flagged


def test_messy_header_two_rows_merged_years_and_column_numbers():
    """Stray spaces and capitals, a merged "Kết quả" over the years, a "(1) (2) …" row."""
    header_1 = [
        " S TT ",
        "NỘI DUNG  CHỈ TIÊU",
        "Đơn vị",
        "Kết quả",
        "",
        "",
        "Cơ quan chủ trì theo dõi, đánh giá",
    ]
    header_2 = ["", "", "", "Năm 2025", "Đến năm 2030", "2035", ""]
    numbers = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"]
    rows = [
        header_1,
        header_2,
        numbers,
        ["1", "Tỷ lệ hộ có cáp quang", "%", "≥ 50", "80", "100", "Phòng Văn hóa - Xã hội"],
        ["2", "Số doanh nghiệp số", "Doanh nghiệp", "1.250", "2", "3", ""],
    ]
    merge = [(0, 3, 0, 5), (0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 6, 1, 6)]
    imported = plan_file_read(docx_bytes("Chuyển đổi số", {"rows": rows, "merge": merge}))
    items = _by_code(imported)
    assert list(items) == ["1", "2"]
    assert items["1"].targets == {2025: "≥ 50", 2030: "80", 2035: "100"}
    assert items["1"].lead.labels() == ["Phòng Văn hóa - Xã hội"]
    assert items["2"].targets[2025] == "1.250"  # as printed, dots and all
    assert items["2"].kind == MeasureKind.COUNT


def test_groups_lead_merged_down_and_table_split_without_header():
    """A group title merged across the row, a lead merged down three rows, a page break that
    splits the table (no repeated header) and leaves the end of a name on a row of its own."""
    first = {
        "rows": [
            ["TT", "Nội dung chỉ tiêu", "Đơn vị tính", "Chỉ tiêu", "Đơn vị chủ trì"],
            ["I", "HẠ TẦNG SỐ", "", "", ""],
            ["1", "Tỷ lệ phủ sóng 5G", "%", "50%", "Phòng Kinh tế"],
            ["2", "Tỷ lệ hộ có cáp quang", "%", "60%", ""],
            ["3", "Tỷ lệ thôn có wifi công cộng trên", "%", "40%", ""],
        ],
        "merge": [(1, 1, 1, 4), (2, 4, 4, 4)],
    }
    second = {
        "rows": [
            ["", "địa bàn xã", "", "", ""],
            ["4", "Số điểm hỗ trợ số", "Điểm", "5", "Công an xã"],
        ]
    }
    imported = plan_file_read(
        docx_bytes(*HEAD, "KẾ HOẠCH", "Chuyển đổi số năm 2026", first, "", second)
    )
    items = _by_code(imported)
    assert [(g.numeral, g.title) for g in imported.groups] == [("I", "HẠ TẦNG SỐ")]
    assert [item.lead.labels() for item in items.values()] == [
        ["Phòng Kinh tế"],
        ["Phòng Kinh tế"],
        ["Phòng Kinh tế"],
        ["Công an xã"],
    ]
    assert items["3"].name == "Tỷ lệ thôn có wifi công cộng trên địa bàn xã"
    assert items["3"].rows == ["T1:R5", "T2:R1"]
    assert {item.targets[2026] for item in items.values()} == {"50%", "60%", "40%", "5"}


def test_repeated_header_over_page_breaks_joins_the_tables():
    header = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"]
    one = {
        "rows": [
            header,
            ["I", "Văn bản", "", "", ""],
            ["1", "Ban hành kế hoạch", "Phòng Kinh tế", "", "Quý I/2026"],
        ],
        "merge": [(1, 1, 1, 4)],
    }
    two = {
        "rows": [
            header,
            ["", "và tổ chức thực hiện", "", "", ""],
            ["2", "Tập huấn", "Phòng Kinh tế", "", "Hàng năm"],
        ]
    }
    imported = plan_file_read(docx_bytes("KẾ HOẠCH", "Chuyển đổi số năm 2026", one, two))
    assert [(t.section, t.code, t.name) for t in imported.tasks] == [
        ("I", "1", "Ban hành kế hoạch và tổ chức thực hiện"),
        ("I", "2", "Tập huấn"),
    ]


def test_milestone_sections_merge_into_one_indicator_with_a_target_per_year():
    rows = [
        ["", "Đến hết năm 2030", "", "", ""],
        ["1", "Tỷ lệ hộ dùng cáp quang", "%", "80%", "Phòng Kinh tế"],
        ["2", "Số doanh nghiệp số", "Doanh nghiệp", "10", "Phòng Kinh tế"],
        ["", "Đến hết năm 2035", "", "", ""],
        ["1", "Tỷ lệ hộ gia đình dùng cáp quang", "%", "95%", "Phòng Kinh tế"],
        ["2", "Số doanh nghiệp số", "Doanh nghiệp", "20", "Phòng Kinh tế"],
    ]
    imported = plan_file_read(indicator_plan(rows, caption="PHỤ LỤC I CHỈ TIÊU"))
    items = _by_code(imported)
    assert items["1"].targets == {2030: "80%", 2035: "95%"}
    assert items["2"].targets == {2030: "10", 2035: "20"}
    assert items["1"].rows == ["T1:R3", "T1:R6"]
    # The wording changed between sections: the merge is flagged for the office to confirm.
    merges = [flag for flag in imported.flags if flag.field == "merge"]
    assert [flag.row for flag in merges] == ["T1:R6"]
    # The milestone rows land nowhere but are listed, with what they did.
    assert [flag.message for flag in imported.skipped] == [
        "Dòng mốc thời gian: các chỉ tiêu bên dưới là của năm 2030.",
        "Dòng mốc thời gian: các chỉ tiêu bên dưới là của năm 2035.",
    ]


def test_a_milestone_row_without_value_must_exist_by_that_year_and_is_flagged():
    rows = [
        ["", "Đến hết năm 2030", "", "", ""],
        ["1", "Trung tâm điều hành thông minh của xã", "Trung tâm", "", "Phòng Kinh tế"],
        ["2", "Báo cáo chỉ số chuyển đổi số của xã", "", "", "Phòng Kinh tế"],
    ]
    imported = plan_file_read(indicator_plan(rows))
    centre, report = imported.indicators
    # Nothing is printed, so no target text; the row is read as "must exist by 2030".
    assert (centre.targets, centre.exists_by) == ({}, 2030)
    assert (report.exists_by, report.kind) == (2030, "milestone")
    assert imported.as_json()["indicators"][0]["exists_by"] == 2030
    assert [f.message for f in imported.flags if f.field == "targets" and f.row == "T1:R3"] == [
        "Không ghi chỉ tiêu dưới mốc 2030: đọc là «phải có trước hết năm 2030» (đạt khi báo cáo đã hoàn thành); đề nghị kiểm tra."
    ]


def test_sub_items_headings_kinds_and_ab():
    rows = [
        ["1", "Hạ tầng số", "", "", ""],
        ["1.1", "Tỷ lệ hộ có cáp quang", "%", "80", "Phòng Kinh tế"],
        ["2", "a, Tỷ lệ người dân dùng dịch vụ số trong y tế", "%", "70%", "Trạm Y tế"],
        ["", "b, Tỷ lệ người dân dùng dịch vụ số trong giáo dục", "%", "60%", "Trường học"],
        ["3", "Chi cho chuyển đổi số", "%GRDP", "≥ 1,5", ""],
        ["4", "Chi ngân sách cho khoa học", "% tổng chi NSNN", "2", ""],
        ["5", "Bác sĩ trên vạn dân", "Người/01 vạn dân", "≥ 10", ""],
        ["6", "Báo cáo chỉ số thương mại điện tử", "Báo cáo", "Xây dựng báo cáo hằng năm", ""],
        ["7", "Trung tâm điều hành thông minh", "Hoàn thành", "X", ""],
        ["8", "Số sáng kiến được công nhận", "Sáng kiến", "abc", ""],
    ]
    items = _by_code(plan_file_read(indicator_plan(rows)))
    assert items["1"].heading and items["1.1"].parent == "1"
    assert items["2"].heading and [items["2a"].parent, items["2b"].parent] == ["2", "2"]
    assert items["2a"].name == "Tỷ lệ người dân dùng dịch vụ số trong y tế"
    assert {code: item.kind for code, item in items.items() if not item.heading} == {
        "1.1": MeasureKind.PERCENT,
        "2a": MeasureKind.PERCENT,
        "2b": MeasureKind.PERCENT,
        "3": MeasureKind.SHARE_GRDP,
        "4": MeasureKind.SHARE_BUDGET,
        "5": MeasureKind.RATE_PER_10K,
        "6": MeasureKind.TEXT,
        "7": MeasureKind.MILESTONE,
        "8": MeasureKind.COUNT,
    }


def test_a_and_b_from_the_method_cell():
    header = ["STT", "Tên chỉ tiêu", "Chỉ tiêu cấp xã", "Phương pháp tính"]
    rows = [
        [
            "1",
            "Tỷ lệ hồ sơ số hóa",
            "90%",
            "Tỷ lệ: a/b x 100, trong đó: - a: Số hồ sơ được số hóa - b: Tổng số hồ sơ - Nguồn số liệu: Hệ thống TTHC",
        ]
    ]
    item = plan_file_read(indicator_plan(rows, header=header)).indicators[0]
    assert (
        item.unit,
        item.kind,
        item.formula,
        item.numerator,
        item.denominator,
        item.data_source,
    ) == (
        "%",
        MeasureKind.PERCENT,
        "Tỷ lệ: a/b x100",
        "Số hồ sơ được số hóa",
        "Tổng số hồ sơ",
        "Hệ thống TTHC",
    )
    assert item.targets == {2026: "90%"}  # the year from the appendix title


def test_unreadable_text_is_kept_and_flagged():
    rows = [["1", "Số sáng kiến", "Sáng kiến", "rất nhiều", "Phòng Kinh tế"]]
    imported = plan_file_read(indicator_plan(rows))
    assert imported.indicators[0].targets == {2026: "rất nhiều"}
    assert ("T1:R2", "targets.2026") in {(flag.row, flag.field) for flag in imported.flags}
    tasks = docx_bytes(
        "KẾ HOẠCH",
        "Việc năm 2026",
        {
            "rows": [
                ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Kinh phí", "Thời hạn"],
                ["1", "Việc", "Phòng Kinh tế", "một trăm", "tùy tình hình"],
                ["2", "Việc khác", "Phòng Kinh tế", "", "sau khi được thành lập"],
            ]
        },
    )
    imported = plan_file_read(tasks)
    assert (imported.tasks[0].deadline, imported.tasks[0].budget) == ("tùy tình hình", "một trăm")
    assert {flag.field for flag in imported.flags} >= {"deadline", "budget"}
    # A deadline conditional on an event is read (its own kind), kept as printed, not flagged.
    assert imported.tasks[1].deadline == "sau khi được thành lập"
    assert ("T1:R3", "deadline") not in {(flag.row, flag.field) for flag in imported.flags}


def test_target_printed_in_the_unit_column():
    rows = [["1", "Tỷ lệ hộ có cáp quang", "50%", "", "Phòng Kinh tế"]]
    imported = plan_file_read(indicator_plan(rows))
    item = imported.indicators[0]
    assert (item.unit, item.targets) == ("", {2026: "50%"})
    assert "unit" in {flag.field for flag in imported.flags}


def test_repeated_code_is_listed_not_merged_silently():
    rows = [["1", "Tỷ lệ A", "%", "50%", ""], ["1", "Tỷ lệ B", "%", "60%", ""]]
    imported = plan_file_read(indicator_plan(rows))
    assert [item.name for item in imported.indicators] == ["Tỷ lệ A"]
    assert [flag.row for flag in imported.skipped] == ["T1:R3"]


def test_a_column_map_reads_a_table_whose_header_is_not_recognised():
    table = {"rows": [["Số", "Việc phải làm", "Ai làm"], ["1", "Tập huấn", "Phòng Kinh tế"]]}
    data = docx_bytes("KẾ HOẠCH", "Việc năm 2026", table)
    mapping = ColumnMap(kind="tasks", columns={"code": 0, "name": 1, "lead": 2}, header_rows=1)
    imported = plan_file_read(data, column_maps={1: mapping})
    assert [(task.code, task.name, task.lead.labels()) for task in imported.tasks] == [
        ("1", "Tập huấn", ["Phòng Kinh tế"])
    ]
    assert ColumnMap.from_json(mapping.as_json()) == mapping


def test_excel_with_merged_header_and_percent_cells():
    rows = [
        ["PHỤ LỤC CHỈ TIÊU"],
        ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Kết quả", None, "Đơn vị chủ trì"],
        [None, None, None, "Năm 2026", "Năm 2030", None],
        [1, "Tỷ lệ hộ có cáp quang", "%", 0.5, 0.8, "Phòng Kinh tế"],
        [2, "Số doanh nghiệp số", "Doanh nghiệp", 12.5, 20, "Phòng Kinh tế"],
    ]
    data = xlsx_bytes(
        {"Chỉ tiêu": rows}, {"Chỉ tiêu": ["D2:E2", "A2:A3", "B2:B3", "C2:C3", "F2:F3"]}
    )
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for cell in ("D4", "E4"):
        workbook["Chỉ tiêu"][cell].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    items = _by_code(plan_file_read(buffer.getvalue(), name="plan.xlsx"))
    assert items["1"].targets == {2026: "50%", 2030: "80%"}
    assert items["2"].targets == {2026: "12,5", 2030: "20"}
