"""The national demo data set: the 34 provinces with their real commune counts, each commune with
a plan drawn from one of the seed plans' shapes, its units and staff, monthly periods from 2025 to
today and unit reports in every state. Bulk inserts only; what it makes is labelled: commune codes
start with `demo-` (communes/demo.py lets the demo commands run again over them) and every name
says "(mẫu)". The data set of `manage.py bench_national`.
"""

from __future__ import annotations

import random
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from communes.demo import DEMO_CODE_PREFIX, SEEDS_DIR
from communes.models import Commune, CommuneKind, Membership, Province, Role, Unit, UnitKind
from indicators.models import Indicator, IndicatorGroup, ProvinceIndicator, Target
from indicators.targets import target_parse
from plans.models import Plan, PlanStatus, SigningAuthority
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    ReportingSchedule,
    Submission,
    SubmissionStatus,
    TaskProgress,
)
from reporting.periods import PeriodKind, period_deadline, period_parse, period_window
from reporting.services import task_latest_progress_refresh
from tasks.deadlines import deadline_parse
from tasks.models import Task, TaskSection, TaskStatus

PROVINCES_FILE = Path(SEEDS_DIR).parent / "national" / "provinces-2025.toml"
# The seed plans whose shapes the communes take, in turn: (commune folder, plan file).
SHAPES = [
    ("dien-quang", "kh-2025.toml"),
    ("truong-giang", "qd-536-2025.toml"),
    ("an-nong", "kh-28-2026.toml"),
]
NAME_PARTS = [
    "An", "Bình", "Phú", "Tân", "Hòa", "Thạnh", "Long", "Phước", "Đông", "Tây", "Nam", "Bắc",
    "Xuân", "Hưng", "Thịnh", "Quang", "Minh", "Thuận", "Lộc", "Hải", "Sơn", "Trung", "Vĩnh",
    "Đức", "Thành", "Lạc", "Yên", "Mỹ", "Khánh", "Hiệp",
]  # fmt: skip
RATIO_KINDS = {"percent", "rate_per_10k", "share_budget", "share_grdp"}
DEMO_PASSWORD = "demo-national-2025"  # published with the demo: never on a real installation
# A unit's head, its deputy and the clerk who enters its figures: each is reminded of the
# unit's reports (the busiest reminder day of the country then holds some 190,000).
STAFF_PER_UNIT = 3


@dataclass
class Shape:
    units: list[dict]
    groups: list[dict]
    indicators: list[dict]
    tasks: list[dict]


def shapes_load() -> list[Shape]:
    shapes = []
    for folder, plan_file in SHAPES:
        commune = tomllib.loads((SEEDS_DIR / folder / "commune.toml").read_text(encoding="utf-8"))
        plan = tomllib.loads((SEEDS_DIR / folder / plan_file).read_text(encoding="utf-8"))
        indicators = [row for row in plan.get("indicators", []) if not row.get("heading")]
        shapes.append(
            Shape(
                units=commune["units"],
                groups=plan.get("indicator_groups", []),
                indicators=indicators,
                tasks=[row for row in plan.get("tasks", []) if row.get("deadline")],
            )
        )
    return shapes


def provinces_load() -> list[dict]:
    return tomllib.loads(PROVINCES_FILE.read_text(encoding="utf-8"))["provinces"]


def commune_counts(provinces: list[dict], total: int | None) -> dict[str, int]:
    """Each province's communes: its real count, or shares of `total` (at least one each)."""
    real = {p["code"]: p["xa"] + p["phuong"] + p["dac_khu"] for p in provinces}
    if total is None:
        return real
    whole = sum(real.values())
    return {code: max(1, round(count * total / whole)) for code, count in real.items()}


def _months(first: date, today: date) -> list[str]:
    codes, month = [], first
    while month <= today:
        codes.append(f"{month.year}{month.month:02d}")
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return codes


@dataclass
class BuildResult:
    provinces: int = 0
    communes: int = 0
    submissions: int = 0
    values: int = 0
    progress: int = 0


