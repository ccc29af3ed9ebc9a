"""Demo figures for the seed communes: past periods with approved, late, returned and missing reports.

Every demo submission says so in its narrative ("[DEMO]"), and creating them is refused unless
asked for with --demo on a database that holds only the seed communes
(communes.demo.demo_data_guard): production never holds them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from communes.demo import demo_data_guard, seed_commune_codes
from communes.models import Commune
from indicators.models import MeasureKind
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    TaskProgress,
)
from reporting.periods import TIME_ZONE, PeriodKind
from reporting.selectors import unit_report, units_expected
from reporting.services import periods_ensure_until, task_latest_progress_refresh
from tasks.models import Task, TaskStatus

DEMO_MARK = "[DEMO] "
# How each commune's units behave, so the review pages show a realistic mix.
OUTCOMES = [("approved", 70), ("late", 14), ("returned", 6), ("missing", 10)]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TIME_ZONE)


def _figure(rng: random.Random, item, progress: float) -> dict:
    """A plausible value: ratios climb towards the target over the year. A percentage comes as
    its numerator and denominator, as units report it, so that the province adds them (Σa/Σb)."""
    indicator = item.indicator
    target = item.target.value if item.target and item.target.value is not None else None
    if indicator.is_ratio or indicator.measure_kind == MeasureKind.PERCENT:
        denominator = Decimal(rng.choice([120, 250, 400, 860, 1200, 3500]))
        aim = float(target) if target is not None else 60.0
        share = max(0.05, min(1.0, (aim * (0.7 + 0.35 * progress) + rng.uniform(-6, 6)) / 100))
        return {
            "numerator": (denominator * Decimal(str(round(share, 3)))).quantize(Decimal(1)),
            "denominator": denominator,
        }
    if indicator.measure_kind == MeasureKind.MILESTONE:
        return {"is_done": progress > 0.8 and rng.random() < 0.7}
    if indicator.measure_kind == MeasureKind.TEXT:
        return {"text": DEMO_MARK + "Đã xây dựng dự thảo báo cáo."}
    if indicator.measure_kind == MeasureKind.COUNT:
        return {"value": Decimal(rng.randint(0, 3))}
    aim = float(target) if target is not None else 50.0
    return {
        "value": Decimal(
            str(round(min(100.0, aim * (0.7 + 0.35 * progress) + rng.uniform(-5, 5)), 1))
        )
    }


@transaction.atomic
def demo_figures_create(*, demo: bool, today: date | None = None) -> dict[str, int]:
    demo_data_guard(demo=demo, what="Demo figures")
    today = today or timezone.localdate()
    counts = {"submissions": 0, "missing": 0}
    for commune in Commune.objects.filter(code__in=seed_commune_codes()):
        periods_ensure_until(commune, today, since=date(2025, 1, 1))
        past = ReportingPeriod.objects.filter(commune=commune, deadline__lt=_at(today, 0)).exclude(
            kind=PeriodKind.AD_HOC
        )
        for period in past.order_by("deadline"):
            units = units_expected(commune, period)
            for unit in units:
                rng = random.Random(f"{commune.code}/{period.code}/{unit.pk}")
                outcome = rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[
                    0
                ]
                if outcome == "missing":
                    counts["missing"] += 1
                    continue
                submission, created = Submission.objects.get_or_create(
                    period=period, unit=unit, defaults={"commune": commune}
                )
                if not created:
                    continue
                report = unit_report(submission)
                if not report.indicators and not report.tasks:
                    submission.delete()
                    continue
                progress = (period.window_end.month) / 12
                for item in report.indicators:
                    IndicatorValue.objects.create(
                        submission=submission,
                        commune=commune,
                        indicator=item.indicator,
                        **_figure(rng, item, progress),
                    )
                for item in report.tasks:
                    percent = min(100, int(100 * progress * rng.uniform(0.6, 1.2)))
                    TaskProgress.objects.create(
                        submission=submission,
                        commune=commune,
                        task=item.task,
                        status=TaskStatus.DONE if percent >= 100 else TaskStatus.IN_PROGRESS,
                        percent=percent,
                        result=DEMO_MARK + "Đang triển khai theo kế hoạch.",
                    )
                deadline_day = timezone.localtime(period.deadline).date()
                late = outcome == "late"
                submitted = _at(
                    deadline_day + timedelta(days=rng.randint(1, 6))
                    if late
                    else deadline_day - timedelta(days=rng.randint(1, 5)),
                    9,
                )
                submission.results = (
                    DEMO_MARK + f"Số liệu minh họa của {unit.short_name} cho {period.label}."
                )
                submission.difficulties = (
                    DEMO_MARK + "Thiếu kinh phí và nhân lực chuyên trách về chuyển đổi số."
                )
                submission.proposals = (
                    DEMO_MARK + "Đề nghị tỉnh hỗ trợ tập huấn kỹ năng số cho cán bộ."
                )
                submission.submitted_at, submission.is_late = submitted, late
                if outcome == "returned":
                    submission.status = SubmissionStatus.RETURNED
                    submission.review_comment = (
                        DEMO_MARK + "Đề nghị bổ sung minh chứng cho số liệu."
                    )
                else:
                    submission.status = SubmissionStatus.APPROVED
                submission.reviewed_at = submitted + timedelta(days=1)
                submission.save()
                counts["submissions"] += 1
    task_latest_progress_refresh(Task.objects.filter(commune__code__in=seed_commune_codes()))
    return counts
