"""Unit aliases live with the units (communes.UnitAlias): the seed loader writes the seed's, the
importer the ones the standing office confirms, and re-imports resolve through them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from communes.models import AuditEntry, Role, UnitAlias
from onboarding.services import plan_import_upload
from tests.conftest import person
from tests.factories import CommuneFactory, UnitFactory
from tests.onboarding.documents import HEAD, docx_bytes


def _plan(lead: str) -> bytes:
    return docx_bytes(
        *HEAD,
        "KẾ HOẠCH",
        "Chuyển đổi số năm 2026",
        {
            "rows": [
                ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"],
                ["1", "Tập huấn kỹ năng số", lead, "Phòng Kinh tế", "Quý IV/2026"],
                ["2", "Số hóa hồ sơ", lead, "", "Quý III/2026"],
            ]
        },
    )


@pytest.mark.django_db
def test_the_seed_loader_writes_the_seeds_aliases(seeds):
    commune = seeds["dien-quang"]
    aliases = UnitAlias.objects.filter(commune=commune).select_related("unit")
    assert aliases.exists()
    for alias in aliases:
        assert alias.unit.commune_id == commune.pk and alias.key


@pytest.mark.django_db
def test_a_name_the_office_confirms_as_a_unit_is_kept_and_resolves_next_time(client):
    commune = CommuneFactory(code="thu-nghiem")
    culture = UnitFactory(commune=commune, short_name="Phòng VH-XH", name="Phòng Văn hóa - Xã hội")
    UnitFactory(commune=commune, short_name="Phòng Kinh tế", name="Phòng Kinh tế")
    office = person(Role.STANDING_OFFICE, commune=commune)
    plan_import = plan_import_upload(
        actor=office, commune=commune, name="kh.docx", data=_plan("Phòng VHTT-XH")
    )
    assert plan_import.result["proposed_units"] == [{"name": "Phòng VHTT-XH", "kind": "department"}]
    client.force_login(office)
    review = reverse("onboarding:review", args=[commune.code, plan_import.pk])
    html = client.get(review).content.decode()
    assert "Tên chưa có trong danh sách đơn vị" in html and "Phòng VHTT-XH" in html

    response = client.post(
        reverse("onboarding:alias", args=[commune.code, plan_import.pk]),
        {"name": "Phòng VHTT-XH", "unit": culture.pk},
        follow=True,
    )
    assert "«Phòng VHTT-XH» là Phòng VH-XH" in response.content.decode()
    alias = UnitAlias.objects.get(commune=commune)
    assert (alias.name, alias.unit) == ("Phòng VHTT-XH", culture)
    assert AuditEntry.objects.filter(object_id=alias.pk, field="alias").exists()
    plan_import.refresh_from_db()
    assert [task["lead"] for task in plan_import.result["tasks"]] == [["Phòng VH-XH"]] * 2
    assert plan_import.result["proposed_units"] == []
    assert not [f for f in plan_import.result["flags"] if "Phòng VHTT-XH" in f["message"]]

    # The next file resolves the name without asking.
    again = plan_import_upload(
        actor=office, commune=commune, name="kh2.docx", data=_plan("Phòng VHTT-XH")
    )
    assert [task["lead"] for task in again.result["tasks"]] == [["Phòng VH-XH"]] * 2

    # Another commune's unit is refused.
    foreign = UnitFactory(commune=CommuneFactory(code="xa-khac"), short_name="Phòng lạ")
    response = client.post(
        reverse("onboarding:alias", args=[commune.code, plan_import.pk]),
        {"name": "Phòng ABC", "unit": foreign.pk},
    )
    assert response.status_code == 404
    assert UnitAlias.objects.filter(commune=commune).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_aliases_to_communes():
    executor = MigrationExecutor(connection)
    before = [("onboarding", "0003_column_mapping")]
    after = [("onboarding", "0004_unit_alias_to_communes")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    province = apps.get_model("communes", "Province").objects.create(code="p", name="Tỉnh")
    commune = apps.get_model("communes", "Commune").objects.create(
        province=province, code="c", name="Xã"
    )
    unit = apps.get_model("communes", "Unit").objects.create(
        commune=commune, kind="police", name="Công an xã", short_name="Công an xã"
    )
    apps.get_model("onboarding", "UnitAlias").objects.create(
        commune=commune, unit=unit, name="Công an", key="công an"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    (alias,) = apps.get_model("communes", "UnitAlias").objects.filter(commune_id=commune.pk)
    assert (alias.commune_id, alias.unit_id, alias.name, alias.key) == (
        commune.pk,
        unit.pk,
        "Công an",
        "công an",
    )
    # And back.
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    try:
        aliases = apps.get_model("onboarding", "UnitAlias").objects.filter(commune_id=commune.pk)
        assert list(aliases.values_list("name", flat=True)) == ["Công an"]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
