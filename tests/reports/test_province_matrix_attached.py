"""Phụ lục III of the province report (each commune's figure for each indicator): printed in the
PDF up to `MATRIX_PRINT_LIMIT` cells; beyond it the PDF, a PDF/A-3b then, carries the report's
Excel inside it and says so where the tables would be, and stays ready to sign."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pikepdf
import pytest
from openpyxl import load_workbook

from reports.models import ReportFormat
from reports.rendering import province_report_document, province_report_file
from reports.services import pdf_signatures
from reports.synthetic import synthetic_province_create
from tests.reports.pdf_tools import pdf_pages
from tests.reports.test_signed_file import signed

pytestmark = pytest.mark.django_db
TODAY = date(2025, 12, 20)


@pytest.fixture
def synthetic():
    return synthetic_province_create(communes=4, indicators=6, tasks=2, code="mtx")


def _appendix_three(pdf: bytes) -> str:
    pages = pdf_pages(pdf)
    start = next(n for n, page in enumerate(pages) if "Phụ lục III" in page.text[:400])
    end = next(n for n, page in enumerate(pages) if "Phụ lục IV" in page.text[:400])
    return "\n".join(page.text for page in pages[start:end])


def test_a_small_province_prints_its_matrix_and_carries_no_file(synthetic):
    doc = province_report_document(synthetic.province, synthetic.period_code, today=TODAY)
    assert doc.matrix_printed and doc.matrix_cells == 4 * 6
    pdf = province_report_file(synthetic.province, synthetic.period_code, ReportFormat.PDF)
    with pikepdf.open(BytesIO(pdf)) as opened:
        assert len(opened.attachments) == 0
        with opened.open_metadata() as xmp:
            assert xmp.get("pdfaid:part") == "2"
    appendix = _appendix_three(pdf)
    assert all(commune.name in appendix for commune in synthetic.communes)
    assert "đính kèm" not in appendix


def test_a_big_province_carries_its_matrix_as_the_reports_excel(synthetic, monkeypatch):
    monkeypatch.setattr("reports.documents.MATRIX_PRINT_LIMIT", 23)  # 4 communes × 6: 24 cells
    pdf = province_report_file(synthetic.province, synthetic.period_code, ReportFormat.PDF)
    code, period = synthetic.province.code, synthetic.period_code
    name = f"bao-cao-tinh-{code}-{period}.xlsx"

    appendix = _appendix_three(pdf)
    flat = " ".join(appendix.split())
    assert "Kết quả 6 chỉ tiêu của 4 xã, phường (24 ô số liệu)" in flat
    assert f"«{name}»" in flat and "Tệp đính kèm được ký số cùng báo cáo" in flat
    assert not any(commune.name in appendix for commune in synthetic.communes)

    with pikepdf.open(BytesIO(pdf)) as opened:
        with opened.open_metadata() as xmp:
            assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("3", "B")
        assert list(opened.attachments) == [name]
        spec = opened.attachments[name]
        assert spec.obj.AFRelationship == "/Data"  # PDF/A-3: why the file is there
        assert spec.get_file().mime_type == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        carried = spec.get_file().read_bytes()
        (field,) = opened.Root.AcroForm.Fields  # still ready to sign
        assert field.FT == "/Sig" and "/V" not in field

    # The file carried is the report's Excel: the same sheets, each commune's figures in them.
    excel = province_report_file(synthetic.province, synthetic.period_code, ReportFormat.XLSX)
    carried_book, excel_book = load_workbook(BytesIO(carried)), load_workbook(BytesIO(excel))
    assert carried_book.sheetnames == excel_book.sheetnames
    matrix = carried_book["Nhóm 1"]
    names = {row[0] for row in matrix.iter_rows(values_only=True)}
    assert {commune.name for commune in synthetic.communes} <= names
    for sheet in excel_book.sheetnames:
        assert list(carried_book[sheet].iter_rows(values_only=True)) == list(
            excel_book[sheet].iter_rows(values_only=True)
        )

    # Signed in its field, as a signing tool does, it still carries the file: signed with it.
    signed_pdf = signed(pdf)
    assert pdf_signatures(signed_pdf) == ["Common Name: Nguyễn Văn A"]
    with pikepdf.open(BytesIO(signed_pdf)) as opened:
        assert opened.attachments[name].get_file().read_bytes() == carried
