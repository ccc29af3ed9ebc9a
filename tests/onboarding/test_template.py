"""The Excel template of a plan (issue 14, item 5): written from a seed plan and read back
through the same importer as any .xlsx, errors named by cell and marked in the workbook, and
the empty template downloaded by the standing office."""

import io

import openpyxl
import pytest
from django.urls import reverse

from indicators.models import MeasureKind
from onboarding.importer import plan_file_read
from onboarding.services import plan_import_commit
from onboarding.template import (
    HEAD_ROWS,
    HEAD_SHEET,
    INDICATORS_SHEET,
    TASKS_SHEET,
    UNITS_SHEET,
    plan_template_errors_marked,
    plan_template_workbook,
)
from tests.onboarding.comparison import commune_with_seed_units, plan_differences, seed_plan

pytestmark = pytest.mark.django_db


def _column(sheet, header: str, row: int = 2) -> str:
    for cell in sheet[row]:
        if cell.value == header:
            return cell.column_letter
    raise AssertionError(f"no column {header!r}")


def _row_of(sheet, code: str, column: str = "A") -> int:
    for cell in sheet[column]:
        if cell.value == code:
            return cell.row
    raise AssertionError(f"no row {code!r}")


@pytest.mark.parametrize(
    ("folder", "key"),
    [("dien-quang", "kh-2025"), ("truong-giang", "qd-536-2025"), ("an-nong", "kh-28-2026")],
)
def test_seed_plan_round_trips_through_the_template(seeds, folder, key):
    """Export the seed plan, import the workbook into a fresh commune holding the seed's units,
    commit: every indicator field (group, parent, name, heading, unit, kind, targets per year,
    lead and support units and printed cells, formula, a, b, data source, guidance, legal basis)
    and every task field (parent, name, lead and support units and printed cells, result,
    budget, deadline and its kind) and the plan's head (number, date, issuing body, signer,
    title, period) is the seed's, with no difference at all."""
    seed = seed_plan(folder, key)
    data = plan_template_workbook(plan=seed)
    commune = commune_with_seed_units(folder, code=f"template-{folder}")

    imported = plan_file_read(data, name=f"{folder}.xlsx", commune=commune)
    plan = plan_import_commit(actor=None, commune=commune, imported=imported, key=key)

    # The document head too (number, type, date, issuing body, title, signature, period).
    assert plan_differences(seed, plan) == {}
    assert plan.indicators.count() == seed.indicators.count() > 0
    assert plan.tasks.count() == seed.tasks.count() > 0
    # The units sheet is a list, not a table left unread; no unit is proposed as new.
    assert not [flag for flag in imported.skipped if flag.field == "table"]
    assert commune.units.count() == len(commune_units := list(commune.units.all()))
    assert {unit.short_name for unit in commune_units} >= {
        unit.short_name for unit in plan.tasks.first().lead_units.all()
    }


def test_round_trip_compares_targets_and_kinds_really(seeds):
    """The comparison can fail: a target changed in the workbook shows as a difference."""
    seed = seed_plan("dien-quang", "kh-2025")
    workbook = openpyxl.load_workbook(io.BytesIO(plan_template_workbook(plan=seed)))
    sheet = workbook[INDICATORS_SHEET]
    row = _row_of(sheet, "1")
    sheet[f"{_column(sheet, '2025')}{row}"] = "60%"
    sheet[f"{_column(sheet, 'Loại đo lường')}{row}"] = str(MeasureKind.COUNT.label)
    output = io.BytesIO()
    workbook.save(output)
    commune = commune_with_seed_units("dien-quang", code="template-changed")

    imported = plan_file_read(output.getvalue(), name="x.xlsx", commune=commune)
    plan = plan_import_commit(actor=None, commune=commune, imported=imported, key="kh-2025")

    differences = plan_differences(seed, plan)
    assert differences[("indicator", "1", "targets")] == ({2025: "50%"}, {2025: "60%"})
    assert differences[("indicator", "1", "measure_kind")] == ("percent", "count")


