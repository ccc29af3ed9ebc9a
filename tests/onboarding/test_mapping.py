"""A header the portal does not recognise: the office maps the columns once in the browser, the
mapping is kept for the commune by the header's words, and the next file is read without asking."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from communes.models import AuditEntry, Role
from onboarding.headers import ColumnMap
from onboarding.importer import plan_file_read
from onboarding.mapping import (
    IGNORE,
    column_roles_check,
    header_key,
    mapping_tables,
)
from onboarding.models import ColumnMapping, PlanImport
from onboarding.reading import document_read
from onboarding.services import PlanImportError, plan_import_columns_map, plan_import_save
from plans.models import Plan
from tests.conftest import person
from tests.factories import CommuneFactory, UnitFactory
from tests.onboarding.documents import HEAD, docx_bytes

pytestmark = pytest.mark.django_db

ODD_HEADER = ["Số", "Việc phải làm", "Ai làm", "Ai giúp", "Xong khi nào"]
ODD_ROWS = [
    ["1", "Tập huấn kỹ năng số cho cán bộ", "Phòng Kinh tế", "Công an xã", "Quý IV/2026"],
    ["2", "Số hóa hồ sơ hộ tịch", "Công an xã", "", "Tháng 9/2026"],
]


def odd_plan(header=None, rows=None) -> bytes:
    """A task table whose header no plan the portal knows prints."""
    return docx_bytes(
        *HEAD,
        "KẾ HOẠCH",
        "Chuyển đổi số năm 2026",
        "PHỤ LỤC NHIỆM VỤ",
        {"rows": [header or ODD_HEADER, *(rows or ODD_ROWS)]},
    )


@pytest.fixture
def commune():
    commune = CommuneFactory(code="thu-nghiem")
    UnitFactory(commune=commune, short_name="Phòng Kinh tế", name="Phòng Kinh tế")
    UnitFactory(commune=commune, short_name="Công an xã", name="Công an xã")
    return commune


def _office(commune):
    return person(Role.STANDING_OFFICE, commune=commune)


def _upload(client, commune, data, name="ke-hoach.docx"):
    return client.post(
        reverse("onboarding:upload", args=[commune.code]),
        {"file": SimpleUploadedFile(name, data)},
    )


TASK_MAPPING = {
    "table-1-kind": "tasks",
    "table-1-header_rows": "1",
    "table-1-column_0": "code",
    "table-1-column_1": "name",
    "table-1-column_2": "lead",
    "table-1-column_3": "support",
    "table-1-column_4": "deadline",
}


# --- the reading ----------------------------------------------------------------------------


def test_header_key_ignores_case_diacritics_and_spacing():
    one = document_read(odd_plan()).tables[0]
    other = document_read(
        odd_plan(header=["SỐ", "Việc  phải làm", "ai làm", "Ai giúp", "Xong khi nào"])
    )
    assert (
        header_key(one)
        == header_key(other.tables[0])
        == ("so | viec phai lam | ai lam | ai giup | xong khi nao")
    )


def test_an_unrecognised_table_is_listed_for_mapping_with_the_portals_guesses(commune):
    data = odd_plan()
    imported = plan_file_read(data, commune=commune, unmapped_ok=True)
    assert imported.tasks == [] and imported.indicators == []
    assert imported.unmapped == [
        {
            "table": 1,
            "header_key": header_key(document_read(data).tables[0]),
            "reason": "unrecognised",
        }
    ]
    (table,) = mapping_tables(document_read(data), imported.unmapped)
    assert table.header_text == "Số | Việc phải làm | Ai làm | Ai giúp | Xong khi nào"
    assert [column.header for column in table.columns] == ODD_HEADER
    assert table.columns[1].samples == ["Tập huấn kỹ năng số cho cán bộ", "Số hóa hồ sơ hộ tịch"]
    # What it can guess it proposes ("Xong khi nào" names no field it knows).
    assert [column.role for column in table.columns] == ["", "", "", "", ""]
    # Without unmapped_ok (the command line), the file is refused with the reason.
    with pytest.raises(Exception, match="Không bảng nào trong tệp có dòng tiêu đề"):
        plan_file_read(data, commune=commune)


def test_a_saved_mapping_reads_the_next_file_with_the_same_header(commune):
    key = header_key(document_read(odd_plan()).tables[0])
    ColumnMapping.objects.create(
        commune=commune,
        header_key=key,
        header_text=" | ".join(ODD_HEADER),
        columns=ColumnMap(
            kind="tasks", columns={"code": 0, "name": 1, "lead": 2, "support": 3, "deadline": 4}
        ).as_json(),
    )
    # Another file, same header spelled in capitals, other rows.
    rows = [["1", "Lắp camera an ninh", "Công an xã", "Phòng Kinh tế", "Năm 2027"]]
    imported = plan_file_read(
        odd_plan(header=[text.upper() for text in ODD_HEADER], rows=rows),
        commune=commune,
        unmapped_ok=True,
    )
    assert imported.unmapped == []
    assert [
        (t.code, t.name, t.lead.labels(), t.support.labels(), t.deadline) for t in imported.tasks
    ] == [("1", "Lắp camera an ninh", ["Công an xã"], ["Phòng Kinh tế"], "Năm 2027")]
    # The mapping is the commune's: another commune is still asked.
    other = CommuneFactory(code="xa-khac")
    assert plan_file_read(odd_plan(), commune=other, unmapped_ok=True).unmapped


def test_a_table_mapped_as_ignore_is_listed_as_skipped_with_its_reason(commune):
    tasks_header = ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian"]
    data = docx_bytes(
        *HEAD,
        "KẾ HOẠCH",
        {"rows": [tasks_header, ["1", "Tập huấn", "Phòng Kinh tế", "Quý IV/2026"]]},
        {"rows": [["Ký hiệu", "Giải thích", "Ví dụ"], ["X", "Hoàn thành", "X"]]},
    )
    table = document_read(data).tables[1]
    ColumnMapping.objects.create(
        commune=commune, header_key=header_key(table), header_text="", columns={"kind": IGNORE}
    )
    imported = plan_file_read(data, commune=commune, unmapped_ok=True)
    assert imported.unmapped == [] and len(imported.tasks) == 1
    assert [(flag.row, flag.message) for flag in imported.skipped] == [
        ("T2", "Bảng 2 không được đọc: các cột của bảng đã được ghép là «bỏ qua».")
    ]


def test_a_recognised_header_with_a_column_it_cannot_place_asks_for_that_column(commune):
    header = ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Chỉ tiêu", "Đơn vị chủ trì", "Mức độ ưu tiên"]
    rows = [["1", "Tỷ lệ hộ dùng cáp quang", "%", "80%", "Phòng Kinh tế", "Cao"]]
    data = docx_bytes(*HEAD, "KẾ HOẠCH", "Chuyển đổi số năm 2026", {"rows": [header, *rows]})
    imported = plan_file_read(data, commune=commune, unmapped_ok=True)
    assert len(imported.indicators) == 1  # what was recognised is read
    assert [(entry["reason"], entry["columns"]) for entry in imported.unmapped] == [
        ("unplaced", [5])
    ]
    (table,) = mapping_tables(document_read(data), imported.unmapped)
    assert table.kind == "indicators"
    assert [column.role for column in table.columns] == [
        "code",
        "name",
        "unit",
        "target",
        "lead",
        "",
    ]
    assert [column.unplaced for column in table.columns] == [False] * 5 + [True]


def test_what_a_mapping_refuses_is_said():
    headers = ODD_HEADER
    assert column_roles_check("tasks", ["code", "", "lead", "", ""], headers) == [
        "Hãy chọn cột ghi tên của từng chỉ tiêu hoặc nhiệm vụ."
    ]
    assert [
        str(error)
        for error in column_roles_check("tasks", ["code", "name", "lead", "lead", ""], headers)
    ] == ["«Đơn vị chủ trì» được chọn cho hai cột (Ai làm và Ai giúp); chỉ giữ một."]
    (error,) = column_roles_check("tasks", ["code", "name", "year:2030", "", ""], headers)
    assert "Bảng nhiệm vụ không có Chỉ tiêu năm 2030" in str(error)
    assert column_roles_check(IGNORE, ["", "", "", "", ""], headers) == []


# --- the browser ----------------------------------------------------------------------------


def test_upload_an_unrecognised_header_map_it_once_then_read_without_asking(client, commune):
    client.force_login(_office(commune))
    response = _upload(client, commune, odd_plan())
    plan_import = PlanImport.objects.get()
    columns_url = reverse("onboarding:columns", args=[commune.code, plan_import.pk])
    assert response["Location"] == columns_url
    page = client.get(columns_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ghép cột" in html and "Xong khi nào" in html and "Số hóa hồ sơ hộ tịch" in html
    assert len(page.context["forms"]) == 1

    # A refused mapping says why, keeps what was chosen, saves nothing.
    refused = client.post(columns_url, {**TASK_MAPPING, "table-1-column_3": "lead"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "được chọn cho hai cột (Ai làm và Ai giúp)" in html
    assert not ColumnMapping.objects.exists()

    response = client.post(columns_url, TASK_MAPPING)
    review = reverse("onboarding:review", args=[commune.code, plan_import.pk])
    assert response["Location"] == review
    mapping = ColumnMapping.objects.get(commune=commune)
    assert mapping.columns["kind"] == "tasks" and mapping.header_text.startswith("Số | Việc")
    assert AuditEntry.objects.filter(object_id=mapping.pk, field="columns").exists()
    plan_import.refresh_from_db()
    assert plan_import.result["unmapped"] == []
    page = client.get(review)
    assert [row.item["code"] for row in page.context["tasks"]] == ["1", "2"]
    assert client.get(columns_url)["Location"] == review  # nothing left to map

    # The next file with the same header goes straight to the review.
    rows = [["1", "Lắp camera an ninh", "Công an xã", "", "Năm 2027"]]
    response = _upload(client, commune, odd_plan(rows=rows))
    second = PlanImport.objects.order_by("-pk").first()
    assert response["Location"] == reverse("onboarding:review", args=[commune.code, second.pk])
    assert [task["name"] for task in second.result["tasks"]] == ["Lắp camera an ninh"]


def test_nothing_is_saved_as_a_plan_while_columns_wait_to_be_mapped(client, commune):
    client.force_login(_office(commune))
    _upload(client, commune, odd_plan())
    plan_import = PlanImport.objects.get()
    review = reverse("onboarding:review", args=[commune.code, plan_import.pk])
    page = client.get(review).content.decode()
    assert "Cột cần ghép" in page and "Ghép cột" in page
    response = client.post(
        reverse("onboarding:commit", args=[commune.code, plan_import.pk]), follow=True
    )
    assert "ghép các cột đó trước" in response.content.decode()
    assert not Plan.objects.filter(commune=commune).exists()
    with pytest.raises(PlanImportError):
        plan_import_save(actor=None, plan_import=plan_import)


def test_mapping_a_table_as_not_part_of_the_plan(client, commune):
    client.force_login(_office(commune))
    _upload(client, commune, odd_plan())
    plan_import = PlanImport.objects.get()
    plan_import_columns_map(
        actor=None,
        plan_import=plan_import,
        mappings=[(plan_import.result["unmapped"][0]["header_key"], "Số | …", IGNORE)],
    )
    assert plan_import.result["unmapped"] == []
    assert [flag["row"] for flag in plan_import.result["skipped"]] == ["T1"]


def test_another_communes_mapping_page_answers_404(client, commune):
    _upload_as = _office(commune)
    client.force_login(_upload_as)
    _upload(client, commune, odd_plan())
    plan_import = PlanImport.objects.get()
    other = CommuneFactory(code="xa-ben-canh")
    client.force_login(_office(other))
    for name in ("columns", "merge", "collective"):
        for commune_code in (commune.code, other.code):
            url = reverse(f"onboarding:{name}", args=[commune_code, plan_import.pk])
            assert client.post(url, TASK_MAPPING).status_code == 404, (name, commune_code)
    assert (
        client.get(reverse("onboarding:columns", args=[other.code, plan_import.pk])).status_code
        == 404
    )
    assert not ColumnMapping.objects.exists()


# --- the command line -------------------------------------------------------------------------


def test_command_line_says_to_map_the_columns_in_the_browser(commune, tmp_path):
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(odd_plan())
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path), "--commune", commune.code, stdout=io.StringIO())
    message = str(refused.value)
    assert "Không bảng nào trong tệp có dòng tiêu đề" in message
    assert "ghép các cột một lần" in message and "--map" in message
    assert not Plan.objects.filter(commune=commune).exists()
    # --map reads it; the dry run prints what it read.
    out = io.StringIO()
    call_command(
        "import_plan",
        str(path),
        "--commune",
        commune.code,
        "--dry-run",
        "--json",
        "--map",
        "1=code,name,lead,support,deadline",
        stdout=out,
    )
    assert re.search(r'"name": "Số hóa hồ sơ hộ tịch"', out.getvalue())
    with pytest.raises(CommandError, match="«ten» không phải là một trường"):
        call_command("import_plan", str(path), "--dry-run", "--map", "1=code,ten,lead")


def test_command_line_refuses_a_table_it_cannot_read_beside_one_it_can(commune, tmp_path):
    data = docx_bytes(
        *HEAD,
        "KẾ HOẠCH",
        {
            "rows": [
                ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian"],
                ["1", "Tập huấn", "Phòng Kinh tế", "Quý IV/2026"],
            ]
        },
        {"rows": [ODD_HEADER, *ODD_ROWS]},
    )
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="Bảng 2 có dòng tiêu đề hoặc cột mà cổng không nhận ra"):
        call_command("import_plan", str(path), "--commune", commune.code)
    assert not Plan.objects.filter(commune=commune).exists()
