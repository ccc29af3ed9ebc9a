"""The commune and province reports beside the same period of last year, the late and missing
units named under their commune, and the communes' narratives with duplicates folded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from indicators.models import Indicator
from plans.models import SigningAuthority
from reporting.models import IndicatorValue, Submission, SubmissionStatus
from reporting.selectors import units_expected
from reporting.services import period_ensure
from reports.models import CommuneReportText
from reports.rendering import (
    commune_report_document,
    commune_report_file,
    commune_report_html,
    province_report_document,
    province_report_file,
    province_report_html,
)
from reports.synthetic import synthetic_province_create

pytestmark = pytest.mark.django_db
TODAY = date(2025, 12, 20)
LABEL = "Cùng kỳ năm 2024"


@pytest.fixture
def synthetic():
    return synthetic_province_create(communes=3, indicators=10, tasks=2, code="ly")


def _report_last_year(commune, code: str, **figures) -> None:
    """An approved 2024 report of the indicator's lead unit with these figures."""
    indicator = Indicator.objects.get(commune=commune, province_indicator__code=code)
    submission = Submission.objects.create(
        commune=commune,
        period=period_ensure(commune, "2024"),
        unit=indicator.lead_units.get(),
        status=SubmissionStatus.APPROVED,
    )
    IndicatorValue.objects.create(
        commune=commune, submission=submission, indicator=indicator, **figures
    )


def _values_of(doc) -> dict[str, object]:
    return {item.code: item for _group, items in doc.values for item in items}


def test_the_same_period_last_year_stands_beside_this_one(synthetic):
    first, second, third = synthetic.communes
    # Indicator 4 counts (10 + 5 = 15); indicator 1 is a ratio (Σa/Σb = 40/100).
    _report_last_year(first, "4", value=Decimal(10))
    _report_last_year(second, "4", value=Decimal(5))
    _report_last_year(first, "1", numerator=Decimal(30), denominator=Decimal(40))
    _report_last_year(second, "1", numerator=Decimal(10), denominator=Decimal(60))

    province = province_report_document(synthetic.province, "2025", today=TODAY)
    assert province.last_year_label == LABEL
    values = _values_of(province)
    assert values["4"].last_year == "15"
    assert values["1"].last_year == "40"  # Σa/Σb = 40/100, as the value column prints it
    assert values["2"].last_year == ""  # no figure in 2024
    html = province_report_html(province)
    assert f"<th>Giá trị toàn tỉnh</th><th>{LABEL}</th>" in html

    word = Document(BytesIO(province_report_file(synthetic.province, "2025", "docx")))
    headers = [[cell.text for cell in table.rows[0].cells] for table in word.tables]
    values_header = next(h for h in headers if "Giá trị toàn tỉnh" in h)
    assert values_header[3:5] == ["Giá trị toàn tỉnh", LABEL]

    sheet = load_workbook(BytesIO(province_report_file(synthetic.province, "2025", "xlsx")))[
        "Chỉ tiêu toàn tỉnh"
    ]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row[:1] == ["Mã"])
    assert header[3:5] == ["Giá trị toàn tỉnh", LABEL]
    count_row = next(row for row in rows if row[0] == "4")
    assert count_row[4] == 15

    # The commune's report: its own figure of 2024 beside 2025's, in PDF, Word and Excel.
    period = first.periods.get(code="2025")
    doc = commune_report_document(period, today=TODAY)
    assert doc.last_year_label == LABEL
    rows = {row.code: row for group in doc.indicator_groups for row in group.rows}
    count_code = Indicator.objects.get(commune=first, province_indicator__code="4").code
    assert rows[count_code].last_year == "10"
    assert f"<th>Thực hiện</th><th>{LABEL}</th>" in commune_report_html(doc)
    word = Document(BytesIO(commune_report_file(period, "docx", today=TODAY)))
    appendix = next(t for t in word.tables if t.rows[0].cells[0].text == "TT")
    assert [cell.text for cell in appendix.rows[0].cells][4:6] == ["Thực hiện", LABEL]
    assert [cell.text for cell in appendix.rows[1].cells][-1] == "(8)"
    sheet = load_workbook(BytesIO(commune_report_file(period, "xlsx", today=TODAY))).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row[:1] == ["TT"])
    assert header[4:6] == ["Thực hiện", LABEL]
    assert next(row for row in rows if row[0] == count_code)[5] == 10

    # A commune without a report of 2024: no such column.
    alone = commune_report_document(third.periods.get(code="2025"), today=TODAY)
    assert alone.last_year_label == ""
    assert "Cùng kỳ" not in commune_report_html(alone)


def test_no_column_for_last_year_without_its_figures(synthetic):
    doc = province_report_document(synthetic.province, "2025", today=TODAY)
    assert doc.last_year_label == ""
    assert "Cùng kỳ" not in province_report_html(doc)


def test_late_and_missing_units_are_named_under_their_commune(synthetic):
    first = synthetic.communes[0]
    period = first.periods.get(code="2025")
    Submission.objects.filter(period=period, unit__short_name="Phòng 2").delete()
    submissions = Submission.objects.filter(period=period).order_by("unit__order")
    submissions.update(is_late=False)
    late = submissions.last()
    Submission.objects.filter(pk=late.pk).update(is_late=True)
    submitted = set(submissions.values_list("unit_id", flat=True))
    missing = [u.short_name for u in units_expected(first, period) if u.pk not in submitted]
    assert "Phòng 2" in missing
    doc = province_report_document(synthetic.province, "2025", today=TODAY)
    body = [block.text for block in doc.body]
    line = next(text for text in body if text.startswith(f"- Xã {first.name}: "))
    assert line.rstrip(";.") == (
        f"- Xã {first.name}: 1 báo cáo trễ hạn ({late.unit.short_name});"
        f" {len(missing)} báo cáo chưa gửi ({', '.join(missing)})"
    )


def test_the_same_narrative_from_several_sources_comes_once(synthetic):
    first, second, third = synthetic.communes
    for commune, difficulty in ((first, "Thiếu máy tính."), (second, "thiếu  máy tính")):
        CommuneReportText.objects.create(
            commune=commune,
            period=commune.periods.get(code="2025"),
            summary="Báo cáo",
            signing_authority=SigningAuthority.ON_BEHALF,
            signer_title="CHỦ TỊCH",
            difficulties=difficulty,
        )
    # The third commune's units all wrote the same difficulty but one.
    period = third.periods.get(code="2025")
    approved = Submission.objects.filter(period=period, status=SubmissionStatus.APPROVED)
    odd = approved.order_by("unit__order").last()
    Submission.objects.filter(pk=odd.pk).update(difficulties="Mạng yếu ở thôn 3.")
    same = [s.unit.short_name for s in approved.order_by("unit__order") if s.pk != odd.pk]
    assert len(same) > 1

    doc = province_report_document(synthetic.province, "2025", today=TODAY)
    body = [block.text for block in doc.body]
    start = next(i for i, text in enumerate(body) if text.endswith("TỒN TẠI, HẠN CHẾ"))
    assert body[start + 1 : start + 3] == [
        f"- Xã {first.name}, Xã {second.name}: Thiếu máy tính",
        f"- Xã {third.name}: {', '.join(same)}: Thiếu nhân lực chuyên trách;"
        f" {odd.unit.short_name}: Mạng yếu ở thôn 3",
    ]
