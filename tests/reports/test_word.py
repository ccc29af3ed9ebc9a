"""The reports as Word files, read back with python-docx, and through LibreOffice to PDF pages."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

from reporting.services import period_ensure
from reports.rendering import commune_report_file, province_report_file
from tests.reports.conftest import TASKS, known_commune
from tests.reports.pdf_tools import MM, foreign_fonts, pdf_page_boxes, pdf_pages

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def word(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        data = known_commune()
        content = commune_report_file(data["period"], "docx")
        transaction.set_rollback(True)
    return content


def _texts(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def test_head_number_and_date_line_in_a_table_without_borders(word):
    document = Document(BytesIO(word))
    head = document.tables[0]
    assert head._tbl.tblPr.find(qn("w:tblBorders")) is None
    assert head.style.name == "Normal Table"  # no borders
    issuer, nation = head.rows[0].cells
    assert [p.text for p in issuer.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "XÃ ĐIỀN THỬ"]
    assert [p.text for p in nation.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    # The issuer's and the motto's rules: an empty paragraph's border under each.
    for cell in (issuer, nation):
        rule = cell.paragraphs[-1]
        assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None
    number, place = head.rows[1].cells
    assert number.text == "Số: 05/BC-UBND"
    assert place.text == "Điền Thử, ngày 05 tháng 6 năm 2025"
    assert all(run.italic for run in place.paragraphs[0].runs)
    texts = _texts(document)
    assert texts[:2] == ["BÁO CÁO", "Kết quả thực hiện Kế hoạch chuyển đổi số năm 2025"]
    assert "Kính gửi: Sở Khoa học và Công nghệ tỉnh Ấn Định." in texts
    assert "I. KẾT QUẢ ĐẠT ĐƯỢC" in texts
    assert any(text.endswith("./.") for text in texts)


def test_times_metric_font_and_decree_30_page(word):
    document = Document(BytesIO(word))
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{script}")) for script in ("ascii", "hAnsi", "cs")} == {
        "Times New Roman"
    }
    first = document.sections[0]
    assert first.orientation == WD_ORIENT.PORTRAIT
    page = [first.page_width, first.page_height, first.top_margin, first.bottom_margin]
    page += [first.left_margin, first.right_margin]
    assert [round(length.mm) for length in page] == [210, 297, 20, 20, 30, 20]
    assert first.different_first_page_header_footer  # no number on page 1
    assert "PAGE" in first.header._element.xml


def test_recipients_and_signature_block_side_by_side(word):
    document = Document(BytesIO(word))
    closing = document.tables[1]
    assert len(closing.rows) == 1
    recipients, signature = closing.rows[0].cells
    assert [p.text for p in recipients.paragraphs] == [
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, VHXH.",
    ]
    first = recipients.paragraphs[0].runs[0]
    assert first.bold and first.italic
    lines = [p.text for p in signature.paragraphs]
    assert lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
    # The signature and the seal: 25–30 mm left free above the name.
    assert Mm(25) <= signature.paragraphs[2].paragraph_format.space_after <= Mm(30)


def test_appendices_are_landscape_sections_with_repeated_header_rows(word):
    document = Document(BytesIO(word))
    sections = document.sections
    assert len(sections) == 3
    for section in sections[1:]:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert section.page_width > section.page_height
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    texts = _texts(document)
    assert "Phụ lục I" in texts and "Phụ lục II" in texts
    assert "(Kèm theo Báo cáo số 05/BC-UBND ngày 05/6/2025 của UBND xã Điền Thử)" in texts
    indicators, tasks = document.tables[2], document.tables[3]
    for table in (indicators, tasks):
        header = [row for row in table.rows if row._tr.trPr.find(qn("w:tblHeader")) is not None]
        assert len(header) == 2  # titles, then column numbers
        assert [c.text for c in header[1].cells] == [f"({n})" for n in range(1, 8)]
    assert [c.text for c in indicators.rows[0].cells][:2] == ["TT", "Chỉ tiêu"]
    group = indicators.rows[2]
    assert [c.text for c in group.cells][:2] == ["I", "Phát triển hạ tầng"]
    assert group.cells[1].paragraphs[0].paragraph_format.keep_with_next  # never alone at a foot
    ratio = [c.text for c in indicators.rows[3].cells]
    assert ratio[:2] == ["1", "Tỷ lệ hồ sơ trực tuyến toàn trình"]
    assert ratio[4].startswith("87,5")
    # 40 tasks under their section's row.
    assert len(tasks.rows) == 2 + 1 + TASKS
    assert tasks.rows[3].cells[1].text.startswith("Nhiệm vụ số 1:")


def test_province_report_in_word(seeds):
    commune = seeds["dien-quang"]
    period_ensure(commune, "2025")
    document = Document(BytesIO(province_report_file(commune.province, "2025", "docx")))
    head = document.tables[0]
    assert [p.text for p in head.rows[0].cells[0].paragraphs if p.text] == [
        "UBND TỈNH THANH HÓA",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    ]
    texts = _texts(document)
    assert "Phụ lục III" in texts
    assert len(document.sections) == 5  # the body, then Phụ lục I–IV
    standings = document.tables[2]
    assert standings.rows[0].cells[1].text == "Xã, phường"
    assert standings.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_render_report_command_writes_word(seeds, tmp_path):
    commune = seeds["dien-quang"]
    period_ensure(commune, "2025")
    output = tmp_path / "dq.docx"
    call_command(
        "render_report",
        "--commune",
        commune.code,
        "--period",
        "2025",
        "--format",
        "docx",
        "-o",
        str(output),
        stdout=StringIO(),
    )
    assert _texts(Document(str(output)))[0] == "BÁO CÁO"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_it_as_an_a4_report_in_tinos(word, tmp_path):
    """What a clerk's LibreOffice shows: A4 pages, portrait then landscape appendices, the
    Vietnamese letters in Times New Roman's metric twin (no face borrowed)."""
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(word)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "bao-cao.pdf").read_bytes()
    boxes = pdf_page_boxes(pdf)
    assert sorted(map(round, boxes[0])) == [595, 842]
    assert boxes[0][0] < boxes[0][1] and boxes[-1][0] > boxes[-1][1]
    assert not foreign_fonts(pdf)
    pages = pdf_pages(pdf)
    first = " ".join(pages[0].text.split())
    assert "Số: 05/BC-UBND" in first and "Điền Thử, ngày 05 tháng 6 năm 2025" in first
    assert min(w[0] for w in pages[0].body_words()) == pytest.approx(30 * MM, abs=2)
