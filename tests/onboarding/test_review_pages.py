"""The browser side of plan import: upload, review with rows corrected in place, commit a draft."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communes.models import AuditEntry, Role
from onboarding.models import PlanImport
from onboarding.services import plan_import_upload
from plans.models import Plan, PlanStatus
from tasks.models import Task
from tests.conftest import person
from tests.onboarding.comparison import commune_with_seed_units
from tests.onboarding.test_commit import plan_file
from tests.queries import assert_flat, queries_of

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "plans"


def _office_of(commune):
    return person(Role.STANDING_OFFICE, commune=commune)


def _upload(client, commune, name, data=None):
    data = (DATA / name).read_bytes() if data is None else data
    return client.post(
        reverse("onboarding:upload", args=[commune.code]),
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.fixture
def dien_quang_new(seeds):
    return commune_with_seed_units("dien-quang", code="dien-quang-moi")


@pytest.mark.parametrize(
    ("folder", "name", "indicators", "tasks", "flagged"),
    [
        ("dien-quang", "dien-quang-kh-2025.docx", 21, 9, 7),
        ("truong-giang", "truong-giang-qd-536-2025.docx", 36, 8, 12),
        ("an-nong", "an-nong-2026.docx", 20, 30, 29),
    ],
)
def test_each_plan_file_lands_on_its_review_page(
    client, seeds, folder, name, indicators, tasks, flagged
):
    commune = commune_with_seed_units(folder, code=f"{folder}-moi")
    client.force_login(_office_of(commune))
    response = _upload(client, commune, name)
    plan_import = PlanImport.objects.get(commune=commune)
    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding:review", args=[commune.code, plan_import.pk])
    assert plan_import.file_name == name and bytes(plan_import.data)[:2] == b"PK"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    rows = page.context["indicators"] + page.context["tasks"]
    assert len(page.context["indicators"]) == indicators
    assert len(page.context["tasks"]) == tasks
    assert len([row for row in rows if row.flags]) == flagged
    assert f"{flagged} dòng cần kiểm tra" in html
    # Flagged rows first in each table, each with its messages shown.
    for part in (page.context["indicators"], page.context["tasks"]):
        marks = [bool(row.flags) for row in part]
        assert marks == sorted(marks, reverse=True)
    first = next(row for row in rows if row.flags)
    assert first.flags[0]["message"] in html
    assert "Lưu thành bản nháp" in html
    assert not Plan.objects.filter(commune=commune).exists()  # nothing in the plan yet


def test_a_bad_file_gets_the_importers_message_beside_the_field_and_nothing_changes(
    client, dien_quang_new
):
    client.force_login(_office_of(dien_quang_new))
    response = _upload(client, dien_quang_new, "ke-hoach.docx", b"not a word file at all")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tệp không phải là tệp Word (.docx) hay Excel (.xlsx)." in html, html
    assert 'id="id_file_error"' in html
    assert not PlanImport.objects.exists()
    response = _upload(client, dien_quang_new, "bang.xlsx", b"")
    assert response.status_code == 200 and not PlanImport.objects.exists()


def test_correct_a_flagged_row_then_commit_a_draft(client, dien_quang_new):
    client.force_login(_office_of(dien_quang_new))
    location = _upload(client, dien_quang_new, "dien-quang-kh-2025.docx")["Location"]
    plan_import = PlanImport.objects.get()
    page = client.get(location)
    row = next(row for row in page.context["tasks"] if row.flags)
    assert any("không chỉ một đơn vị cụ thể" in flag["message"] for flag in row.flags)
    item = row.item
    prefix = row.anchor
    response = client.post(
        location,
        {
            "part": "tasks",
            "index": row.index,
            f"{prefix}-name": item["name"] + " (sửa)",
            f"{prefix}-lead_text": "Phòng Kinh tế",
            f"{prefix}-support_text": "Công an xã",
            f"{prefix}-result": item["result"],
            f"{prefix}-budget": "12,5",
            f"{prefix}-deadline": "Quý III/2025",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#{prefix}")
    plan_import.refresh_from_db()
    edited = plan_import.result["tasks"][row.index]
    assert edited["lead"] == ["Phòng Kinh tế"] and edited["support"] == ["Công an xã"]
    assert edited["budget_value"] == "12.5"
    refs = set(edited["rows"])
    assert not [flag for flag in plan_import.result["flags"] if flag["row"] in refs]
    page = client.get(location)
    assert len([row for row in page.context["tasks"] if row.flags]) == 6

    # An unreadable deadline is kept and flagged again, through tasks.deadlines.
    client.post(
        location,
        {
            "part": "tasks",
            "index": row.index,
            f"{prefix}-name": item["name"] + " (sửa)",
            f"{prefix}-lead_text": "Phòng Kinh tế",
            f"{prefix}-deadline": "khi nào xong",
        },
    )
    plan_import.refresh_from_db()
    assert [flag["field"] for flag in plan_import.result["flags"] if flag["row"] in refs] == [
        "deadline"
    ]
    assert "khi nào xong" in client.get(location).content.decode()
    client.post(
        location,
        {
            "part": "tasks",
            "index": row.index,
            f"{prefix}-name": item["name"] + " (sửa)",
            f"{prefix}-lead_text": "Phòng Kinh tế",
            f"{prefix}-deadline": "Quý III/2025",
            f"{prefix}-budget": "12,5",
        },
    )
    # An indicator's target read again through indicators.targets.
    indicator = client.get(location).context["indicators"][0]
    response = client.post(
        location,
        {
            "part": "indicators",
            "index": indicator.index,
            f"{indicator.anchor}-name": indicator.item["name"],
            f"{indicator.anchor}-unit": "%",
            f"{indicator.anchor}-kind": "percent",
            f"{indicator.anchor}-target_2025": "nhiều",
            f"{indicator.anchor}-lead_text": indicator.item["lead_text"],
        },
    )
    plan_import.refresh_from_db()
    refs = set(plan_import.result["indicators"][indicator.index]["rows"])
    assert [flag["field"] for flag in plan_import.result["flags"] if flag["row"] in refs] == [
        "targets.2025"
    ]

    response = client.post(reverse("onboarding:commit", args=[dien_quang_new.code, plan_import.pk]))
    plan = Plan.objects.get(commune=dien_quang_new)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:plan", args=[dien_quang_new.code, plan.pk])
    assert plan.status == PlanStatus.DRAFT
    task = Task.objects.get(plan=plan, code=item["code"], name=item["name"] + " (sửa)")
    assert [unit.short_name for unit in task.lead_units.all()] == ["Phòng Kinh tế"]
    assert task.deadline_text == "Quý III/2025" and not task.deadline_flagged
    assert task.budget_million_vnd == Decimal("12.5")
    assert plan.indicators.get(code=indicator.item["code"]).targets.get(year=2025).text == "nhiều"
    plan_import.refresh_from_db()
    assert plan_import.plan == plan
    assert AuditEntry.objects.filter(field="import", object_id=plan.pk).exists()
    page = client.get(response["Location"])
    assert "Đã lưu thành bản nháp kế hoạch" in page.content.decode()
    assert page.context["plan"].standing == "draft"


def test_reimporting_updates_the_draft_never_duplicates(client, dien_quang_new):
    client.force_login(_office_of(dien_quang_new))
    for _round in range(2):
        _upload(client, dien_quang_new, "dien-quang-kh-2025.docx")
        plan_import = PlanImport.objects.order_by("-pk").first()
        client.post(reverse("onboarding:commit", args=[dien_quang_new.code, plan_import.pk]))
    assert PlanImport.objects.filter(commune=dien_quang_new).count() == 2
    plan = Plan.objects.get(commune=dien_quang_new)
    assert {item.plan_id for item in PlanImport.objects.all()} == {plan.pk}
    assert plan.indicators.count() == 21 and plan.tasks.count() == 9


def test_permissions_unit_staff_403_another_commune_404(client, seeds, dien_quang_new):
    office = _office_of(dien_quang_new)
    plan_import = plan_import_upload(
        actor=office,
        commune=dien_quang_new,
        name="kh.docx",
        data=(DATA / "dien-quang-kh-2025.docx").read_bytes(),
    )
    urls = [
        ("get", reverse("onboarding:upload", args=[dien_quang_new.code])),
        ("get", reverse("onboarding:review", args=[dien_quang_new.code, plan_import.pk])),
        ("post", reverse("onboarding:commit", args=[dien_quang_new.code, plan_import.pk])),
    ]
    staff = person(
        Role.UNIT_STAFF,
        commune=dien_quang_new,
        unit=dien_quang_new.units.get(short_name="Phòng Kinh tế"),
    )
    client.force_login(staff)
    assert [getattr(client, method)(url).status_code for method, url in urls] == [403, 403, 403]
    client.force_login(_office_of(seeds["truong-giang"]))
    assert [getattr(client, method)(url).status_code for method, url in urls] == [404, 404, 404]
    # The other commune's office asking for this import under its own commune: 404 too.
    other = reverse("onboarding:review", args=["truong-giang", plan_import.pk])
    assert client.get(other).status_code == 404
    assert (
        client.post(reverse("onboarding:commit", args=["truong-giang", plan_import.pk])).status_code
        == 404
    )
    assert not Plan.objects.filter(commune=dien_quang_new).exists()


def _review_queries(client, commune, indicators, tasks) -> int:
    plan_import = plan_import_upload(
        actor=None, commune=commune, name="kh.docx", data=plan_file(indicators, tasks)
    )
    url = reverse("onboarding:review", args=[commune.code, plan_import.pk])
    client.get(url)  # warm the session and the caches
    response = None

    def get():
        nonlocal response
        response = client.get(url)

    queries = queries_of(get)
    assert len(response.context["indicators"]) == indicators
    assert len(response.context["tasks"]) == tasks
    return queries


def test_review_page_query_count_is_flat_in_the_number_of_rows(client, dien_quang_new):
    client.force_login(_office_of(dien_quang_new))
    assert_flat(
        _review_queries(client, dien_quang_new, 2, 2),
        _review_queries(client, dien_quang_new, 25, 15),
        "import review page",
    )


def test_the_office_puts_the_imported_draft_in_force_once(client, dien_quang_new):
    client.force_login(_office_of(dien_quang_new))
    _upload(client, dien_quang_new, "dien-quang-kh-2025.docx")
    plan_import = PlanImport.objects.get()
    client.post(reverse("onboarding:commit", args=[dien_quang_new.code, plan_import.pk]))
    plan = Plan.objects.get(commune=dien_quang_new)
    detail = reverse("reporting:plan", args=[dien_quang_new.code, plan.pk])
    assert "Đưa vào hiệu lực" in client.get(detail).content.decode()
    url = reverse("plans:in_force", args=[dien_quang_new.code, plan.pk])
    staff = person(
        Role.UNIT_STAFF,
        commune=dien_quang_new,
        unit=dien_quang_new.units.get(short_name="Phòng Kinh tế"),
    )
    client.force_login(staff)
    assert client.post(url).status_code == 403
    client.force_login(_office_of(dien_quang_new))
    assert client.post(url)["Location"] == detail
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_FORCE
    assert AuditEntry.objects.filter(object_id=plan.pk, field="status").count() == 1
    page = client.get(detail).content.decode()
    assert "Kế hoạch đã được đưa vào hiệu lực." in page and "Đưa vào hiệu lực</button>" not in page
    client.post(url)  # a second time: refused, nothing changes
    assert AuditEntry.objects.filter(object_id=plan.pk, field="status").count() == 1
    # An import cannot overwrite the plan in force any more: it says so on the review page.
    response = client.post(
        reverse("onboarding:commit", args=[dien_quang_new.code, plan_import.pk]), follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"/plans/import/{plan_import.pk}/")
    assert "đã có hiệu lực: nhập tệp chỉ tạo mới hoặc cập nhật bản dự thảo" in (
        response.content.decode()
    )


def test_a_refused_correction_keeps_what_was_typed_and_changes_nothing(client, dien_quang_new):
    client.force_login(_office_of(dien_quang_new))
    location = _upload(client, dien_quang_new, "dien-quang-kh-2025.docx")["Location"]
    plan_import = PlanImport.objects.get()
    before = plan_import.result
    row = client.get(location).context["indicators"][0]
    response = client.post(
        location,
        {
            "part": "indicators",
            "index": row.index,
            f"{row.anchor}-name": "",
            f"{row.anchor}-unit": "%",
            f"{row.anchor}-kind": "percent",
            f"{row.anchor}-target_2025": "≥ 77%",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "≥ 77%" in html and f'id="id_{row.anchor}-name_error"' in html
    plan_import.refresh_from_db()
    assert plan_import.result == before
    # A row that is not part of the import: a message, nothing changed.
    response = client.post(location, {"part": "tasks", "index": "99"}, follow=True)
    assert "Dòng này không thuộc lần nhập này." in response.content.decode()


def test_a_file_over_20_mb_is_refused_beside_the_field(client, dien_quang_new):
    client.force_login(_office_of(dien_quang_new))
    response = _upload(client, dien_quang_new, "to.docx", b"PK" + b"0" * (20 * 1024 * 1024))
    assert "Tệp lớn hơn 20 MB." in response.content.decode()
    assert not PlanImport.objects.exists()
