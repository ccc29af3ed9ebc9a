"""The commune's report and the province's consolidated report show how many approved figures
the standing office verified: the commune's in its body (PDF and Word) and under Phụ lục I
(Excel), each commune's in the province's Phụ lục I and the province's in its body; verifying
a figure makes a file made before it out of date."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from reporting.verification import figure_question, figure_verify
from reports.models import ReportFormat
from reports.rendering import (
    commune_report_document,
    commune_report_file,
    province_report_document,
    province_report_file,
)
from reports.selectors import commune_report_fingerprint, province_report_fingerprint
from tests.reporting.test_verification import _report
from tests.reports.pdf_tools import pdf_pages

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 5)
COMMUNE_LINE = "Cơ quan thường trực đã kiểm chứng 1/3 số liệu đã duyệt (33,3%) của các đơn vị."


@pytest.fixture
def checked(seeds, people):
    commune = seeds["dien-quang"]
    submission, values = _report(
        commune, commune.units.get(short_name="Phòng VH-XH"), code="2025", figures=3
    )
    office = people["standing_office"]
    before = (
        commune_report_fingerprint(submission.period),
        province_report_fingerprint(commune.province, "2025"),
    )
    figure_verify(actor=office, value=values[0], note="Đối chiếu sổ theo dõi.")
    figure_question(actor=office, value=values[1], question="Số liệu lấy từ đâu?")
    after = (
        commune_report_fingerprint(submission.period),
        province_report_fingerprint(commune.province, "2025"),
    )
    return {"commune": commune, "period": submission.period, "before": before, "after": after}


def test_a_file_made_before_a_figure_was_verified_is_out_of_date(checked):
    assert checked["before"][0] != checked["after"][0]
    assert checked["before"][1] != checked["after"][1]


def test_the_commune_report_states_the_share_verified(checked):
    doc = commune_report_document(checked["period"], today=TODAY)
    body = [block.text for block in doc.body]
    at = body.index("1. Kết quả thực hiện các chỉ tiêu")
    tasks = body.index("2. Kết quả thực hiện các nhiệm vụ")
    assert body[tasks - 1] == COMMUNE_LINE and at < tasks - 1
    word = Document(io.BytesIO(commune_report_file(checked["period"], ReportFormat.DOCX)))
    assert COMMUNE_LINE in [p.text for p in word.paragraphs]
    sheet = load_workbook(
        io.BytesIO(commune_report_file(checked["period"], ReportFormat.XLSX))
    ).worksheets[0]
    texts = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "Cơ quan thường trực đã kiểm chứng 1/3 số liệu đã duyệt (33,3%)." in texts


def test_a_period_without_approved_figures_says_nothing_of_verification(seeds):
    from reporting.services import period_ensure

    doc = commune_report_document(period_ensure(seeds["dien-quang"], "202401"), today=TODAY)
    assert not any("kiểm chứng" in block.text for block in doc.body)


def test_the_province_report_shows_each_commune_share_and_the_whole(checked):
    province = checked["commune"].province
    doc = province_report_document(province, "2025", today=TODAY)
    by_commune = {row.commune: row.verification for row in doc.standings}
    assert by_commune == {"Xã Điền Quang": "1/3 (33,3%)", "Xã An Nông": ""}
    assert (
        "Cơ quan thường trực các xã, phường đã kiểm chứng 1/3 số liệu đã duyệt (33,3%) của các"
        " đơn vị; từng xã, phường tại Phụ lục I." in [block.text for block in doc.body]
    )
    sheet = load_workbook(
        io.BytesIO(province_report_file(province, "2025", ReportFormat.XLSX))
    ).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row and "Số liệu được kiểm chứng" in row)
    line = next(row for row in rows if row and "Xã Điền Quang" in row)
    approved, verified = header.index("Số liệu đã duyệt"), header.index("Số liệu được kiểm chứng")
    assert (line[approved], line[verified]) == (3, 1)
    word = Document(io.BytesIO(province_report_file(province, "2025", ReportFormat.DOCX)))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert "Số liệu đã duyệt được kiểm chứng" in cells and "1/3 (33,3%)" in cells
    pages = pdf_pages(province_report_file(province, "2025", ReportFormat.PDF))
    text = " ".join(" ".join(page.text.split()) for page in pages)
    assert "1/3 (33,3%)" in text and "kiểm chứng 1/3 số liệu đã duyệt" in text