def _broken_template(seeds):
    seed = seed_plan("dien-quang", "kh-2025")
    workbook = openpyxl.load_workbook(io.BytesIO(plan_template_workbook(plan=seed)))
    indicators, tasks = workbook[INDICATORS_SHEET], workbook[TASKS_SHEET]
    row = _row_of(indicators, "3")
    cells = {
        "kind": f"{_column(indicators, 'Loại đo lường')}{row}",
        "target": f"{_column(indicators, '2025')}{row}",
        "lead": f"{_column(indicators, 'Đơn vị chủ trì')}{row}",
    }
    indicators[cells["kind"]] = "Phần nghìn"
    indicators[cells["target"]] = "khoảng chừng"
    indicators[cells["lead"]] = "Phòng Không Có Thật"
    task_row = _row_of(tasks, "2")
    cells["deadline"] = f"{_column(tasks, 'Thời gian hoàn thành')}{task_row}"
    tasks[cells["deadline"]] = "khi nào xong thì thôi"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue(), cells


def test_bad_values_are_flagged_by_cell(seeds):
    data, cells = _broken_template(seeds)
    commune = commune_with_seed_units("dien-quang", code="template-bad")

    imported = plan_file_read(data, name="x.xlsx", commune=commune)

    messages = [flag.message for flag in imported.flags]
    for key, sheet, words in (
        ("kind", INDICATORS_SHEET, "«Phần nghìn» không phải là một loại đo lường"),
        ("target", INDICATORS_SHEET, "«khoảng chừng»"),
        ("lead", INDICATORS_SHEET, "«Phòng Không Có Thật» chưa có trong danh sách đơn vị của xã"),
        ("deadline", TASKS_SHEET, "«khi nào xong thì thôi»"),
    ):
        prefix = f"{sheet}!{cells[key]}: "
        found = [message for message in messages if message.startswith(prefix)]
        assert found, (key, prefix, messages)
        assert any(words in message for message in found), (key, found)


def test_bad_cells_are_marked_red_with_their_message(seeds):
    data, cells = _broken_template(seeds)
    commune = commune_with_seed_units("dien-quang", code="template-marked")
    imported = plan_file_read(data, name="x.xlsx", commune=commune)

    marked = openpyxl.load_workbook(io.BytesIO(plan_template_errors_marked(data, imported.flags)))

    indicators, tasks = marked[INDICATORS_SHEET], marked[TASKS_SHEET]
    for sheet, cell in (
        (indicators, cells["kind"]),
        (indicators, cells["target"]),
        (indicators, cells["lead"]),
        (tasks, cells["deadline"]),
    ):
        assert sheet[cell].fill.fgColor.rgb.endswith("FFC7CE"), cell
        assert sheet[cell].comment is not None and sheet[cell].comment.text, cell
    assert "Phần nghìn" in indicators[cells["kind"]].comment.text
    # The data is the same; a cell with no flag keeps no comment and no red.
    assert indicators[cells["kind"]].value == "Phần nghìn"
    name_cell = indicators[f"B{_row_of(indicators, '1')}"]
    assert name_cell.comment is None
    assert not name_cell.fill.fgColor.rgb.endswith("FFC7CE")


