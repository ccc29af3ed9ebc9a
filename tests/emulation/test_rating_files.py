"""The annual rating table of An Nông 2026 as PDF, Excel and Word, read back as a clerk would."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from emulation.scoring import evaluation_parse
from emulation.services import manual_mark_set, score_adjust
from tests.emulation.conftest import AFTER_DEADLINE
from tests.reports.pdf_tools import foreign_fonts, pdf_pages, weasyprint_warnings

pytestmark = pytest.mark.django_db

EXPECTED = [
    # unit, points, score of 100, rank, rating
    ("Trung tâm phục vụ hành chính công", "41", "100", "1", "Hoàn thành xuất sắc nhiệm vụ"),
    ("Phòng Kinh tế", "17,5", "56,45", "2", "Hoàn thành nhiệm vụ"),  # 12,5 + 5 adjusted
    ("Công an xã", "16,5", "53,23", "3", "Hoàn thành nhiệm vụ"),
    ("Thôn Đông", "40,11", "100,28", "1", "Hoàn thành xuất sắc nhiệm vụ"),
    ("Thôn Tây", "20", "50", "2", "Hoàn thành nhiệm vụ"),
]


@pytest.fixture
def rated(an_nong, client):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        movement = an_nong["movement"]
        evaluation = evaluation_parse(movement, "2026")
        for village, points in ((an_nong["dong"], 9), (an_nong["tay"], 8)):
            manual_mark_set(
                actor=an_nong["office"],
                criterion=an_nong["criteria"]["village_check"],
                unit=village,
                evaluation=evaluation,
                points=Decimal(points),
            )
        score_adjust(
            actor=an_nong["office"],
            movement=movement,
            unit=an_nong["units"]["Phòng Kinh tế"],
            evaluation=evaluation,
            points=Decimal(5),
            reason="Khen thưởng đột xuất",
        )
        client.force_login(an_nong["inspector"])  # a reader: the files are read, not written
        url = reverse("emulation:rating_file", args=[an_nong["commune"].code, movement.pk])

        def get(fmt):
            response = client.get(url, {"period": "2026", "format": fmt})
            assert response.status_code == 200, fmt
            assert f"xep-loai-thi-dua-an-nong-2026.{fmt}" in response["Content-Disposition"]
            return response.content

        with weasyprint_warnings() as warnings:
            files = {fmt: get(fmt) for fmt in ("pdf", "xlsx", "docx")}
        assert warnings == []  # no missing glyph
        assert client.get(url, {"period": "2026"}).status_code == 400
        yield files


def test_the_pdf_is_a_decree_30_report_with_the_rating_table(rated):
    pages = pdf_pages(rated["pdf"])
    first = pages[0].text
    assert "ỦY BAN NHÂN DÂN" in first and "XÃ AN NÔNG" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Kết quả chấm điểm, xếp loại thi đua năm 2026" in first
    assert "KT. CHỦ TỊCH" in " ".join(page.text for page in pages)
    assert not pages[0].landscape
    table = [page for page in pages if "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM" in page.text]
    assert table and table[0].landscape
    text = " ".join(" ".join(page.text.split()) for page in table)
    for unit, points, score, rank, rating in EXPECTED:
        assert unit in text
        assert f" {points} " in text, unit
        assert f"{score} {rank} {rating}" in text, unit
    assert foreign_fonts(rated["pdf"]) == []


def test_the_workbook_holds_the_rows_as_numbers(rated):
    sheet = load_workbook(io.BytesIO(rated["xlsx"])).worksheets[0]
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "ỦY BAN NHÂN DÂN"
    by_unit = {row[1]: row for row in rows if row[1]}
    centre = by_unit["Trung tâm phục vụ hành chính công"]
    assert list(centre[4:9]) == [41, 41, 100, 1, "Hoàn thành xuất sắc nhiệm vụ"]
    economy = by_unit["Phòng Kinh tế"]
    assert [float(value) for value in economy[2:7]] == [12.5, 5.0, 17.5, 31.0, 56.45]
    assert by_unit["Thôn Tây"][8] == "Hoàn thành nhiệm vụ"
    assert "CÁC THÔN, TỔ DÂN PHỐ" in by_unit


def test_the_word_document_opens_with_the_same_rows(rated):
    assert zipfile.ZipFile(io.BytesIO(rated["docx"])).testzip() is None
    document = Document(io.BytesIO(rated["docx"]))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "BÁO CÁO" in text and "Kết quả chấm điểm, xếp loại thi đua năm 2026" in text
    assert "Hoàn thành xuất sắc nhiệm vụ từ 90 điểm" in text
    table = document.tables[-1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0][:2] == ["TT", "Đơn vị"]
    found = {row[1]: row for row in rows}
    for unit, points, score, rank, rating in EXPECTED:
        assert [found[unit][4], found[unit][6], found[unit][7], found[unit][8]] == [
            points,
            score,
            rank,
            rating,
        ], unit
    assert found["Phòng Kinh tế"][3] == "5"
