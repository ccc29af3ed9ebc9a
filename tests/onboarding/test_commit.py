"""Committing an import: a draft plan, by natural key, audited, in a fixed number of queries."""

import pytest

from communes.models import AuditEntry, Unit, UnitAlias, UnitKind
from indicators.models import Indicator, Target
from onboarding.importer import plan_file_read
from onboarding.services import PlanImportError, plan_import_commit
from plans.models import Plan, PlanStatus
from tasks.deadlines import DeadlineKind
from tasks.models import Task
from tests.factories import CommuneFactory, UnitFactory, UserFactory
from tests.onboarding.documents import HEAD, docx_bytes
from tests.queries import assert_flat, queries_of

pytestmark = pytest.mark.django_db

INDICATOR_HEADER = [
    "STT",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Chỉ tiêu",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
]
TASK_HEADER = [
    "TT",
    "Nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Kết quả",
    "Kinh phí",
    "Thời gian",
]


def plan_file(
    indicators: int, tasks: int, *, target="50%", task_name="Tập huấn kỹ năng số"
) -> bytes:
    indicator_rows = [
        ["I", "HẠ TẦNG", "", "", "", ""],
        *(
            [str(n), f"Tỷ lệ số {n}", "%", target, "Phòng Văn hoá – Xã hội", "Công an"]
            for n in range(1, indicators + 1)
        ),
    ]
    task_rows = [
        [
            str(n),
            f"{task_name} {n}",
            "Phòng Kinh tế",
            "Các phòng, đơn vị liên quan",
            "Kế hoạch",
            "1.250,5",
            "Quý IV/2026",
        ]
        for n in range(1, tasks + 1)
    ]
    return docx_bytes(
        *HEAD,
        "KẾ HOẠCH",
        "Chuyển đổi số năm 2026",
        "PHỤ LỤC I",
        {"rows": [INDICATOR_HEADER, *indicator_rows], "merge": [(1, 1, 1, 5)]},
        "PHỤ LỤC II",
        {"rows": [TASK_HEADER, *task_rows]},
    )


@pytest.fixture
def commune():
    commune = CommuneFactory(name="Thử Nghiệm")
    office = UnitFactory(
        commune=commune,
        short_name="Phòng VH-XH",
        name="Phòng Văn hóa - Xã hội",
        kind=UnitKind.STANDING_OFFICE,
    )
    UnitFactory(
        commune=commune, short_name="Phòng Kinh tế", name="Phòng Kinh tế", kind=UnitKind.DEPARTMENT
    )
    police = UnitFactory(
        commune=commune, short_name="Công an xã", name="Công an xã", kind=UnitKind.POLICE
    )
    UnitAlias.objects.create(unit=police, name="Công an")
    assert office.pk
    return commune


def _commit(commune, data, **kwargs):
    return plan_import_commit(
        actor=kwargs.pop("actor", None),
        commune=commune,
        imported=plan_file_read(data, name="kh.docx", commune=commune),
        **kwargs,
    )


def test_commit_creates_a_draft_with_units_targets_deadlines_and_an_audit_row(commune):
    actor = UserFactory()
    plan = _commit(commune, plan_file(2, 2), actor=actor)
    assert (plan.key, plan.status, plan.document_number, plan.issue_date.isoformat()) == (
        "kh-12-2026",
        PlanStatus.DRAFT,
        "12/KH-UBND",
        "2026-03-05",
    )
    indicator = plan.indicators.get(code="1")
    # "Phòng Văn hoá – Xã hội" (old tone placement, en dash) is the unit "Phòng Văn hóa - Xã hội".
    assert [unit.short_name for unit in indicator.lead_units.all()] == ["Phòng VH-XH"]
    assert [unit.short_name for unit in indicator.support_units.all()] == ["Công an xã"]
    assert indicator.targets.get().text == "50%" and indicator.group.numeral == "I"
    task = plan.tasks.get(code="1")
    assert task.budget_million_vnd == pytest.approx(1250.5)
    assert (task.deadline_kind, task.due_date.isoformat()) == (DeadlineKind.DATE, "2026-12-31")
    assert task.support_text == "Các phòng, đơn vị liên quan"
    assert not task.support_units.exists()  # a collective name stays printed text
    entry = AuditEntry.objects.get(object_id=plan.pk, field="import")
    assert entry.actor == actor and entry.new_value == "2 chỉ tiêu, 2 nhiệm vụ, 0 đơn vị mới"


def test_reimporting_a_corrected_file_updates_the_draft_and_never_duplicates(commune):
    plan = _commit(commune, plan_file(3, 2))
    ids = set(plan.indicators.values_list("pk", flat=True))
    again = _commit(commune, plan_file(3, 2))
    assert again.pk == plan.pk and set(again.indicators.values_list("pk", flat=True)) == ids
    corrected = _commit(commune, plan_file(2, 2, target="≥ 60%", task_name="Bồi dưỡng"))
    assert corrected.pk == plan.pk
    assert Plan.objects.filter(commune=commune).count() == 1
    assert list(corrected.indicators.values_list("code", flat=True)) == ["1", "2"]
    assert set(Target.objects.filter(indicator__plan=plan).values_list("text", flat=True)) == {
        "≥ 60%"
    }
    assert list(corrected.tasks.values_list("name", flat=True)) == ["Bồi dưỡng 1", "Bồi dưỡng 2"]
    assert (
        Indicator.objects.filter(plan=plan).count() == 2
        and Task.objects.filter(plan=plan).count() == 2
    )


def test_a_plan_in_force_is_never_overwritten(commune):
    plan = _commit(commune, plan_file(2, 1))
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_FORCE)
    with pytest.raises(PlanImportError, match="đã có hiệu lực"):
        _commit(commune, plan_file(1, 1, target="99%"))
    assert plan.indicators.count() == 2
    assert set(Target.objects.filter(indicator__plan=plan).values_list("text", flat=True)) == {
        "50%"
    }


def test_a_new_communes_names_become_new_units_of_a_guessed_kind():
    commune = CommuneFactory()
    plan = _commit(commune, plan_file(1, 1))
    assert sorted(commune.units.values_list("short_name", "kind")) == [
        ("Công an", UnitKind.POLICE),
        ("Phòng Kinh tế", UnitKind.DEPARTMENT),
        ("Phòng Văn hoá – Xã hội", UnitKind.DEPARTMENT),
    ]
    assert plan.tasks.get().lead_units.get().short_name == "Phòng Kinh tế"


def _queries(commune, indicators, tasks) -> int:
    imported = plan_file_read(plan_file(indicators, tasks), name="kh.docx", commune=commune)
    return queries_of(
        lambda: plan_import_commit(
            actor=None, commune=commune, imported=imported, key=f"kh-{indicators}"
        )
    )


def test_commit_query_count_is_flat_in_the_number_of_rows(commune):
    assert_flat(_queries(commune, 3, 2), _queries(commune, 30, 20), "plan import commit")
    # And for re-imports, which update instead of create.
    assert_flat(_queries(commune, 3, 2), _queries(commune, 30, 20), "re-import")


def test_commit_query_count_with_new_units_is_flat_too():
    assert_flat(
        _queries(CommuneFactory(), 3, 2),
        _queries(CommuneFactory(), 30, 20),
        "commit with new units",
    )


def test_unit_count_of_a_commit_is_what_was_proposed(commune):
    before = Unit.objects.count()
    _commit(commune, plan_file(2, 2))
    assert Unit.objects.count() == before
