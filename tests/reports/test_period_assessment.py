"""A monthly, quarterly or 6-month report judges each figure against the target path to the
period, not against the year's target, and says so (issue 15: "0/21 chỉ tiêu đạt" in June)."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from communes.models import UnitKind
from indicators.assessment import Assessment
from reporting.models import IndicatorValue, Submission, SubmissionStatus
from reporting.periods import TIME_ZONE
from reporting.results import commune_results
from reporting.services import period_ensure
from reports.rendering import commune_report_document, commune_report_html
from tests.factories import (
    CommuneFactory,
    IndicatorFactory,
    IndicatorGroupFactory,
    PlanFactory,
    TargetFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def commune_with_june_figure(percent: int):
    """A ratio with targets ≥ 50% for 2025 and ≥ 74% for 2026: the path reaches 62% in June
    2026, halfway between them."""
    commune = CommuneFactory(code="lo-trinh", name="Lộ Trình")
    UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH")
    economy = UnitFactory(commune=commune, short_name="Phòng Kinh tế")
    plan = PlanFactory(commune=commune, period_start=2025, period_end=2026)
    group = IndicatorGroupFactory(plan=plan, numeral="I", title="Hạ tầng số")
    ratio = IndicatorFactory(group=group, code="1", name="Tỷ lệ hồ sơ trực tuyến")
    ratio.lead_units.set([economy])
    TargetFactory(indicator=ratio, year=2025, text="≥ 50%", value=50, is_percent=True)
    TargetFactory(indicator=ratio, year=2026, text="≥ 74%", value=74, is_percent=True)
    results = {}
    for code in ("202606", "2026"):
        period = period_ensure(commune, code)
        submission = Submission.objects.create(
            commune=commune,
            period=period,
            unit=economy,
            status=SubmissionStatus.APPROVED,
            submitted_at=datetime.combine(date(2026, 7, 1), time(9), tzinfo=TIME_ZONE),
        )
        IndicatorValue.objects.create(
            commune=commune,
            submission=submission,
            indicator=ratio,
            numerator=Decimal(percent),
            denominator=Decimal(100),
        )
        results[code] = period
    return commune, results


def test_june_is_judged_on_the_path_not_on_december(seeds):
    commune, periods = commune_with_june_figure(62)
    (june,) = commune_results(commune, periods["202606"]).indicators
    assert june.verdict.assessment == Assessment.ACHIEVED  # on the path: 62% by June
    assert june.standing.expected == Decimal(62)
    (year,) = commune_results(commune, periods["2026"]).indicators
    assert year.verdict.assessment == Assessment.NOT_ACHIEVED  # the year's 74% is not reached


def test_the_june_report_says_what_it_compares_with(seeds):
    _commune, periods = commune_with_june_figure(62)
    doc = commune_report_document(periods["202606"], today=date(2026, 7, 5))
    body = " ".join(block.text for block in doc.body)
    assert "so với mức cần đạt đến hết tháng 6 năm 2026 theo lộ trình thực hiện kế hoạch" in body
    assert "(số liệu tính từ ngày 15/5/2026 đến ngày 14/6/2026)" in body  # the data window
    assert "có 1/1 chỉ tiêu đạt hoặc đúng tiến độ" in body
    assert "0/1 chỉ tiêu đạt" not in body
    html = commune_report_html(doc)
    assert "Tỷ lệ so với lộ trình đến kỳ báo cáo (%)" in html
    (row,) = doc.indicator_groups[0].rows
    assert (row.assessment, row.percent) == ("Đúng tiến độ", "100")
    assert row.target == "≥ 74%; lộ trình đến kỳ: 62"

    annual = commune_report_document(periods["2026"], today=date(2027, 1, 5))
    body = " ".join(block.text for block in annual.body)
    assert "có 0/1 chỉ tiêu đạt và vượt kế hoạch năm" in body
    assert "Tỷ lệ so với kế hoạch năm (%)" in commune_report_html(annual)


def test_behind_the_path_is_named_with_the_path_value(seeds):
    _commune, periods = commune_with_june_figure(50)
    doc = commune_report_document(periods["202606"], today=date(2026, 7, 5))
    texts = [block.text for block in doc.body]
    body = " ".join(texts)
    assert "1 chỉ tiêu chậm tiến độ" in body
    # By group: a sentence, then the indicators behind the path one a line.
    assert (
        "a) Hạ tầng số: 0/1 chỉ tiêu đạt hoặc đúng tiến độ. Có 1 chỉ tiêu chậm so với mức cần đạt:"
        in texts
    )
    assert "- Tỷ lệ hồ sơ trực tuyến: thực hiện 50 (50/100), cần đạt 62." in texts
    (row,) = doc.indicator_groups[0].rows
    assert row.assessment == "Chậm tiến độ"


def test_the_annual_report_reads_the_year_figures_whatever_the_reporting_kinds(seeds):
    """A commune that reports monthly: its year's report takes the latest approved month."""
    commune = CommuneFactory(code="hang-thang", name="Hằng Tháng")
    UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH")
    economy = UnitFactory(commune=commune, short_name="Phòng Kinh tế")
    plan = PlanFactory(commune=commune, period_start=2026, period_end=2026)
    group = IndicatorGroupFactory(plan=plan, numeral="I", title="Hạ tầng số")
    ratio = IndicatorFactory(group=group, code="1", name="Tỷ lệ hồ sơ trực tuyến")
    ratio.lead_units.set([economy])
    TargetFactory(indicator=ratio, year=2026, text="≥ 74%", value=74, is_percent=True)
    for code, percent, status in (
        ("202609", 70, SubmissionStatus.APPROVED),
        ("202610", 80, SubmissionStatus.APPROVED),
        ("202611", 99, SubmissionStatus.SUBMITTED),  # not approved: not read
    ):
        submission = Submission.objects.create(
            commune=commune,
            period=period_ensure(commune, code),
            unit=economy,
            status=status,
            submitted_at=datetime.combine(date(2026, 11, 1), time(9), tzinfo=TIME_ZONE),
        )
        IndicatorValue.objects.create(
            commune=commune,
            submission=submission,
            indicator=ratio,
            numerator=Decimal(percent),
            denominator=Decimal(100),
        )
    year = period_ensure(commune, "2026")
    (result,) = commune_results(commune, year).indicators
    assert result.figure.value == Decimal(80)
    assert result.verdict.assessment == Assessment.ACHIEVED
    doc = commune_report_document(year, today=date(2026, 12, 20))
    assert "có 1/1 chỉ tiêu đạt và vượt kế hoạch năm" in " ".join(b.text for b in doc.body)
    assert "a) Hạ tầng số: 1/1 chỉ tiêu đạt và vượt kế hoạch năm (Tỷ lệ hồ sơ trực tuyến)." in [
        b.text for b in doc.body
    ]
