"""The commune's results and the province's consolidation: the rules users check by hand."""

from decimal import Decimal

import pytest

from communes.models import Commune, UnitKind
from indicators.assessment import Assessment
from indicators.models import MeasureKind, ProvinceIndicator
from reporting.consolidation import province_consolidation, province_standings
from reporting.models import SubmissionStatus, TaskProgress
from reporting.results import TaskState, commune_results
from reporting.selectors import units_expected
from reporting.services import period_ensure
from tasks.deadlines import deadline_parse
from tasks.models import TaskStatus
from tests.factories import (
    CommuneFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PlanFactory,
    ProvinceFactory,
    SubmissionFactory,
    TargetFactory,
    TaskFactory,
    UnitFactory,
)
from tests.queries import assert_flat, queries_of


def commune_with(province, catalogue, name, *, kind=MeasureKind.PERCENT, target="≥ 70"):
    """A commune whose plan has one indicator linked to the province's `catalogue` row."""
    commune = CommuneFactory(province=province, name=name)
    unit = UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH")
    plan = PlanFactory(commune=commune, period_start=2025, period_end=2025)
    indicator = IndicatorFactory(
        group__plan=plan,
        measure_kind=kind,
        province_indicator=catalogue,
        numerator_definition="a" if kind != MeasureKind.COUNT else "",
        denominator_definition="b" if kind != MeasureKind.COUNT else "",
    )
    indicator.lead_units.add(unit)
    value_text = target.replace("≥ ", "")
    TargetFactory(indicator=indicator, text=target, value=Decimal(value_text))
    return commune, unit, indicator


@pytest.fixture
def province(db):
    return ProvinceFactory(code="97", name="Tỉnh Thử")


def catalogue_row(province, code="1", kind=MeasureKind.PERCENT):
    return ProvinceIndicator.objects.create(
        province=province, code=code, name=f"Chỉ tiêu {code}", group="Hạ tầng số", measure_kind=kind
    )


def test_ratio_consolidates_as_sum_of_a_over_sum_of_b_not_mean_of_percentages(province):
    row = catalogue_row(province)
    small, small_unit, small_indicator = commune_with(province, row, "Xã Nhỏ")
    big, big_unit, big_indicator = commune_with(province, row, "Xã Lớn")
    # 9/10 = 90 % and 100/1000 = 10 %: the mean would say 50 %, the province is 109/1010.
    IndicatorValueFactory(
        submission=SubmissionFactory(
            period=period_ensure(small, "2025"), unit=small_unit, approved=True
        ),
        indicator=small_indicator,
        numerator=9,
        denominator=10,
    )
    IndicatorValueFactory(
        submission=SubmissionFactory(
            period=period_ensure(big, "2025"), unit=big_unit, approved=True
        ),
        indicator=big_indicator,
        numerator=100,
        denominator=1000,
    )

    consolidated = province_consolidation(province, "2025")

    (result,) = consolidated.rows
    assert (result.numerator, result.denominator) == (109, 1010)
    assert result.value.quantize(Decimal("0.01")) == Decimal("10.79")
    assert result.communes_reporting == 2
    assert (result.communes_assessed, result.communes_achieved) == (2, 1)
    assert result.cells[small.pk].verdict.assessment == Assessment.ACHIEVED
    assert result.cells[big.pk].verdict.assessment == Assessment.NOT_ACHIEVED


def test_counts_sum_rates_per_10k_divide_summed_counts_and_milestones_count(province):
    counts = catalogue_row(province, "1", MeasureKind.COUNT)
    rates = catalogue_row(province, "2", MeasureKind.RATE_PER_10K)
    milestones = catalogue_row(province, "3", MeasureKind.MILESTONE)
    for name, count, people, done in [("Xã A", 3, 12000, True), ("Xã B", 2, 8000, False)]:
        commune, unit, indicator = commune_with(
            province, counts, name, kind=MeasureKind.COUNT, target="≥ 1"
        )
        plan = indicator.plan
        rate = IndicatorFactory(
            group=indicator.group,
            plan=plan,
            measure_kind=MeasureKind.RATE_PER_10K,
            province_indicator=rates,
            numerator_definition="a",
            denominator_definition="dân số",
        )
        milestone = IndicatorFactory(
            group=indicator.group,
            plan=plan,
            measure_kind=MeasureKind.MILESTONE,
            province_indicator=milestones,
        )
        TargetFactory(indicator=milestone, text="X", comparator="done", value=None)
        for extra in (rate, milestone):
            extra.lead_units.add(unit)
        submission = SubmissionFactory(
            period=period_ensure(commune, "2025"), unit=unit, approved=True
        )
        IndicatorValueFactory(submission=submission, indicator=indicator, value=count)
        IndicatorValueFactory(
            submission=submission, indicator=rate, numerator=count, denominator=people
        )
        IndicatorValueFactory(submission=submission, indicator=milestone, is_done=done)

    consolidated = province_consolidation(province, "2025")
    by_code = {row.indicator.code: row for row in consolidated.rows}

    assert by_code["1"].value == 5
    # (3 + 2) people per 20,000: 2.5 per 10,000, not the mean of 2.5 and 2.5 by luck only.
    assert (by_code["2"].numerator, by_code["2"].denominator) == (5, 20000)
    assert by_code["2"].value == Decimal("2.5")
    assert (by_code["3"].value, by_code["3"].denominator) == (1, 2)
    assert by_code["3"].communes_achieved == 1