def national_demo_create(
    *,
    communes: int | None = None,
    province_codes: list[str] | None = None,
    today: date | None = None,
    seed: int = 2025,
    staff_per_unit: int = STAFF_PER_UNIT,
    log=lambda message: None,
) -> BuildResult:
    """Create the demo provinces (all, or `province_codes`) with their communes; a province whose
    demo communes exist already is left as it is, so a stopped run can be resumed."""
    today = today or timezone.localdate()
    shapes = shapes_load()
    provinces = provinces_load()
    if province_codes:
        provinces = [p for p in provinces if p["code"] in province_codes]
    counts = commune_counts(provinces, communes)
    password = make_password(DEMO_PASSWORD)
    result = BuildResult()
    for number, row in enumerate(provinces):
        rng = random.Random(f"{seed}-{row['code']}")
        with transaction.atomic():
            province, _created = Province.objects.get_or_create(
                code=row["code"], defaults={"name": row["name"]}
            )
            if Commune.objects.filter(
                province=province, code__startswith=DEMO_CODE_PREFIX
            ).exists():
                log(f"{province.name}: already there, left as it is")
                continue
            made = _province_build(
                province, row, counts[row["code"]], shapes, rng, today, password, staff_per_unit
            )
        result.provinces += 1
        for name in ("communes", "submissions", "values", "progress"):
            setattr(result, name, getattr(result, name) + getattr(made, name))
        log(
            f"[{number + 1}/{len(provinces)}] {province.name}: {made.communes} communes, "
            f"{made.submissions} reports, {made.values} figures, {made.progress} task progress"
        )
    if result.provinces and connection.vendor == "postgresql":
        # Bulk inserts leave the planner's statistics at empty tables until autovacuum comes
        # round: measured at 3,321 communes, a commune dashboard took 591 ms before and 162 ms
        # after, its figures read by a sequential scan of 1.7 M rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result


def _kinds(row: dict, count: int) -> list[str]:
    """The province's mix of xã, phường and đặc khu, scaled to `count`."""
    real = [CommuneKind.COMMUNE] * row["xa"] + [CommuneKind.WARD] * row["phuong"]
    real += [CommuneKind.SPECIAL_ZONE] * row["dac_khu"]
    step = len(real) / count
    return [real[int(index * step)] for index in range(count)]


