"""An Nông's movement (seed 004) scored on known figures of 2026, worked out by hand below.

Indicator 8 (hồ sơ TTHC được số hóa, target 2026 "90%"), indicator 9 (DVC trực tuyến, "86%")
and the task «Xây dựng Chuyên mục về Chuyển đổi số …» (led by the public-service centre) come
from Kế hoạch 28/KH-UBND as seeded; two villages are added as support units of indicator 8.

Year 2026, approved reports (period "2026", due 15/01/2027):

| unit | report | ind. 8 a/b | ind. 9 a/b | task |
|---|---|---|---|---|
| Trung tâm phục vụ hành chính công | approved, on time | 180/200 = 90 % | 172/200 = 86 % | done |
| Phòng Kinh tế | approved, late | 153/200 = 76,5 % | 150/200 = 75 % | |
| Công an xã | approved, on time | 81/200 = 40,5 % | | |
| Trạm Y tế | returned | (200/200: not counted) | | |
| Phòng VH-XH | draft | (200/200: not counted) | | |
| Thôn Đông (village) | approved, on time | 95/100 = 95 % | | |
| Thôn Tây (village) | approved, late | 54/100 = 54 % | | |
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from communes.models import Role, Unit, UnitKind
from emulation.models import Audience, Basis, Criterion, EvaluationKind, Movement
from emulation.services import movement_phases_set
from indicators.models import Indicator
from plans.models import Plan
from reporting.models import IndicatorValue, Submission, SubmissionStatus, TaskProgress
from reporting.periods import TIME_ZONE
from reporting.services import period_ensure
from tasks.models import Task, TaskStatus
from tests.conftest import person

# After the 2026 reports' deadline (15/01/2027): every report of 2026 is due.
AFTER_DEADLINE = datetime(2027, 2, 1, 9, 0, tzinfo=TIME_ZONE)
ON_TIME = datetime(2027, 1, 10, 9, 0, tzinfo=TIME_ZONE)
LATE = datetime(2027, 1, 20, 9, 0, tzinfo=TIME_ZONE)


def _report(commune, period, unit, status, *, submitted=ON_TIME, figures=(), done_task=None):
    submission = Submission.objects.create(
        commune=commune,
        period=period,
        unit=unit,
        status=status,
        submitted_at=submitted if status != SubmissionStatus.DRAFT else None,
        is_late=submitted == LATE,
        reviewed_at=datetime.combine(date(2027, 1, 25), time(9), tzinfo=TIME_ZONE)
        if status in (SubmissionStatus.APPROVED, SubmissionStatus.RETURNED)
        else None,
    )
    for indicator, a, b in figures:
        IndicatorValue.objects.create(
            commune=commune,
            submission=submission,
            indicator=indicator,
            numerator=Decimal(a),
            denominator=Decimal(b),
        )
    if done_task is not None:
        TaskProgress.objects.create(
            commune=commune,
            submission=submission,
            task=done_task,
            status=TaskStatus.DONE,
            percent=100,
            result="Chuyên mục đã hoạt động trên Trang thông tin điện tử xã.",
        )
    return submission


@pytest.fixture
def an_nong(seeds):
    commune = seeds["an-nong"]
    units = {unit.short_name: unit for unit in commune.units.all()}
    dong = Unit.objects.create(
        commune=commune, kind=UnitKind.VILLAGE, name="Thôn Đông", short_name="Thôn Đông", order=90
    )
    tay = Unit.objects.create(
        commune=commune, kind=UnitKind.VILLAGE, name="Thôn Tây", short_name="Thôn Tây", order=91
    )
    indicator_8 = Indicator.objects.get(commune=commune, code="8")
    indicator_9 = Indicator.objects.get(commune=commune, code="9")
    indicator_8.support_units.add(dong, tay)
    task = Task.objects.get(
        commune=commune, name__startswith="Xây dựng Chuyên mục về Chuyển đổi số"
    )
    movement = Movement.objects.create(
        commune=commune,
        plan=Plan.objects.get(commune=commune, period_start=2026, period_end=2030),
        name="Phong trào thi đua Đổi mới sáng tạo, phát triển KHCN, CĐS giai đoạn 2026 - 2030",
        start_year=2026,
        end_year=2030,
        excellent_from=Decimal(90),
        good_from=Decimal(75),
        done_from=Decimal(50),
    )
    movement_phases_set(actor=None, movement=movement, phases=[(2026, 2027), (2028, 2030)])

    def criterion(name, basis, points, maximum=None, *, audience=Audience.UNITS, order=0, **more):
        return Criterion.objects.create(
            commune=commune,
            movement=movement,
            audience=audience,
            name=name,
            basis=basis,
            points=Decimal(points),
            maximum=Decimal(maximum if maximum is not None else points),
            evaluated_over=EvaluationKind.YEAR,
            order=order,
            **more,
        )

    criteria = {
        "share_8": criterion(
            "Chỉ tiêu 8", Basis.INDICATOR_SHARE, 10, indicator=indicator_8, order=1
        ),
        "rank_8": criterion(
            "Xếp hạng chỉ tiêu 8", Basis.INDICATOR_RANK, 6, indicator=indicator_8, order=2
        ),
        "achieved_9": criterion(
            "Chỉ tiêu 9", Basis.INDICATOR_ACHIEVED, 5, indicator=indicator_9, order=3
        ),
        "task": criterion("Nhiệm vụ chuyên mục CĐS", Basis.TASK_ON_TIME, 10, task=task, order=4),
        "reports": criterion("Báo cáo đúng hạn", Basis.REPORTS_ON_TIME, 10, order=5),
        "village_8": criterion(
            "Chỉ tiêu 8 tại thôn",
            Basis.INDICATOR_SHARE,
            20,
            22,
            audience=Audience.VILLAGES,
            indicator=indicator_8,
            order=1,
        ),
        "village_reports": criterion(
            "Báo cáo của thôn đúng hạn",
            Basis.REPORTS_ON_TIME,
            10,
            audience=Audience.VILLAGES,
            order=2,
        ),
        "village_check": criterion(
            "Kiểm tra của Ban Chỉ đạo", Basis.MANUAL, 10, audience=Audience.VILLAGES, order=3
        ),
    }
    period = period_ensure(commune, "2026")
    approved, returned, draft = (
        SubmissionStatus.APPROVED,
        SubmissionStatus.RETURNED,
        SubmissionStatus.DRAFT,
    )
    centre = units["Trung tâm phục vụ hành chính công"]
    _report(
        commune,
        period,
        centre,
        approved,
        figures=[(indicator_8, 180, 200), (indicator_9, 172, 200)],
        done_task=task,
    )
    _report(
        commune,
        period,
        units["Phòng Kinh tế"],
        approved,
        submitted=LATE,
        figures=[(indicator_8, 153, 200), (indicator_9, 150, 200)],
    )
    _report(commune, period, units["Công an xã"], approved, figures=[(indicator_8, 81, 200)])
    _report(commune, period, units["Trạm Y tế"], returned, figures=[(indicator_8, 200, 200)])
    _report(commune, period, units["Phòng VH-XH"], draft, figures=[(indicator_8, 200, 200)])
    _report(commune, period, dong, approved, figures=[(indicator_8, 95, 100)])
    _report(commune, period, tay, approved, submitted=LATE, figures=[(indicator_8, 54, 100)])
    office = person(Role.STANDING_OFFICE, commune=commune)
    return {
        "commune": commune,
        "movement": movement,
        "criteria": criteria,
        "period": period,
        "units": units,
        "dong": dong,
        "tay": tay,
        "office": office,
        "leader": person(Role.COMMUNE_LEADER, commune=commune),
        "inspector": person(Role.INSPECTOR, commune=commune),
        "staff": person(Role.UNIT_STAFF, commune=commune, unit=centre),
    }