def test_empty_template_lists_the_communes_units_and_validates(seeds):
    commune = seeds["dien-quang"]

    workbook = openpyxl.load_workbook(io.BytesIO(plan_template_workbook(commune=commune)))

    assert workbook.sheetnames == [UNITS_SHEET, INDICATORS_SHEET, TASKS_SHEET, HEAD_SHEET]
    units = workbook[UNITS_SHEET]
    assert [cell.value for cell in units[1]][:3] == ["Tên đơn vị", "Tên ngắn", "Loại đơn vị"]
    short_names = [row[1].value for row in units.iter_rows(min_row=2) if row[1].value]
    assert "Phòng Kinh tế" in short_names
    assert len(short_names) == commune.units.filter(is_active=True).count()
    indicators = workbook[INDICATORS_SHEET]
    headers = [cell.value for cell in indicators[2]]
    assert headers[:4] == ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Loại đo lường"]
    assert [int(h) for h in headers if h and h.isdigit()] == list(range(2025, 2046))
    assert {"a (tử số)", "b (mẫu số)", "Đơn vị chủ trì", "Đơn vị phối hợp"} <= set(headers)
    assert [cell.value for cell in workbook[TASKS_SHEET][2]][:4] == [
        "STT",
        "Tên nhiệm vụ",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
    ]
    validations = indicators.data_validations.dataValidation
    kind_list = next(v for v in validations if "$E$" in (v.formula1 or ""))
    assert kind_list.formula1 == f"'{UNITS_SHEET}'!$E$2:$E$8"
    assert str(_column(indicators, "Loại đo lường")) + "3" in str(kind_list.sqref)
    listed = [row[4].value for row in units.iter_rows(min_row=2, max_row=8)]
    assert listed == [str(kind.label) for kind in MeasureKind]
    assert "tỷ lệ trên 01 vạn dân" in listed  # Vietnamese labels, commas and all
    unit_lists = [v for v in validations if "$B$" in (v.formula1 or "")]
    assert len(unit_lists) == 2
    assert {str(v.sqref).split(":")[0] for v in unit_lists} == {
        f"{_column(indicators, 'Đơn vị chủ trì')}3",
        f"{_column(indicators, 'Đơn vị phối hợp')}3",
    }
    assert len([v for v in workbook[TASKS_SHEET].data_validations.dataValidation]) == 2