def _province_build(
    province, row, count, shapes, rng, today, password, staff_per_unit
) -> BuildResult:
    code = province.code
    # The catalogue: every indicator of the shapes, by name (communes word them alike).
    catalogue_rows, catalogue_of = [], {}
    for shape in shapes:
        group_titles = {group["numeral"]: group["title"] for group in shape.groups}
        for indicator in shape.indicators:
            key = indicator["name"].casefold()
            if key not in catalogue_of:
                catalogue_of[key] = len(catalogue_rows)
                catalogue_rows.append(
                    ProvinceIndicator(
                        province=province,
                        code=str(len(catalogue_rows) + 1),
                        name=indicator["name"],
                        group=group_titles.get(indicator.get("group"), "Chỉ tiêu khác")[:200],
                        unit_of_measure=indicator.get("unit", ""),
                        measure_kind=indicator.get("kind", "percent"),
                        order=len(catalogue_rows),
                    )
                )
    existing = {p.name.casefold(): p for p in ProvinceIndicator.objects.filter(province=province)}
    fresh = [p for p in catalogue_rows if p.name.casefold() not in existing]
    if existing:
        offset = len(existing)
        for n, p in enumerate(fresh):
            p.code, p.order = f"m{offset + n + 1}", offset + n
    ProvinceIndicator.objects.bulk_create(fresh)
    catalogue = {p.name.casefold(): p for p in [*existing.values(), *fresh]}

    kinds = _kinds(row, count)
    commune_rows = Commune.objects.bulk_create(
        Commune(
            province=province,
            code=f"{DEMO_CODE_PREFIX}{code}-{n + 1:03d}",
            name=f"{NAME_PARTS[n % 30]} {NAME_PARTS[(n * 7 + 3) % 30]} {n // 30 + 1} (mẫu)",
            kind=kind,
        )
        for n, kind in enumerate(kinds)
    )
    shape_of = {commune.pk: n % len(shapes) for n, commune in enumerate(commune_rows)}
    unit_rows = Unit.objects.bulk_create(
        Unit(
            commune=commune,
            kind=unit.get("kind", UnitKind.DEPARTMENT),
            name=unit["name"],
            short_name=unit["short_name"],
            order=order,
        )
        for commune in commune_rows
        for order, unit in enumerate(shapes[shape_of[commune.pk]].units)
    )
    units_of = defaultdict(dict)
    for unit in unit_rows:
        units_of[unit.commune_id][unit.short_name] = unit

    # Staff: the standing office, the leader, `staff_per_unit` people in each unit; and the
    # province's officer.
    users, memberships = [], []
    for commune in commune_rows:
        seats = [(Role.STANDING_OFFICE, None, 1), (Role.COMMUNE_LEADER, None, 1)] + [
            (Role.UNIT_STAFF, unit, seat)
            for unit in units_of[commune.pk].values()
            for seat in range(1, staff_per_unit + 1)
        ]
        for role, unit, seat in seats:
            suffix = f"-{seat}" if seat > 1 else ""
            username = f"{commune.code}-{role}-{unit.pk if unit else 0}{suffix}"[:150]
            users.append(
                User(
                    username=username,
                    full_name=f"Cán bộ {unit.short_name if unit else role}{suffix} (mẫu)",
                    email=f"{username}@demo.invalid",
                    password=password,
                )
            )
            memberships.append((role, commune, unit))
    officer = User(
        username=f"{DEMO_CODE_PREFIX}{code}-province",
        full_name=f"Cán bộ Sở KH&CN {province.name} (mẫu)",
        email=f"{DEMO_CODE_PREFIX}{code}-province@demo.invalid",
        password=password,
    )
    users = User.objects.bulk_create([*users, officer])
    Membership.objects.bulk_create(
        [
            Membership(user=user, role=role, commune=commune, unit=unit)
            for user, (role, commune, unit) in zip(users, memberships, strict=False)
        ]
        + [Membership(user=users[-1], role=Role.PROVINCE_OFFICER, province=province)]
    )

    plans = Plan.objects.bulk_create(
        Plan(
            commune=commune,
            key="kh-2025-2030",
            document_number=f"{n + 1}/KH-UBND",
            title="Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số giai đoạn "
            f"2025-2030 trên địa bàn {commune.name}",
            issuing_body=f"UBND {commune.name}",
            signing_authority=SigningAuthority.ON_BEHALF,
            signer_title="PHÓ CHỦ TỊCH",
            signer_name="Nguyễn Văn An",
            period_start=2025,
            period_end=2030,
            status=PlanStatus.IN_FORCE,
        )
        for n, commune in enumerate(commune_rows)
    )
    groups = IndicatorGroup.objects.bulk_create(
        IndicatorGroup(
            commune_id=plan.commune_id,
            plan=plan,
            numeral=group["numeral"],
            title=group["title"][:300],
            order=order,
        )
        for plan in plans
        for order, group in enumerate(shapes[shape_of[plan.commune_id]].groups)
    )
    group_of = {(g.plan_id, g.numeral): g for g in groups}
    first_group = {}
    for g in groups:
        first_group.setdefault(g.plan_id, g)
    indicator_rows, indicator_shape = [], []
    for plan in plans:
        shape = shapes[shape_of[plan.commune_id]]
        for order, row_ in enumerate(shape.indicators):
            indicator_rows.append(
                Indicator(
                    commune_id=plan.commune_id,
                    plan=plan,
                    group=group_of.get((plan.pk, row_.get("group")), first_group[plan.pk]),
                    code=row_["code"],
                    province_indicator=catalogue[row_["name"].casefold()],
                    name=row_["name"],
                    unit_of_measure=row_.get("unit", ""),
                    measure_kind=row_.get("kind", "percent"),
                    direction=row_.get("direction", "higher"),
                    numerator_definition=row_.get("numerator", "")
                    or ("a" if row_.get("kind", "percent") in RATIO_KINDS else ""),
                    denominator_definition=row_.get("denominator", "")
                    or ("b" if row_.get("kind", "percent") in RATIO_KINDS else ""),
                    order=order,
                )
            )
            indicator_shape.append(row_)
    indicator_rows = Indicator.objects.bulk_create(indicator_rows)

    def lead_of(commune_id, names, order):
        units = units_of[commune_id]
        chosen = [units[name] for name in names if name in units]
        if chosen:
            return chosen[0]
        others = [unit for unit in units.values() if unit.kind != UnitKind.STANDING_OFFICE]
        return (others or list(units.values()))[order % max(1, len(others or units))]

    indicator_lead = {
        indicator.pk: lead_of(indicator.commune_id, shape.get("lead", []), indicator.order)
        for indicator, shape in zip(indicator_rows, indicator_shape, strict=True)
    }
    Indicator.lead_units.through.objects.bulk_create(
        Indicator.lead_units.through(indicator_id=pk, unit_id=unit.pk)
        for pk, unit in indicator_lead.items()
    )
    parsed_targets = {}
    targets = []
    for indicator, shape in zip(indicator_rows, indicator_shape, strict=True):
        by_year = {int(year): text for year, text in (shape.get("targets") or {}).items()}
        if by_year and 2026 not in by_year:
            by_year.setdefault(2026, by_year[min(by_year)])
        for year, text in by_year.items():
            if text not in parsed_targets:
                try:
                    parsed_targets[text] = target_parse(text)
                except ValueError:
                    parsed_targets[text] = None
            parsed = parsed_targets[text]
            if parsed is None:
                continue
            targets.append(
                Target(
                    commune_id=indicator.commune_id,
                    indicator=indicator,
                    year=year,
                    text=text,
                    comparator=parsed.comparator,
                    value=parsed.value,
                    value_max=parsed.value_max,
                    is_percent=parsed.is_percent,
                    note=parsed.note,
                )
            )
    Target.objects.bulk_create(targets, batch_size=2000)

    sections = TaskSection.objects.bulk_create(
        TaskSection(commune_id=plan.commune_id, plan=plan, numeral=numeral, title=title, order=n)
        for plan in plans
        for n, (numeral, title) in enumerate(
            [("I", "Hoàn thiện thể chế, chính sách"), ("II", "Triển khai nhiệm vụ trọng tâm")]
        )
    )
    sections_of = defaultdict(list)
    for section in sections:
        sections_of[section.plan_id].append(section)
    task_rows, task_shape = [], []
    deadlines = {}
    for plan in plans:
        shape = shapes[shape_of[plan.commune_id]]
        for order, row_ in enumerate(shape.tasks):
            task = Task(
                commune_id=plan.commune_id,
                plan=plan,
                section=sections_of[plan.pk][order * 2 // max(1, len(shape.tasks))],
                code=str(order + 1),
                name=row_["name"][:500],
                expected_result=row_.get("result", "")[:500],
                deadline_text=row_["deadline"],
                order=order,
            )
            if row_["deadline"] not in deadlines:
                deadlines[row_["deadline"]] = deadline_parse(row_["deadline"])
            task.deadline_apply(deadlines[row_["deadline"]])
            task_rows.append(task)
            task_shape.append(row_)
    task_rows = Task.objects.bulk_create(task_rows, batch_size=2000)
    task_lead = {
        task.pk: lead_of(task.commune_id, shape.get("lead", []), task.order)
        for task, shape in zip(task_rows, task_shape, strict=True)
    }
    Task.lead_units.through.objects.bulk_create(
        (Task.lead_units.through(task_id=pk, unit_id=unit.pk) for pk, unit in task_lead.items()),
        batch_size=5000,
    )

    # Periods: every month from January 2025 to this month, windows from the default schedule.
    months = _months(date(2025, 1, 1), today)
    schedule = ReportingSchedule.default_for(commune_rows[0], PeriodKind.MONTH)
    windows = {}
    for code_ in months:
        period = period_parse(code_)
        start, end = period_window(period, schedule.cutoff_rule)
        windows[code_] = (start, end, period_deadline(period, schedule.deadline_rule))
    periods = ReportingPeriod.objects.bulk_create(
        (
            ReportingPeriod(
                commune=commune,
                kind=PeriodKind.MONTH,
                code=code_,
                window_start=windows[code_][0],
                window_end=windows[code_][1],
                deadline=windows[code_][2],
            )
            for commune in commune_rows
            for code_ in months
        ),
        batch_size=5000,
    )
    indicators_by_lead = defaultdict(list)
    for indicator in indicator_rows:
        indicators_by_lead[indicator_lead[indicator.pk].pk].append(indicator)
    tasks_by_lead = defaultdict(list)
    for task in task_rows:
        tasks_by_lead[task_lead[task.pk].pk].append(task)

    now = timezone.now()
    submissions = []
    for period in periods:
        start, end, deadline = windows[period.code]
        is_open = deadline.date() >= today
        for unit in units_of[period.commune_id].values():
            if unit.pk not in indicators_by_lead and unit.pk not in tasks_by_lead:
                continue
            draw = rng.random()
            if is_open:  # the month under way: some in, most not yet
                status = (
                    SubmissionStatus.APPROVED
                    if draw < 0.3
                    else SubmissionStatus.SUBMITTED
                    if draw < 0.5
                    else SubmissionStatus.DRAFT
                    if draw < 0.6
                    else None
                )
            else:
                status = (
                    None  # never reported
                    if draw < 0.04
                    else SubmissionStatus.RETURNED
                    if draw < 0.07
                    else SubmissionStatus.SUBMITTED
                    if draw < 0.09
                    else SubmissionStatus.APPROVED
                )
            if status is None:
                continue
            late = status != SubmissionStatus.DRAFT and rng.random() < 0.12
            submitted = deadline + (timedelta(days=rng.randint(1, 9)) if late else -timedelta(1))
            submissions.append(
                Submission(
                    commune_id=period.commune_id,
                    period=period,
                    unit=unit,
                    status=status,
                    results="Triển khai các nội dung theo kế hoạch.",
                    difficulties="Thiếu nhân lực chuyên trách về chuyển đổi số."
                    if rng.random() < 0.3
                    else "",
                    proposals="Đề nghị tỉnh hỗ trợ tập huấn." if rng.random() < 0.2 else "",
                    submitted_at=None if status == SubmissionStatus.DRAFT else submitted,
                    is_late=late,
                    reviewed_at=min(submitted + timedelta(days=2), now)
                    if status in (SubmissionStatus.APPROVED, SubmissionStatus.RETURNED)
                    else None,
                    review_comment="Đề nghị bổ sung số liệu."
                    if status == SubmissionStatus.RETURNED
                    else "",
                )
            )
    submissions = Submission.objects.bulk_create(submissions, batch_size=5000)

    month_of = {
        period.pk: int(period.code[4:]) + 12 * (int(period.code[:4]) - 2025) for period in periods
    }
    period_end = {period.pk: period.window_end for period in periods}
    values, progress = [], []
    for submission in submissions:
        month = month_of[submission.period_id]
        share = min(1, (month + rng.random() * 3) / 24)
        for indicator in indicators_by_lead.get(submission.unit_id, []):
            values.append(_value(indicator, share, rng, submission))
        for task in tasks_by_lead.get(submission.unit_id, []):
            percent = min(100, int(share * 100) + rng.randint(-10, 15))
            status = TaskStatus.DONE if percent >= 100 else TaskStatus.IN_PROGRESS
            progress.append(
                TaskProgress(
                    commune_id=submission.commune_id,
                    submission=submission,
                    task=task,
                    status=status,
                    percent=max(0, percent),
                    result="Đã hoàn thành." if status == TaskStatus.DONE else "",
                    period_end=period_end[submission.period_id],
                )
            )
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    TaskProgress.objects.bulk_create(progress, batch_size=5000)
    task_latest_progress_refresh(Task.objects.filter(commune__in=commune_rows))
    return BuildResult(
        provinces=1,
        communes=len(commune_rows),
        submissions=len(submissions),
        values=len(values),
        progress=len(progress),
    )


def _value(indicator, share, rng, submission) -> IndicatorValue:
    fields = {}
    kind = indicator.measure_kind
    if kind in RATIO_KINDS:
        denominator = rng.randint(200, 5000)
        numerator = int(denominator * min(1.0, share * rng.uniform(0.6, 1.2)))
        fields = {"numerator": Decimal(numerator), "denominator": Decimal(denominator)}
        if kind == "rate_per_10k":
            fields["numerator"] = Decimal(int(denominator * share / 50))
    elif kind == "milestone":
        fields = {"is_done": rng.random() < share}
    elif kind == "count":
        fields = {"value": Decimal(int(share * rng.randint(1, 30)))}
    else:
        fields = {"text": "Đang triển khai"}
    return IndicatorValue(
        commune_id=submission.commune_id, submission=submission, indicator=indicator, **fields
    )
