"""The province's consolidation kept in the cache equals a fresh one after every change it reads,
and what a report read (its fingerprint) moves with the earlier reports it reads too."""

from decimal import Decimal

import pytest

from communes.models import Commune, Unit, UnitKind
from dashboards.selectors import SORTS, province_dashboard
from reporting.consolidation import (
    consolidation_fingerprint,
    province_consolidation,
    province_consolidation_cached,
)
from reporting.models import Submission, SubmissionStatus, TaskProgress
from reporting.services import period_ensure, submission_approve, submission_reopen
from reports.selectors import commune_report_fingerprint, province_report_fingerprint
from tasks.deadlines import deadline_parse
from tasks.models import TaskStatus
from tests.factories import IndicatorValueFactory, ProvinceFactory, TaskFactory, UserFactory
from tests.reporting.test_consolidation import catalogue_row, commune_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_of_three(db):
    """Three communes, each with an indicator of the province's catalogue and a task due in
    December 2025; January's reports approved, March open."""
    province = ProvinceFactory(code="94", name="Tỉnh Lưu")
    catalogue = catalogue_row(province)
    communes = []
    for n in range(3):
        commune, unit, indicator = commune_with(province, catalogue, f"Lưu {n}")
        task = TaskFactory(plan=indicator.group.plan)
        task.deadline_apply(deadline_parse("Tháng 12/2025"))
        task.save()
        task.lead_units.add(unit)
        report(commune, unit, indicator, task, "202501", numerator=10 + n, percent=20)
        period_ensure(commune, "202503")  # the period the province reads
        communes.append((commune, unit, indicator, task))
    return province, communes


def report(commune, unit, indicator, task, code, *, numerator, percent, approve=True):
    """A unit's report of the period with a figure and the task's progress, submitted and, if
    asked, approved by the standing office through the service."""
    submission = Submission.objects.create(
        commune=commune,
        period=period_ensure(commune, code),
        unit=unit,
        status=SubmissionStatus.SUBMITTED,
    )
    IndicatorValueFactory(
        submission=submission,
        indicator=indicator,
        numerator=Decimal(numerator),
        denominator=Decimal(20),
        value=Decimal(numerator * 5),
    )
    TaskProgress.objects.create(
        submission=submission,
        commune=commune,
        task=task,
        status=TaskStatus.DONE if percent == 100 else TaskStatus.IN_PROGRESS,
        percent=percent,
        result=f"{code}: {percent} %",
    )
    if approve:
        submission_approve(actor=UserFactory(), submission=submission)
    return submission


def read(consolidation) -> str:
    """Everything the pages print of a consolidation (dataclasses write their fields, model rows
    their names): equal texts, equal pages."""
    return repr((consolidation.standings, consolidation.rows))


def assert_kept_equals_fresh(province, code):
    kept = province_consolidation_cached(province, code)
    fresh = province_consolidation(province, code)
    assert read(kept) == read(fresh)
    return read(kept)


def test_the_kept_consolidation_is_read_once_and_equals_a_fresh_one_after_each_change(
    province_of_three, monkeypatch
):
    province, communes = province_of_three
    before = assert_kept_equals_fresh(province, "202503")
    assert "'202501: 20 %'" not in before  # the province rows print no task's words

    # Kept: a second page reads the cache, not the communes' reports.
    def not_again(*args, **kwargs):
        raise AssertionError("read again although nothing changed")

    with monkeypatch.context() as patched:
        patched.setattr("reporting.consolidation.province_consolidation", not_again)
        assert read(province_consolidation_cached(province, "202503")) == before
        # The dashboard shares what is kept: reading it, sorted or by group, changes none of it.
        for sort in SORTS:
            province_dashboard(province, "202503", group="Hạ tầng số", sort=sort)
        assert read(province_consolidation_cached(province, "202503")) == before

    # February approved late, after March was read: the task is done, the figure moves.
    commune, unit, indicator, task = communes[0]
    february = report(commune, unit, indicator, task, "202502", numerator=19, percent=100)
    after_february = assert_kept_equals_fresh(province, "202503")
    assert after_february != before
    # Reopened: back to what January said.
    submission_reopen(actor=UserFactory(), submission=february, reason="Sửa số liệu")
    assert assert_kept_equals_fresh(province, "202503") == before

    # A commune renamed, a unit renamed: read again.
    Commune.objects.filter(pk=commune.pk).update(name="Xã Đổi Tên")
    renamed = assert_kept_equals_fresh(province, "202503")
    assert "Xã Đổi Tên" in renamed
    Unit.objects.filter(commune=commune, kind=UnitKind.STANDING_OFFICE).update(short_name="VH")
    assert_kept_equals_fresh(province, "202503")


def test_what_a_report_read_moves_with_an_earlier_report_not_with_a_later_one(province_of_three):
    province, communes = province_of_three
    commune, unit, indicator, task = communes[1]
    march = period_ensure(commune, "202503")
    province_read = province_report_fingerprint(province, "202503")
    commune_read = commune_report_fingerprint(march)

    # April's draft is not read by March's report: no false "the data changed".
    report(commune, unit, indicator, task, "202504", numerator=15, percent=50, approve=False)
    assert province_report_fingerprint(province, "202503") == province_read
    assert commune_report_fingerprint(march) == commune_read

    # February approved after March's report was made: it reads February's task progress.
    report(commune, unit, indicator, task, "202502", numerator=15, percent=100)
    assert province_report_fingerprint(province, "202503") != province_read
    assert commune_report_fingerprint(march) != commune_read


def test_the_fingerprint_of_one_commune_ignores_its_neighbours(province_of_three):
    province, communes = province_of_three
    first, second = communes[0][0], communes[1][0]
    own = consolidation_fingerprint("202503", pk=first.pk)
    whole = consolidation_fingerprint("202503", province=province)
    commune, unit, indicator, task = communes[1]
    report(commune, unit, indicator, task, "202502", numerator=11, percent=30)
    assert consolidation_fingerprint("202503", pk=first.pk) == own
    assert consolidation_fingerprint("202503", pk=second.pk) != own
    assert consolidation_fingerprint("202503", province=province) != whole
