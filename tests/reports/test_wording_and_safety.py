"""Dates and numbers as Decree 30 writes them; the renderer fetches nothing foreign; the font
checks of the report tests do catch a borrowed font and a missing glyph."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reports.pdf import RefusedURL, StaticFilesFetcher, pdf_render
from reports.wording import date_in_words, date_short, document_number, number, period_phrase
from tests.reports.pdf_tools import foreign_fonts, weasyprint_warnings


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2025, 6, 5), "ngày 05 tháng 6 năm 2025"),
        (date(2025, 1, 9), "ngày 09 tháng 01 năm 2025"),
        (date(2025, 2, 28), "ngày 28 tháng 02 năm 2025"),
        (date(2025, 12, 14), "ngày 14 tháng 12 năm 2025"),
        (date(2025, 3, 10), "ngày 10 tháng 3 năm 2025"),
    ],
)
def test_dates_in_full(day, words):
    assert date_in_words(day) == words


def test_blanks_for_the_clerk():
    assert (
        date_in_words(None, year=2025)
        == "ngày\u00a0\u00a0\u00a0\u00a0\u00a0tháng\u00a0\u00a0\u00a0\u00a0\u00a0năm 2025"
    )
    assert document_number("") == "\u00a0" * 6 + "/BC-UBND"
    assert document_number("5") == "05/BC-UBND"
    assert document_number("125") == "125/BC-UBND"
    assert date_short(date(2025, 6, 5)) == "05/6/2025"


def test_numbers_and_periods():
    assert number(Decimal("87.5")) == "87,5"
    assert number(Decimal(1250000)) == "1.250.000"
    assert number(Decimal("100.00")) == "100"
    assert number(Decimal("33.3333"), places=1) == "33,3"
    assert period_phrase("2025S1") == "6 tháng đầu năm 2025"
    assert period_phrase("2025Q4") == "quý IV năm 2025"
    assert period_phrase("202506") == "tháng 6 năm 2025"
    assert period_phrase("2025") == "năm 2025"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/logo.png",
        "https://example.invalid/style.css",
        "file:///etc/passwd",
        "file:///portal-static/../../etc/passwd",
        "data:text/css,body{}",
        "file:///portal-static/no/such/file.css",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(RefusedURL):
        StaticFilesFetcher()(url)


def test_fetcher_serves_static_files():
    response = StaticFilesFetcher()("file:///portal-static/css/portal.css")
    assert response.read().strip()
    response.close()


def test_a_foreign_image_is_not_fetched_and_the_pdf_still_renders():
    html = '<p style="font-family: Tinos">Ảnh</p><img src="http://example.invalid/x.png">'
    with weasyprint_warnings() as warnings:
        pdf = pdf_render(html)
    assert pdf.startswith(b"%PDF")
    assert any("example.invalid" in message for message in warnings)


def test_the_font_checks_catch_a_borrowed_font_and_a_missing_glyph():
    # ✓ is not in Tinos: fontconfig borrows it from another face, which pdffonts shows.
    with weasyprint_warnings() as warnings:
        borrowed = pdf_render('<p style="font-family: Tinos">Đạt ✓</p>')
    assert foreign_fonts(borrowed)
    # A hieroglyph no installed font has: WeasyPrint draws .notdef and only logs a warning.
    with weasyprint_warnings() as warnings:
        pdf_render('<p style="font-family: Tinos">\U00013000</p>')
    assert any(".notdef" in message for message in warnings)