def test_a_percentage_without_a_and_b_stays_out_of_the_sum_and_is_counted(province):
    row = catalogue_row(province)
    one, one_unit, one_indicator = commune_with(province, row, "Xã Một")
    two, two_unit, two_indicator = commune_with(province, row, "Xã Hai")
    IndicatorValueFactory(
        submission=SubmissionFactory(
            period=period_ensure(one, "2025"), unit=one_unit, approved=True
        ),
        indicator=one_indicator,
        numerator=3,
        denominator=4,
    )
    IndicatorValueFactory(
        submission=SubmissionFactory(
            period=period_ensure(two, "2025"), unit=two_unit, approved=True
        ),
        indicator=two_indicator,
        value=Decimal(90),
    )

    (result,) = province_consolidation(province, "2025").rows

    assert (result.value, result.communes_without_ab, result.communes_reporting) == (75, 1, 2)


def test_only_approved_reports_count_and_compliance_is_per_commune(province):
    row = catalogue_row(province)
    on_time, unit_a, indicator_a = commune_with(province, row, "Xã Đúng Hạn")
    late, unit_b, indicator_b = commune_with(province, row, "Xã Muộn")
    silent, _unit_c, _indicator_c = commune_with(province, row, "Xã Chưa Nộp")
    commune_with(province, row, "Xã Chưa Mở Kỳ")  # its period was never opened
    IndicatorValueFactory(
        submission=SubmissionFactory(
            period=period_ensure(on_time, "2025"), unit=unit_a, approved=True
        ),
        indicator=indicator_a,
        numerator=8,
        denominator=10,
    )
    submitted = SubmissionFactory(
        period=period_ensure(late, "2025"),
        unit=unit_b,
        approved=True,
        late=True,
        status=SubmissionStatus.SUBMITTED,
    )
    IndicatorValueFactory(submission=submitted, indicator=indicator_b, numerator=1, denominator=10)
    period_ensure(silent, "2025")

    consolidated = province_consolidation(province, "2025")
    standing = {s.commune.name: s for s in consolidated.standings}

    (result,) = consolidated.rows
    assert (result.numerator, result.denominator) == (8, 10)  # the unapproved 1/10 is left out
    assert (standing["Xã Đúng Hạn"].on_time, standing["Xã Đúng Hạn"].missing) == (1, 0)
    assert (standing["Xã Muộn"].late, standing["Xã Muộn"].on_time) == (1, 0)
    assert standing["Xã Chưa Nộp"].missing == 1
    assert standing["Xã Chưa Mở Kỳ"].period is None
    assert standing["Xã Đúng Hạn"].rank == 1
    assert consolidated.standings[0].commune.name == "Xã Đúng Hạn"
    # The to-do list's reading (no indicator or task judged) gives the same standings.
    assert _compliance(province_standings(province, "2025")) == _compliance(consolidated.standings)


def _compliance(standings):
    fields = ("units_expected", "on_time", "late", "missing", "returned", "has_plan")
    return {
        s.commune.pk: (s.period, *(getattr(s, name) for name in fields), s.late_units)
        for s in standings
    }


def test_consolidation_queries_do_not_grow_with_communes(province):
    row = catalogue_row(province)

    def add_commune(n):
        commune, unit, indicator = commune_with(province, row, f"Xã {n}")
        TaskFactory(plan=indicator.plan).lead_units.add(unit)
        submission = SubmissionFactory(
            period=period_ensure(commune, "2025"), unit=unit, approved=True
        )
        IndicatorValueFactory(
            submission=submission, indicator=indicator, numerator=n, denominator=10
        )

    def count():
        return queries_of(lambda: province_consolidation(province, "2025"))

    add_commune(1)
    add_commune(2)
    few = count()
    for n in range(3, 9):
        add_commune(n)
    assert_flat(few, count(), "province consolidation")


