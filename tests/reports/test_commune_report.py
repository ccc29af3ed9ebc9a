"""The commune report as PDF and Excel, read back from the files: layout, texts, fonts, values."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from io import BytesIO

import pikepdf
import pytest
from django.db import transaction
from openpyxl import load_workbook

from reports.rendering import commune_report_file
from tests.reports.conftest import FORMULA, NFD_NARRATIVE, NFD_RESULT, TASKS, known_commune
from tests.reports.pdf_tools import (
    MM,
    foreign_fonts,
    pdf_page_boxes,
    pdf_pages,
    weasyprint_warnings,
)

A4 = (595.28, 841.89)
# The module's fixture renders once; the mark makes pytest-django set the test database up.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """Render the known commune's 2025 report once, in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = known_commune()
        with weasyprint_warnings() as warnings:
            pdf = commune_report_file(data["period"], "pdf")
        xlsx = commune_report_file(data["period"], "xlsx")
        expected = {
            "ratio": (Decimal(350) * 100 / Decimal(400), Decimal(350), Decimal(400)),
            "count": Decimal(1250000),
        }
        transaction.set_rollback(True)
    return {
        "pdf": pdf,
        "pages": pdf_pages(pdf),
        "warnings": warnings,
        "xlsx": xlsx,
        "expected": expected,
    }


def test_every_page_is_a4_with_decree_30_margins(rendered):
    boxes = pdf_page_boxes(rendered["pdf"])
    pages = rendered["pages"]
    assert len(boxes) == len(pages) >= 4
    for (width, height), page in zip(boxes, pages, strict=True):
        size = sorted((round(width, 1), round(height, 1)))
        assert size == [round(A4[0], 1), round(A4[1], 1)], page.number
        words = page.body_words()
        # Text stays inside left 30 mm, right 20 mm, top and bottom 20 mm...
        assert min(w[0] for w in words) >= 30 * MM - 1, page.number
        assert max(w[2] for w in words) <= width - 20 * MM + 1, page.number
        assert max(w[3] for w in words) <= height - 20 * MM + 1, page.number
        assert min(w[1] for w in words) >= 20 * MM - 1, page.number
    # ...and reaches them: justified body lines run from margin to margin on page 1.
    first = pages[0]
    assert not first.landscape
    assert min(w[0] for w in first.body_words()) == pytest.approx(30 * MM, abs=1.5)
    assert max(w[2] for w in first.body_words()) == pytest.approx(first.width - 20 * MM, abs=1.5)


def test_first_page_reads_as_an_official_report(rendered):
    text = " ".join(rendered["pages"][0].text.split())
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "XÃ ĐIỀN THỬ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-UBND",
        "Điền Thử, ngày 05 tháng 6 năm 2025",
        "BÁO CÁO",
        "Kết quả thực hiện Kế hoạch chuyển đổi số năm 2025",
        "Kính gửi: Sở Khoa học và Công nghệ tỉnh Ấn Định.",
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
    ):
        assert expected in text, expected
    everything = " ".join(" ".join(page.text for page in rendered["pages"]).split())
    assert "có 2/3 chỉ tiêu đạt và vượt kế hoạch năm" in everything
    # "Số:" shares its line with the place and date (Decree 30).
    line = next(line for line in rendered["pages"][0].text.splitlines() if "Số:" in line)
    assert "ngày 05 tháng 6 năm 2025" in line
    assert "1" not in rendered["pages"][0].text.splitlines()[0].strip()  # no number on page 1


def test_closing_signature_and_page_numbers(rendered):
    pages = rendered["pages"]
    body = [page for page in pages if not page.landscape]
    closing = " ".join(body[-1].text.split())
    assert "./." in closing
    assert "Nơi nhận:" in closing and "- Lưu: VT, VHXH." in closing
    order = [
        closing.index(line) for line in ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    ]
    assert order == sorted(order)
    assert closing.index("Nguyễn Văn A") > order[-1]
    for index, page in enumerate(body[1:], start=2):
        top = [w for w in page.words if w[1] < 20 * MM]
        assert [w[4] for w in top] == [str(index)]
        assert top[0][0] + top[0][2] == pytest.approx(page.width + 10 * MM, abs=4)  # centred


def _appendix(pages, label):
    start = next(i for i, page in enumerate(pages) if f"Phụ lục {label}\n" in page.text)
    section = [pages[start]]
    for page in pages[start + 1 :]:
        if "Phụ lục " in page.text and "Kèm theo Báo cáo" in page.text:
            break
        section.append(page)
    return section


def test_appendices_are_landscape_numbered_anew_with_repeated_headers(rendered):
    pages = rendered["pages"]
    first_appendix = _appendix(pages, "I")
    tasks = _appendix(pages, "II")
    assert "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2025" in first_appendix[0].text
    assert "(Kèm theo Báo cáo số 05/BC-UBND ngày 05/6/2025 của UBND xã Điền Thử)" in " ".join(
        first_appendix[0].text.split()
    )
    assert "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ NĂM 2025" in tasks[0].text
    assert len(tasks) >= 2, "40 tasks must run over more than one page"
    for section, header in ((first_appendix, "Đánh giá"), (tasks, "Tình trạng")):
        for position, page in enumerate(section, start=1):
            assert page.landscape
            assert header in page.text, (header, position)
            assert "(1)" in page.text and "(7)" in page.text
            top = [w[4] for w in page.words if w[1] < 20 * MM]
            assert top == ([] if position == 1 else [str(position)])
    rows = "\n".join(page.text for page in tasks)
    assert all(re.search(rf"^\s*{n}\s", rows, re.M) for n in range(1, TASKS + 1))