def test_standing_office_downloads_the_empty_template(client, people):
    client.force_login(people["standing_office"])

    response = client.get(reverse("plan_template_download", args=["dien-quang"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Phòng Kinh tế" in [row[1].value for row in workbook[UNITS_SHEET].iter_rows(min_row=2)]


def test_template_download_is_the_standing_offices(client, people):
    url = reverse("plan_template_download", args=["dien-quang"])
    client.force_login(people["leader"])
    assert client.get(url).status_code == 403
    client.force_login(people["standing_office"])
    assert client.get(reverse("plan_template_download", args=["truong-giang"])).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 403)


def test_a_clerk_fills_the_empty_template(seeds):
    """The empty template, typed in as a clerk would (a group row, a ratio with a and b, a count,
    a task under a section), reads into the plan the clerk meant, with nothing flagged."""
    commune = seeds["dien-quang"]
    workbook = openpyxl.load_workbook(io.BytesIO(plan_template_workbook(commune=commune)))
    workbook.properties.keywords = ""  # saved again by a program that drops the marker
    indicators, tasks = workbook[INDICATORS_SHEET], workbook[TASKS_SHEET]
    col = {header: _column(indicators, header) for header in ("STT", "Tên chỉ tiêu", "2026")}
    col |= {h: _column(indicators, h) for h in ("Đơn vị tính", "Loại đo lường", "2030")}
    col |= {h: _column(indicators, h) for h in ("a (tử số)", "b (mẫu số)", "Đơn vị chủ trì")}
    col |= {"Đơn vị phối hợp": _column(indicators, "Đơn vị phối hợp")}
    rows = [
        {"STT": "I", "Tên chỉ tiêu": "HẠ TẦNG SỐ"},
        {
            "STT": "1",
            "Tên chỉ tiêu": "Tỷ lệ hộ gia đình có cáp quang",
            "Đơn vị tính": "%",
            "Loại đo lường": "tỷ lệ phần trăm",
            "2026": "≥ 80%",
            "2030": "100%",
            "a (tử số)": "Số hộ có cáp quang",
            "b (mẫu số)": "Tổng số hộ",
            "Đơn vị chủ trì": "Phòng VH-XH",
            "Đơn vị phối hợp": "Phòng Kinh tế; Công an xã",
        },
        {
            "STT": "2",
            "Tên chỉ tiêu": "Số doanh nghiệp công nghệ số",
            "Đơn vị tính": "Doanh nghiệp",
            "Loại đo lường": "số lượng",
            "2030": "5",
            "Đơn vị chủ trì": "Phòng Kinh tế",
        },
    ]
    for number, values in enumerate(rows, start=3):
        for header, text in values.items():
            indicators[f"{col[header]}{number}"] = text
    for column, text in zip("ABCDEFGHI", ["I", "Hạ tầng số"], strict=False):
        tasks[f"{column}3"] = text
    task = ["1", "Kéo cáp quang đến thôn", "Phòng VH-XH", "Phòng Kinh tế", None, None]
    task += ["Thôn có cáp quang", 120, "Tháng 12/2026"]
    for column, text in zip("ABCDEFGHI", task, strict=True):
        tasks[f"{column}4"] = text
    output = io.BytesIO()
    workbook.save(output)

    imported = plan_file_read(output.getvalue(), name="mau.xlsx", commune=commune)

    assert [flag for flag in imported.flags if flag.row != "head"] == []
    assert [(group.numeral, group.title) for group in imported.groups] == [("I", "HẠ TẦNG SỐ")]
    ratio, count = imported.indicators
    assert (ratio.code, ratio.group, ratio.kind, ratio.unit) == ("1", "I", "percent", "%")
    assert ratio.targets == {2026: "≥ 80%", 2030: "100%"}
    assert (ratio.numerator, ratio.denominator) == ("Số hộ có cáp quang", "Tổng số hộ")
    assert ratio.lead.labels() == ["Phòng VH-XH"]
    assert ratio.support.labels() == ["Phòng Kinh tế", "Công an xã"]
    assert (count.kind, count.targets) == (MeasureKind.COUNT, {2030: "5"})
    (task_read,) = imported.tasks
    assert (task_read.section, task_read.code, task_read.name) == (
        "I",
        "1",
        "Kéo cáp quang đến thôn",
    )
    assert (task_read.budget_value, task_read.deadline) == ("120", "Tháng 12/2026")
    assert task_read.result == "Thôn có cáp quang"
    assert task_read.lead.labels() == ["Phòng VH-XH"]


def test_a_blank_template_reads_as_an_empty_plan():
    data = plan_template_workbook()

    imported = plan_file_read(data, name="mau.xlsx")

    assert (imported.indicators, imported.tasks) == ([], [])
    assert not [flag for flag in imported.skipped if flag.field == "table"]


def test_the_document_sheet_carries_the_head_and_a_bad_date_is_named_by_cell(seeds):
    seed = seed_plan("truong-giang", "qd-536-2025")
    workbook = openpyxl.load_workbook(io.BytesIO(plan_template_workbook(plan=seed)))
    sheet = workbook[HEAD_SHEET]
    assert workbook.sheetnames[-1] == HEAD_SHEET
    rows = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert rows["Số, ký hiệu"] == seed.document_number
    assert rows["Người ký"] == seed.signer_name
    assert rows["Ngày ban hành (ngày/tháng/năm)"] == seed.issue_date.strftime("%d/%m/%Y")
    sheet["B4"] = "32/13/2025"
    output = io.BytesIO()
    workbook.save(output)
    commune = commune_with_seed_units("truong-giang", code="template-head")

    imported = plan_file_read(output.getvalue(), name="x.xlsx", commune=commune)

    assert imported.head.issue_date is None
    assert imported.head.signer_name == seed.signer_name
    assert "Văn bản!B4: «32/13/2025» không phải là ngày (ngày/tháng/năm)." in [
        flag.message for flag in imported.flags
    ]
    # The sheet is the head, not a table left unread.
    assert not [flag for flag in imported.skipped if flag.field == "table"]
    # An empty template offers the head's rows, blank.
    empty = openpyxl.load_workbook(io.BytesIO(plan_template_workbook(commune=commune)))
    assert [row[1].value for row in empty[HEAD_SHEET].iter_rows(min_row=2)] == [None] * len(
        HEAD_ROWS
    )
