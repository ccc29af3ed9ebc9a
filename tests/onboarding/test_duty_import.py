"""The plan's reporting duty comes in with the file: the sentence that sets it is kept as
printed on the plan, and a duty that fixes no day leaves the commune's reporting schedule for
the standing office to complete (issue 14, item 4), as the plan form and the seed loader do."""

import pytest
from django.core.management import call_command

from onboarding.head import duty_read
from onboarding.importer import plan_file_read
from onboarding.services import plan_import_commit
from reporting.models import ReportingSchedule
from tests.onboarding.comparison import DATA, commune_with_seed_units

pytestmark = pytest.mark.django_db


def test_the_sentence_that_fixes_days_is_the_duty():
    paragraphs = [
        "Chỉ đạo tổng hợp kết quả; báo cáo UBND xã hằng tháng, quý, năm và đột xuất theo định kỳ.",
        "- Định kỳ, trước ngày 15 hằng tháng (báo cáo tháng), gửi báo cáo về Phòng Văn hóa - Xã hội."
        " Trong quá trình thực hiện nếu có khó khăn, báo cáo UBND xã.",
    ]
    assert duty_read(paragraphs) == (
        "Định kỳ, trước ngày 15 hằng tháng (báo cáo tháng), gửi báo cáo về Phòng Văn hóa - Xã hội."
    )


def test_without_a_day_the_first_sentence_naming_the_duty():
    assert duty_read(["Mở đầu.", "Các đơn vị duy trì chế độ báo cáo định kỳ và đột xuất."]) == (
        "Các đơn vị duy trì chế độ báo cáo định kỳ và đột xuất."
    )
    assert duty_read(["Không có gì về chế độ."]) == ""


def _commit(seed: str, file_name: str):
    commune = commune_with_seed_units(seed, code=f"{seed}-import")
    imported = plan_file_read((DATA / file_name).read_bytes(), name=file_name, commune=commune)
    plan = plan_import_commit(actor=None, commune=commune, imported=imported, merges_confirmed=True)
    return commune, plan


def test_a_duty_without_days_leaves_the_schedule_to_the_office():
    commune, plan = _commit("an-nong", "an-nong-2026.docx")
    assert "chế độ báo cáo định kỳ và đột xuất" in plan.reporting_duty
    incomplete = ReportingSchedule.objects.filter(commune=commune, needs_completion=True)
    assert sorted(incomplete.values_list("kind", flat=True)) == sorted(
        [kind for kind, _label in ReportingSchedule._meta.get_field("kind").choices]
    )
    assert {schedule.duty_text for schedule in incomplete} == {plan.reporting_duty}
    assert plan.schedules_to_complete


def test_a_duty_with_its_days_asks_nothing():
    commune, plan = _commit("dien-quang", "dien-quang-kh-2025.docx")
    assert plan.reporting_duty.startswith("Định kỳ, trước ngày 15 hằng tháng")
    assert not ReportingSchedule.objects.filter(commune=commune, needs_completion=True).exists()


def test_the_command_says_the_schedule_needs_completing(capsys):
    commune = commune_with_seed_units("an-nong", code="an-nong-cli")
    call_command(
        "import_plan",
        str(DATA / "an-nong-2026.docx"),
        "--commune",
        commune.code,
        "--confirm-merges",
    )
    assert "Chế độ báo cáo không ghi ngày: hãy bổ sung lịch báo cáo" in capsys.readouterr().out
    assert ReportingSchedule.objects.filter(commune=commune, needs_completion=True).count() == 4