def test_numbers_are_written_the_vietnamese_way(rendered):
    text = "\n".join(page.text for page in rendered["pages"])
    assert "87,5 (350/400)" in text
    assert "1.250.000" in text
    assert "109,4" in text  # 87,5 against 80: percent of target
    assert "Không đánh giá" in text
    assert "2025" in text and "2.025" not in text  # years never grouped


def test_only_the_times_metric_fonts_and_no_missing_glyph(rendered):
    assert foreign_fonts(rendered["pdf"]) == []
    assert rendered["warnings"] == []


def test_user_text_arrives_composed(rendered):
    text = "\n".join(page.text for page in rendered["pages"])
    composed = unicodedata.normalize("NFC", NFD_NARRATIVE)
    assert composed in " ".join(text.split())
    assert unicodedata.normalize("NFC", text) == text


def test_excel_holds_the_database_values_and_page_setup(rendered):
    workbook = load_workbook(BytesIO(rendered["xlsx"]))
    indicators, tasks = workbook.worksheets
    assert indicators.title == "Phụ lục I - Chỉ tiêu"
    for sheet in (indicators, tasks):
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.page_margins.left == pytest.approx(30 / 25.4)
        assert sheet.page_margins.right == pytest.approx(20 / 25.4)
        assert sheet.page_margins.top == pytest.approx(20 / 25.4)
        assert sheet.print_title_rows == "$8:$9"
        assert sheet["A8"].font.name == "Times New Roman"
        assert (sheet["A1"].value, sheet["A2"].value) == ("ỦY BAN NHÂN DÂN", "XÃ ĐIỀN THỬ")
        assert "Độc lập - Tự do - Hạnh phúc" in [cell.value for cell in sheet[2]]
        assert sheet.freeze_panes == "C10"  # below the header rows, beside code and name
    # A task's name wraps onto two lines: its row is tall enough to print them.
    heights = [tasks.row_dimensions[row].height for row in range(10, tasks.max_row + 1)]
    assert any(height and height >= 30 for height in heights)
    rows = {row[0].value: row for row in indicators.iter_rows(min_row=10)}
    value, numerator, denominator = rendered["expected"]["ratio"]
    ratio = rows["1"]
    assert ratio[4].value == pytest.approx(float(value))
    assert isinstance(ratio[4].value, float | int) and ratio[4].number_format == "#,##0.00"
    assert (ratio[5].value, ratio[6].value) == (float(numerator), float(denominator))
    assert ratio[9].value == "Đạt"
    count = rows["2"]
    assert count[4].value == 1250000 and count[4].number_format == "#,##0"
    assert rows["3"][9].value == "Không đánh giá"


def test_excel_never_turns_user_text_into_a_formula(rendered):
    workbook = load_workbook(BytesIO(rendered["xlsx"]))
    tasks = workbook.worksheets[1]
    cells = [
        cell
        for row in tasks.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA)
    ]
    assert cells, "the task's result is in the sheet"
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert not any(cell.data_type == "f" for row in tasks.iter_rows() for cell in row if cell.value)


def test_excel_text_arrives_composed(rendered):
    workbook = load_workbook(BytesIO(rendered["xlsx"]))
    texts = [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert unicodedata.normalize("NFC", NFD_RESULT) in texts
    assert all(unicodedata.normalize("NFC", text) == text for text in texts)


def test_pdf_is_pdf_a_2b_with_fonts_embedded(rendered):
    """veraPDF is not installable here: the PDF/A identification, output intent and fonts."""
    with pikepdf.open(BytesIO(rendered["pdf"])) as pdf:
        with pdf.open_metadata() as xmp:
            assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("2", "B")
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3  # sRGB
        fonts = 0
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.FontDescriptor
                    assert any(
                        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                    )
                    fonts += 1
        assert fonts


def test_pdf_has_one_empty_signature_field_at_the_signature_block(rendered):
    with pikepdf.open(BytesIO(rendered["pdf"])) as pdf:
        (field,) = pdf.Root.AcroForm.Fields
        assert field.FT == "/Sig" and "/V" not in field  # empty: ready for the signing tool
        assert int(field.F) & 4 and not int(field.F) & 2  # printed, not hidden (PDF/A)
        assert "/AP" in field  # an (empty) appearance, as PDF/A wants
        page_index = next(i for i, page in enumerate(pdf.pages) if page.objgen == field.P.objgen)
        x0, y0, x1, y1 = (float(v) for v in field.Rect)
    page = rendered["pages"][page_index]
    words = {w[4]: w for w in page.words}
    # Under the signer's title and above the name (pdftotext's y runs down the page)...
    title, name = words["PHÓ"], words["Nguyễn"]
    top, bottom = page.height - y1, page.height - y0
    assert title[3] <= top + 1 and bottom <= name[1] + 1
    assert bottom - top >= 25 * MM  # the signature and seal area of Decree 30
    # ...in the right half, up to the right margin, where nothing is written.
    assert x0 >= page.width / 2 - 10 * MM and x1 <= page.width - 20 * MM + 1
    inside = [w for w in page.words if w[0] < x1 and w[2] > x0 and w[1] < bottom and w[3] > top]
    assert inside == []