def test_task_states_at_the_end_of_the_period(db):
    commune = CommuneFactory()
    unit = UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH")
    plan = PlanFactory(commune=commune, period_start=2025, period_end=2025)

    def task(deadline):
        created = TaskFactory(plan=plan, deadline_text=deadline)
        created.deadline_apply(deadline_parse(deadline))
        created.save()
        created.lead_units.add(unit)
        return created

    done, late, overdue, running, untouched, yearly = (
        task("Tháng 7/2025"),
        task("Tháng 7/2025"),
        task("Tháng 7/2025"),
        task("Quý IV/2025"),
        task("Quý IV/2025"),
        task("Hàng năm"),
    )
    july = SubmissionFactory(period=period_ensure(commune, "202507"), unit=unit, approved=True)
    TaskProgress.objects.create(
        submission=july,
        commune=commune,
        task=done,
        status=TaskStatus.DONE,
        percent=100,
        result="Đã ban hành",
    )
    TaskProgress.objects.create(
        submission=july, commune=commune, task=overdue, status=TaskStatus.IN_PROGRESS, percent=60
    )
    TaskProgress.objects.create(
        submission=july, commune=commune, task=running, status=TaskStatus.IN_PROGRESS, percent=40
    )
    september = SubmissionFactory(period=period_ensure(commune, "202509"), unit=unit, approved=True)
    TaskProgress.objects.create(
        submission=september, commune=commune, task=late, status=TaskStatus.DONE, percent=100
    )

    results = commune_results(commune, period_ensure(commune, "202510"))
    states = {result.task.pk: result for result in results.tasks}

    assert states[done.pk].state == TaskState.DONE
    assert states[done.pk].result == "Đã ban hành"
    assert states[late.pk].state == TaskState.DONE_LATE
    assert states[overdue.pk].state == TaskState.OVERDUE
    assert states[running.pk].state == TaskState.IN_PROGRESS
    assert states[untouched.pk].state == TaskState.NOT_STARTED
    assert states[yearly.pk].due_date.isoformat() == "2025-12-31"
    assert results.task_counts()[TaskState.OVERDUE] == 1


def test_the_lead_units_progress_decides_over_a_support_units_later_report(province):
    row = catalogue_row(province)
    commune, lead, indicator = commune_with(province, row, "Xã Có Phối Hợp")
    support = UnitFactory(commune=commune, short_name="Công an xã")
    shared, supported_only = TaskFactory(plan=indicator.plan), TaskFactory(plan=indicator.plan)
    for task in (shared, supported_only):
        task.deadline_apply(deadline_parse("Quý IV/2025"))
        task.save()
        task.lead_units.add(lead)
        task.support_units.add(support)
    june = SubmissionFactory(period=period_ensure(commune, "202506"), unit=lead, approved=True)
    TaskProgress.objects.create(
        submission=june, commune=commune, task=shared, status=TaskStatus.IN_PROGRESS, percent=50
    )
    # Later, the support unit calls both tasks done: only the one the lead never reported on is.
    november = SubmissionFactory(
        period=period_ensure(commune, "202511"), unit=support, approved=True
    )
    for task in (shared, supported_only):
        TaskProgress.objects.create(
            submission=november, commune=commune, task=task, status=TaskStatus.DONE, percent=100
        )

    results = commune_results(commune, period_ensure(commune, "2025"))
    states = {result.task.pk: (result.state, result.percent) for result in results.tasks}
    assert states[shared.pk] == (TaskState.IN_PROGRESS, 50)
    assert states[supported_only.pk] == (TaskState.DONE, 100)
    (standing,) = province_consolidation(province, "2025").standings
    assert (standing.tasks_total, standing.tasks_done_on_time) == (2, 1)


def test_seed_commune_results_cover_the_plan_in_force(seeds):
    dien_quang = Commune.objects.get(code="dien-quang")
    results = commune_results(dien_quang, period_ensure(dien_quang, "2025"))
    assert len(results.indicators) == 21 and len(results.tasks) == 9
    assert results.indicator_counts()[Assessment.NO_DATA] == 21
    assert all(result.target and result.target.year == 2025 for result in results.indicators)
    truong_giang = Commune.objects.get(code="truong-giang")
    results = commune_results(truong_giang, period_ensure(truong_giang, "2027"))
    # No target is set for 2027: the 2030 milestone is shown and nothing is assessed.
    assert all(result.target is None for result in results.indicators)
    # 1.1 (enterprises) is first set for 2035, 2.5 ("X") for 2045.
    milestones = {result.indicator.code: result.milestone.year for result in results.indicators}
    assert (milestones["1.2"], milestones["1.1"], milestones["2.5"]) == (2030, 2035, 2045)


def test_a_commune_without_a_plan_in_force_owes_no_report(province):
    row = catalogue_row(province)
    commune, unit, indicator = commune_with(province, row, "Xã Kế Hoạch Sau")
    indicator.plan.period_start = indicator.plan.period_end = 2026
    indicator.plan.save()
    period = period_ensure(commune, "2025")

    (standing,) = province_consolidation(province, "2025").standings

    assert (standing.units_expected, standing.missing) == (0, 0)
    assert not standing.has_plan
    assert _compliance(province_standings(province, "2025")) == _compliance([standing])
    assert units_expected(commune, period) == []
    assert units_expected(commune, period_ensure(commune, "2026")) == [unit]
