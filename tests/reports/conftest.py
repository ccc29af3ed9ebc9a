"""A commune with known figures, rendered once per test module (PDF rendering is slow)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from decimal import Decimal

from communes.models import UnitKind
from indicators.models import MeasureKind
from plans.models import SigningAuthority
from reporting.models import IndicatorValue, Submission, SubmissionStatus, TaskProgress
from reporting.periods import TIME_ZONE
from reporting.services import period_ensure
from reports.models import CommuneReportText
from tasks.deadlines import deadline_parse
from tasks.models import TaskStatus
from tests.factories import (
    CommuneFactory,
    IndicatorFactory,
    IndicatorGroupFactory,
    PlanFactory,
    ProvinceFactory,
    TargetFactory,
    TaskFactory,
    TaskSectionFactory,
    UnitFactory,
)
from tests.reminders.conftest import broker_down  # noqa: F401 (a fixture: the outbox tests)

NFD_NARRATIVE = unicodedata.normalize("NFD", "Nghị định, Việt Nam, Hạnh phúc, Ủy ban")
NFD_RESULT = unicodedata.normalize("NFD", "Đã triển khai ở 3 thôn")
FORMULA = '=HYPERLINK("http://evil.invalid","bấm vào đây")'
TASKS = 40


def known_commune():
    """Xã Điền Thử 2025: a ratio 350/400, a count 1.250.000, an encouraged indicator, 40 tasks."""
    province = ProvinceFactory(code="t5", name="Ấn Định")
    commune = CommuneFactory(province=province, code="dien-thu", name="Điền Thử")
    office = UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH")
    economy = UnitFactory(commune=commune, short_name="Phòng Kinh tế")
    plan = PlanFactory(
        commune=commune,
        document_number="12/KH-UBND",
        issue_date=date(2025, 3, 1),
        title="Phát triển khoa học, công nghệ và chuyển đổi số năm 2025",
        period_start=2025,
        period_end=2025,
        signing_authority=SigningAuthority.DEPUTY,
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Nguyễn Văn A",
    )
    group = IndicatorGroupFactory(plan=plan, numeral="I", title="PHÁT TRIỂN Hạ Tầng")
    ratio = IndicatorFactory(
        group=group,
        code="1",
        name="Tỷ lệ hồ sơ trực tuyến toàn trình",
        numerator_definition="Số hồ sơ trực tuyến toàn trình",
        denominator_definition="Tổng số hồ sơ",
        order=1,
    )
    TargetFactory(indicator=ratio, text="≥ 80%", comparator="gte", value=80, is_percent=True)
    count = IndicatorFactory(
        group=group,
        code="2",
        name="Tổng kinh phí thực hiện chuyển đổi số",
        unit_of_measure="Đồng",
        measure_kind=MeasureKind.COUNT,
        order=2,
    )
    TargetFactory(indicator=count, text="1.000.000", comparator="gte", value=1000000)
    encouraged = IndicatorFactory(
        group=group, code="3", name="Số sáng kiến được công nhận", order=3
    )
    TargetFactory(indicator=encouraged, text="Khuyến khích", comparator="encouraged", value=None)
    for indicator in (ratio, count, encouraged):
        indicator.lead_units.set([economy])
    section = TaskSectionFactory(plan=plan, numeral="I", title="HOÀN THIỆN THỂ CHẾ")
    tasks = []
    for number in range(TASKS):
        task = TaskFactory(
            plan=plan,
            section=section,
            code=str(number + 1),
            name=f"Nhiệm vụ số {number + 1}: xây dựng và ban hành kế hoạch chuyển đổi số của xã",
            expected_result="Kế hoạch được UBND xã phê duyệt",
            deadline_text="Tháng 7/2025",
            order=number,
        )
        task.deadline_apply(deadline_parse(task.deadline_text))
        task.save()
        task.lead_units.set([economy])
        tasks.append(task)
    period = period_ensure(commune, "2025")
    submission = Submission.objects.create(
        commune=commune,
        period=period,
        unit=economy,
        status=SubmissionStatus.APPROVED,
        results="Hoàn thành kế hoạch.",
        difficulties="Thiếu kinh phí.",
        proposals="Đề nghị hỗ trợ.",
        submitted_at=datetime.combine(date(2025, 11, 20), time(9), tzinfo=TIME_ZONE),
    )
    IndicatorValue.objects.create(
        commune=commune,
        submission=submission,
        indicator=ratio,
        numerator=Decimal(350),
        denominator=Decimal(400),
    )
    IndicatorValue.objects.create(
        commune=commune, submission=submission, indicator=count, value=Decimal(1250000)
    )
    for number, task in enumerate(tasks):
        TaskProgress.objects.create(
            commune=commune,
            submission=submission,
            task=task,
            status=TaskStatus.DONE if number % 2 else TaskStatus.IN_PROGRESS,
            percent=100 if number % 2 else 60,
            result={0: FORMULA, 1: NFD_RESULT}.get(number, "Đã ban hành."),
        )
    CommuneReportText.objects.create(
        commune=commune,
        period=period,
        document_number="5",
        issued_on=date(2025, 6, 5),
        summary="Kết quả thực hiện Kế hoạch chuyển đổi số năm 2025",
        addressee="Sở Khoa học và Công nghệ tỉnh Ấn Định",
        results=NFD_NARRATIVE,
        recipients="Như trên;\nLưu: VT, VHXH.",
        signing_authority=SigningAuthority.DEPUTY,
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Nguyễn Văn A",
    )
    _ = office
    return {"commune": commune, "period": period, "ratio": ratio, "count": count, "tasks": tasks}
