"""Targets given per milestone section merge into one indicator; a merge that changes wording, unit
or lead waits for the office to confirm it or split it. Collective leads stay as printed, and the
office may expand them to the commune's units."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from communes.models import AuditEntry, Role
from onboarding.models import PlanImport
from onboarding.services import (
    PlanImportError,
    plan_import_merge_decide,
    plan_import_save,
    plan_import_upload,
)
from plans.models import Plan
from tests.conftest import person
from tests.factories import CommuneFactory, UnitFactory
from tests.onboarding.documents import HEAD, docx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Chỉ tiêu", "Đơn vị chủ trì"]
MILESTONES = [
    ["", "Đến hết năm 2030", "", "", ""],
    ["1", "Tỷ lệ hộ dùng cáp quang", "%", "80%", "Phòng Kinh tế"],
    ["2", "Số doanh nghiệp số", "Doanh nghiệp", "10", "Phòng Kinh tế"],
    ["", "Đến hết năm 2035", "", "", ""],
    ["1", "Tỷ lệ hộ gia đình dùng cáp quang", "%", "95%", "Công an xã"],
    ["2", "Số doanh nghiệp số", "Doanh nghiệp", "20", "Phòng Kinh tế"],
]
TASKS = [
    ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"],
    [
        "1",
        "Tập huấn kỹ năng số",
        "Các phòng chuyên môn",
        "Các cơ quan, đơn vị có liên quan",
        "Quý IV/2026",
    ],
]


def plan_data() -> bytes:
    return docx_bytes(
        *HEAD,
        "KẾ HOẠCH",
        "Chuyển đổi số giai đoạn 2026 - 2035",
        "PHỤ LỤC I CHỈ TIÊU",
        {"rows": [HEADER, *MILESTONES]},
        "PHỤ LỤC II NHIỆM VỤ",
        {"rows": TASKS},
    )


@pytest.fixture
def commune():
    commune = CommuneFactory(code="thu-nghiem")
    for name in ("Phòng Kinh tế", "Công an xã", "Phòng Văn hóa - Xã hội"):
        UnitFactory(commune=commune, short_name=name, name=name)
    return commune


@pytest.fixture
def office(commune):
    return person(Role.STANDING_OFFICE, commune=commune)


@pytest.fixture
def plan_import(commune, office):
    return plan_import_upload(actor=office, commune=commune, name="kh.docx", data=plan_data())


def _review(client, plan_import):
    return reverse("onboarding:review", args=[plan_import.commune.code, plan_import.pk])


def test_a_merge_that_changes_wording_or_lead_waits_for_the_office(client, office, plan_import):
    one, two = plan_import.result["indicators"]
    assert one["targets"] == {"2030": "80%", "2035": "95%"} and two["targets"] == {
        "2030": "10",
        "2035": "20",
    }
    (merge,) = one["merges"]
    assert (merge["year"], merge["name"], merge["lead_text"], merge["targets"]) == (
        2035,
        "Tỷ lệ hộ gia đình dùng cáp quang",
        "Công an xã",
        {"2035": "95%"},
    )
    assert merge["decision"] == "" and two["merges"] == []  # the same wording merges silently

    client.force_login(office)
    page = client.get(_review(client, plan_import))
    html = page.content.decode()
    row = page.context["indicators"][0]
    assert row.item["code"] == "1" and row.merges == [merge]  # flagged first, with the choice
    assert "Mốc 2035 (dòng T1:R6) ghi chỉ tiêu này là:" in html
    assert "«Tỷ lệ hộ gia đình dùng cáp quang» · % · Công an xã" in html
    assert "Xác nhận gộp" in html and "Tách thành các chỉ tiêu riêng" in html
    assert "hãy xác nhận gộp hoặc tách trước khi lưu" in html

    # Saving before deciding is refused, with the indicator named.
    response = client.post(
        reverse("onboarding:commit", args=[plan_import.commune.code, plan_import.pk]), follow=True
    )
    assert "Chỉ tiêu 1 gộp các dòng của nhiều mốc thời gian" in response.content.decode()
    assert not Plan.objects.filter(commune=plan_import.commune).exists()

    response = client.post(
        reverse("onboarding:merge", args=[plan_import.commune.code, plan_import.pk]),
        {"index": row.index, "ref": merge["ref"], "decision": "confirm"},
        follow=True,
    )
    assert "Đã xác nhận gộp chỉ tiêu 1." in response.content.decode()
    plan_import.refresh_from_db()
    assert plan_import.result["indicators"][0]["merges"][0]["decision"] == "confirmed"
    assert not [flag for flag in plan_import.result["flags"] if flag["field"] == "merge"]
    assert AuditEntry.objects.filter(object_id=plan_import.pk, field="indicators.1.merge").exists()
    plan = plan_import_save(actor=office, plan_import=plan_import)
    indicator = plan.indicators.get(code="1")
    assert indicator.name == "Tỷ lệ hộ dùng cáp quang"
    assert {target.year: target.text for target in indicator.targets.all()} == {
        2030: "80%",
        2035: "95%",
    }


def test_split_makes_the_later_section_an_indicator_of_its_own(client, office, plan_import):
    client.force_login(office)
    merge = plan_import.result["indicators"][0]["merges"][0]
    response = client.post(
        reverse("onboarding:merge", args=[plan_import.commune.code, plan_import.pk]),
        {"index": 0, "ref": merge["ref"], "decision": "split"},
        follow=True,
    )
    assert "Đã tách dòng thành chỉ tiêu 1-2035." in response.content.decode()
    plan = plan_import_save(actor=office, plan_import=PlanImport.objects.get(pk=plan_import.pk))
    rows = {
        item.code: (
            item.name,
            {target.year: target.text for target in item.targets.all()},
            [unit.short_name for unit in item.lead_units.all()],
        )
        for item in plan.indicators.prefetch_related("targets", "lead_units")
    }
    assert rows == {
        "1": ("Tỷ lệ hộ dùng cáp quang", {2030: "80%"}, ["Phòng Kinh tế"]),
        "1-2035": ("Tỷ lệ hộ gia đình dùng cáp quang", {2035: "95%"}, ["Công an xã"]),
        "2": ("Số doanh nghiệp số", {2030: "10", 2035: "20"}, ["Phòng Kinh tế"]),
    }


def test_a_merge_decision_for_nothing_is_refused(plan_import):
    with pytest.raises(PlanImportError, match="Việc gộp này không thuộc lần nhập này"):
        plan_import_merge_decide(
            actor=None, plan_import=plan_import, index=1, ref="T1:R6", decision="split"
        )
    with pytest.raises(PlanImportError, match="Hãy chọn xác nhận gộp hoặc tách"):
        plan_import_merge_decide(
            actor=None, plan_import=plan_import, index=0, ref="T1:R6", decision=""
        )


def test_command_line_refuses_an_unconfirmed_merge_unless_told(commune, tmp_path):
    path = tmp_path / "kh.docx"
    path.write_bytes(plan_data())
    with pytest.raises(CommandError, match="Chỉ tiêu 1 gộp các dòng"):
        call_command("import_plan", str(path), "--commune", commune.code, stdout=io.StringIO())
    assert not Plan.objects.filter(commune=commune).exists()
    call_command(
        "import_plan",
        str(path),
        "--commune",
        commune.code,
        "--confirm-merges",
        stdout=io.StringIO(),
    )
    assert Plan.objects.get(commune=commune).indicators.count() == 2


def test_a_collective_lead_stays_as_printed_and_expands_to_the_units_chosen(
    client, commune, office, plan_import
):
    client.force_login(office)
    page = client.get(_review(client, plan_import))
    (task,) = page.context["tasks"]
    assert task.collectives == [
        ("lead", "Các phòng chuyên môn", []),
        ("support", "Các cơ quan, đơn vị có liên quan", []),
    ]
    html = page.content.decode()
    assert "Chọn các đơn vị cho «Các phòng chuyên môn»" in html
    units = {unit.short_name: unit.pk for unit in commune.units.all()}
    other = UnitFactory(commune=CommuneFactory(code="xa-khac"), short_name="Phòng lạ")
    url = reverse("onboarding:collective", args=[commune.code, plan_import.pk])
    response = client.post(
        url,
        {
            "part": "tasks",
            "index": 0,
            "role": "lead",
            "name": "Các phòng chuyên môn",
            # Another commune's unit is not taken.
            "units": [units["Phòng Kinh tế"], units["Phòng Văn hóa - Xã hội"], other.pk],
        },
        follow=True,
    )
    assert (
        "«Các phòng chuyên môn» nay được hiểu là các đơn vị đã chọn." in response.content.decode()
    )
    plan_import.refresh_from_db()
    item = plan_import.result["tasks"][0]
    assert item["lead_text"] == "Các phòng chuyên môn"  # the printed text stays
    assert item["lead"] == ["Phòng Kinh tế", "Phòng Văn hóa - Xã hội"]
    assert item["lead_collective"] == ["Các phòng chuyên môn"]
    refs = set(item["rows"])
    lead_flags = [
        f for f in plan_import.result["flags"] if f["row"] in refs and f["field"] == "lead"
    ]
    assert lead_flags == []  # expanded: nothing left to check on the lead
    assert [f["field"] for f in plan_import.result["flags"] if f["row"] in refs] == ["support"]
    # A correction of the row keeps the expansion while the name stays in the cell.
    page = client.get(_review(client, plan_import))
    assert page.context["tasks"][0].collectives[0] == (
        "lead",
        "Các phòng chuyên môn",
        [units["Phòng Kinh tế"], units["Phòng Văn hóa - Xã hội"]],
    )
    plan_import.result["indicators"][0]["merges"][0]["decision"] = "confirmed"
    plan_import.save()
    plan = plan_import_save(actor=office, plan_import=plan_import)
    saved = plan.tasks.get(code="1")
    assert saved.lead_text == "Các phòng chuyên môn"
    assert sorted(unit.short_name for unit in saved.lead_units.all()) == [
        "Phòng Kinh tế",
        "Phòng Văn hóa - Xã hội",
    ]
    assert list(saved.support_units.all()) == []
    # A name that is not in the row: refused, said.
    response = client.post(
        url,
        {"part": "tasks", "index": 0, "role": "lead", "name": "Các ban", "units": []},
        follow=True,
    )
    html = response.content.decode()
    assert "Dòng này không còn ghi tên đó." in html
