"""A synthetic province for the report benchmark and the query-count tests: N communes, each with
a plan, units, indicators linked to the province's catalogue, tasks, an annual period and
approved unit reports. Bulk inserts only; callers run it inside a transaction they roll back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from communes.models import Commune, Province, Unit, UnitKind
from indicators.models import (
    Indicator,
    IndicatorGroup,
    MeasureKind,
    ProvinceIndicator,
    Target,
)
from plans.models import Plan, PlanStatus, SigningAuthority
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    TaskProgress,
)
from reporting.periods import TIME_ZONE, PeriodKind
from reporting.services import task_latest_progress_refresh
from tasks.deadlines import deadline_parse
from tasks.models import Task, TaskSection, TaskStatus

GROUPS = [
    "Phát triển hạ tầng",
    "Phát triển nguồn lực",
    "Phát triển khoa học, công nghệ",
    "Phát triển hệ sinh thái đổi mới sáng tạo",
    "Phát triển chuyển đổi số",
]
DEADLINES = ["Tháng 7/2025", "Quý IV/2025", "Tháng 9/2025", "Năm 2025", "Hàng năm"]


# The tables a synthetic province fills (the benchmark vacuums them between runs).
SYNTHETIC_MODELS = (
    Province,
    ProvinceIndicator,
    Commune,
    Unit,
    Plan,
    IndicatorGroup,
    Indicator,
    Indicator.lead_units.through,
    Target,
    TaskSection,
    Task,
    Task.lead_units.through,
    ReportingPeriod,
    Submission,
    IndicatorValue,
    TaskProgress,
)
SYNTHETIC_TABLES = [model._meta.db_table for model in SYNTHETIC_MODELS]


@dataclass
class SyntheticProvince:
    province: Province
    communes: list[Commune]
    period_code: str


def _kind(index: int) -> str:
    # Mostly ratios, as in the real catalogues; a count, a rate per 10,000 and a milestone each 10.
    return {3: MeasureKind.COUNT, 6: MeasureKind.RATE_PER_10K, 9: MeasureKind.MILESTONE}.get(
        index % 10, MeasureKind.PERCENT
    )


def synthetic_province_create(
    *,
    communes: int,
    indicators: int = 33,
    tasks: int = 12,
    units: int = 6,
    year: int = 2025,
    code: str = "bench",
    seed: int = 57,
) -> SyntheticProvince:
    rng = random.Random(seed)
    province = Province.objects.create(code=code[:8], name="Thử nghiệm")
    catalogue = ProvinceIndicator.objects.bulk_create(
        ProvinceIndicator(
            province=province,
            code=str(index + 1),
            name=f"Chỉ tiêu thử nghiệm số {index + 1} về chuyển đổi số cấp xã",
            group=GROUPS[index * len(GROUPS) // indicators],
            unit_of_measure={
                MeasureKind.COUNT: "Doanh nghiệp",
                MeasureKind.RATE_PER_10K: "Người/01 vạn dân",
                MeasureKind.MILESTONE: "Hoàn thành",
            }.get(_kind(index), "%"),
            measure_kind=_kind(index),
            order=index,
        )
        for index in range(indicators)
    )
    commune_rows = Commune.objects.bulk_create(
        Commune(province=province, code=f"{code}-{number:03d}", name=f"Thử {number:03d}")
        for number in range(1, communes + 1)
    )
    unit_rows = Unit.objects.bulk_create(
        Unit(
            commune=commune,
            kind=UnitKind.STANDING_OFFICE if number == 0 else UnitKind.DEPARTMENT,
            name=f"Đơn vị {number}",
            short_name="Phòng VH-XH" if number == 0 else f"Phòng {number}",
            order=number,
        )
        for commune in commune_rows
        for number in range(units)
    )
    units_of = {commune.pk: [] for commune in commune_rows}
    for unit in unit_rows:
        units_of[unit.commune_id].append(unit)
    plans = Plan.objects.bulk_create(
        Plan(
            commune=commune,
            key=f"kh-{year}",
            document_number=f"{number + 1}/KH-UBND",
            title=f"Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số năm {year}",
            issuing_body=f"UBND xã {commune.name}",
            signing_authority=SigningAuthority.ON_BEHALF,
            signer_title="CHỦ TỊCH",
            signer_name="Nguyễn Văn A",
            period_start=year,
            period_end=year,
            status=PlanStatus.IN_FORCE,
        )
        for number, commune in enumerate(commune_rows)
    )
    groups = IndicatorGroup.objects.bulk_create(
        IndicatorGroup(
            commune_id=plan.commune_id,
            plan=plan,
            numeral=["I", "II", "III", "IV", "V"][number],
            title=title,
            order=number,
        )
        for plan in plans
        for number, title in enumerate(GROUPS)
    )
    group_of = {(group.plan_id, group.title): group for group in groups}
    indicator_rows = Indicator.objects.bulk_create(
        Indicator(
            commune_id=plan.commune_id,
            plan=plan,
            group=group_of[(plan.pk, row.group)],
            code=row.code,
            province_indicator=row,
            name=row.name,
            unit_of_measure=row.unit_of_measure,
            measure_kind=row.measure_kind,
            numerator_definition="a" if row.measure_kind in RATIO_KINDS else "",
            denominator_definition="b" if row.measure_kind in RATIO_KINDS else "",
            order=row.order,
        )
        for plan in plans
        for row in catalogue
    )
    Indicator.lead_units.through.objects.bulk_create(
        Indicator.lead_units.through(
            indicator_id=indicator.pk,
            unit_id=units_of[indicator.commune_id][1 + indicator.order % (units - 1)].pk,
        )
        for indicator in indicator_rows
    )
    Target.objects.bulk_create(
        Target(
            commune_id=indicator.commune_id,
            indicator=indicator,
            year=year,
            **_target(indicator.measure_kind),
        )
        for indicator in indicator_rows
    )
    sections = TaskSection.objects.bulk_create(
        TaskSection(commune_id=plan.commune_id, plan=plan, numeral=numeral, title=title, order=n)
        for plan in plans
        for n, (numeral, title) in enumerate(
            [("I", "Hoàn thiện thể chế"), ("II", "Phát triển hạ tầng số")]
        )
    )
    sections_of = {}
    for section in sections:
        sections_of.setdefault(section.plan_id, []).append(section)
    task_rows = []
    for plan in plans:
        for number in range(tasks):
            task = Task(
                commune_id=plan.commune_id,
                plan=plan,
                section=sections_of[plan.pk][number * 2 // tasks],
                code=str(number + 1),
                name=f"Nhiệm vụ thử nghiệm số {number + 1} của xã",
                expected_result="Kế hoạch được UBND xã phê duyệt",
                deadline_text=DEADLINES[number % len(DEADLINES)],
                order=number,
            )
            task.deadline_apply(deadline_parse(task.deadline_text))
            task_rows.append(task)
    task_rows = Task.objects.bulk_create(task_rows)
    Task.lead_units.through.objects.bulk_create(
        Task.lead_units.through(
            task_id=task.pk, unit_id=units_of[task.commune_id][1 + task.order % (units - 1)].pk
        )
        for task in task_rows
    )
    window_start, window_end = date(year - 1, 12, 15), date(year, 12, 14)
    deadline = datetime.combine(date(year, 12, 1), time.min, tzinfo=TIME_ZONE)
    periods = ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            commune=commune,
            kind=PeriodKind.YEAR,
            code=str(year),
            window_start=window_start,
            window_end=window_end,
            deadline=deadline,
        )
        for commune in commune_rows
    )
    period_of = {period.commune_id: period for period in periods}
    submissions = []
    for commune in commune_rows:
        for unit in units_of[commune.pk]:
            if rng.random() < 0.08:
                continue  # this unit never reported
            late = rng.random() < 0.15
            submissions.append(
                Submission(
                    commune=commune,
                    period=period_of[commune.pk],
                    unit=unit,
                    status=SubmissionStatus.APPROVED,
                    results="Hoàn thành các nội dung theo kế hoạch.",
                    difficulties="Thiếu nhân lực chuyên trách.",
                    proposals="Đề nghị tỉnh hỗ trợ tập huấn.",
                    submitted_at=deadline + timedelta(days=2 if late else -3),
                    is_late=late,
                    reviewed_at=timezone.now(),
                )
            )
    submissions = Submission.objects.bulk_create(submissions)
    submission_of = {(s.commune_id, s.unit_id): s for s in submissions}
    lead_of = {indicator.pk: None for indicator in indicator_rows}
    for indicator in indicator_rows:
        lead_of[indicator.pk] = units_of[indicator.commune_id][1 + indicator.order % (units - 1)].pk
    values = []
    for indicator in indicator_rows:
        submission = submission_of.get((indicator.commune_id, lead_of[indicator.pk]))
        if submission is None:
            continue
        values.append(
            IndicatorValue(
                commune_id=indicator.commune_id,
                submission=submission,
                indicator=indicator,
                **_value(rng, indicator.measure_kind),
            )
        )
    IndicatorValue.objects.bulk_create(values)
    progress = []
    for task in task_rows:
        unit_id = units_of[task.commune_id][1 + task.order % (units - 1)].pk
        submission = submission_of.get((task.commune_id, unit_id))
        if submission is None:
            continue
        status = rng.choice([TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.DONE_LATE])
        progress.append(
            TaskProgress(
                commune_id=task.commune_id,
                submission=submission,
                task=task,
                status=status,
                percent=100 if status != TaskStatus.IN_PROGRESS else rng.randint(10, 90),
                result="Đã ban hành kế hoạch." if status != TaskStatus.IN_PROGRESS else "",
                period_end=window_end,
            )
        )
    TaskProgress.objects.bulk_create(progress)
    task_latest_progress_refresh(Task.objects.filter(commune__in=commune_rows))
    return SyntheticProvince(province=province, communes=commune_rows, period_code=str(year))


RATIO_KINDS = {MeasureKind.PERCENT, MeasureKind.RATE_PER_10K}


def _target(kind: str) -> dict:
    if kind == MeasureKind.MILESTONE:
        return {"text": "X", "comparator": "done"}
    if kind == MeasureKind.COUNT:
        return {"text": "2", "comparator": "gte", "value": Decimal(2)}
    if kind == MeasureKind.RATE_PER_10K:
        return {"text": "≥ 2,5", "comparator": "gte", "value": Decimal("2.5")}
    return {"text": "≥ 70%", "comparator": "gte", "value": Decimal(70), "is_percent": True}


def _value(rng: random.Random, kind: str) -> dict:
    if kind == MeasureKind.MILESTONE:
        return {"is_done": rng.random() < 0.6}
    if kind == MeasureKind.COUNT:
        return {"value": Decimal(rng.randint(0, 5))}
    if kind == MeasureKind.RATE_PER_10K:
        return {"numerator": Decimal(rng.randint(0, 9)), "denominator": Decimal(15000)}
    denominator = Decimal(rng.choice([120, 400, 860, 1250, 3500]))
    return {
        "numerator": (denominator * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal(1)),
        "denominator": denominator,
    }
