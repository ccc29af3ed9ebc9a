"""Reading a report costs a fixed number of queries; the province adds ratios as Σa/Σb."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from indicators.models import MeasureKind, ProvinceIndicator
from reporting.consolidation import province_consolidation
from reporting.models import IndicatorValue, Submission, SubmissionStatus
from reporting.services import period_ensure
from reports.documents import province_document
from reports.excel import province_sheets, workbook_write
from reports.rendering import (
    commune_report_document,
    commune_report_html,
    province_report_document,
    province_report_html,
)
from reports.synthetic import synthetic_province_create
from tests.factories import (
    CommuneFactory,
    IndicatorFactory,
    IndicatorGroupFactory,
    PlanFactory,
    ProvinceFactory,
    TargetFactory,
    UnitFactory,
)
from tests.queries import assert_flat, queries_of

pytestmark = pytest.mark.django_db
TODAY = date(2025, 12, 20)


def _queries(work):
    return queries_of(work)


def _commune_report_queries(synthetic) -> int:
    period = synthetic.communes[0].periods.get(code=synthetic.period_code)

    def work():
        commune_report_html(commune_report_document(period, today=TODAY))

    return _queries(work)


def test_commune_report_queries_do_not_grow_with_indicators_or_tasks():
    small = synthetic_province_create(communes=1, indicators=6, tasks=3, code="q-s")
    large = synthetic_province_create(communes=1, indicators=30, tasks=24, code="q-l")
    assert_flat(_commune_report_queries(small), _commune_report_queries(large), "commune report")


def test_province_report_queries_do_not_grow_with_communes():
    def count(synthetic):
        def work():
            doc = province_report_document(synthetic.province, synthetic.period_code, today=TODAY)
            province_report_html(doc)
            province_sheets(doc)

        return _queries(work)

    small = synthetic_province_create(communes=2, indicators=10, tasks=4, code="q-2")
    large = synthetic_province_create(communes=9, indicators=20, tasks=8, code="q-9")
    assert_flat(count(small), count(large), "province report")


def _commune_with_ratio(province, name, unit_name, a, b, catalogue):
    commune = CommuneFactory(province=province, name=name)
    unit = UnitFactory(commune=commune, short_name=unit_name)
    plan = PlanFactory(commune=commune, period_start=2025, period_end=2025)
    group = IndicatorGroupFactory(plan=plan, numeral="I", title="Phát triển chuyển đổi số")
    indicator = IndicatorFactory(
        group=group,
        code="1",
        name="Tỷ lệ hồ sơ trực tuyến",
        numerator_definition="a",
        denominator_definition="b",
        province_indicator=catalogue,
    )
    indicator.lead_units.set([unit])
    TargetFactory(indicator=indicator, text="≥ 70%", comparator="gte", value=70)
    period = period_ensure(commune, "2025")
    submission = Submission.objects.create(
        commune=commune, period=period, unit=unit, status=SubmissionStatus.APPROVED
    )
    IndicatorValue.objects.create(
        commune=commune,
        submission=submission,
        indicator=indicator,
        numerator=Decimal(a),
        denominator=Decimal(b),
    )
    return commune


def test_province_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators():
    province = ProvinceFactory(code="t7", name="Hai Xã")
    catalogue = ProvinceIndicator.objects.create(
        province=province,
        code="1",
        name="Tỷ lệ hồ sơ trực tuyến",
        group="Phát triển chuyển đổi số",
        unit_of_measure="%",
        measure_kind=MeasureKind.PERCENT,
    )
    # 10/20 = 50 percent and 90/100 = 90 percent: the mean of the percentages would be 70,
    # the province's true share is 100/120 = 83,3 percent.
    _commune_with_ratio(province, "Nhỏ", "Phòng A", 10, 20, catalogue)
    _commune_with_ratio(province, "Lớn", "Phòng B", 90, 100, catalogue)
    consolidation = province_consolidation(province, "2025")
    row = consolidation.rows[0]
    assert (row.numerator, row.denominator) == (Decimal(100), Decimal(120))
    assert row.value == Decimal(100) * 100 / Decimal(120)
    assert row.communes_achieved == 1 and row.communes_assessed == 2

    doc = province_document(consolidation, today=TODAY)
    html = province_report_html(doc)
    assert "83,3" in html and "100/120" in html
    assert "KH: ≥ 70%" in html
    assert "70</td>" not in html
    workbook = load_workbook(BytesIO(workbook_write(province_sheets(doc))))
    values = workbook["Chỉ tiêu toàn tỉnh"]
    row_cells = next(r for r in values.iter_rows() if r[0].value == "1")
    assert row_cells[3].value == pytest.approx(100 * 100 / 120)
    assert (row_cells[4].value, row_cells[5].value) == (100, 120)
    matrix = workbook["Nhóm 1"]
    totals = next(r for r in matrix.iter_rows() if r[0].value == "Toàn tỉnh")
    assert totals[2].value == pytest.approx(100 * 100 / 120)
    assert (totals[3].value, totals[4].value) == (100, 120)
    # Each commune's target, actual, a and b, so that the officer can check Σa/Σb.
    small = next(r for r in matrix.iter_rows() if r[0].value == "Nhỏ")
    assert [c.value for c in small[1:6]] == [70, 50, 10, 20, "Chưa đạt"]
