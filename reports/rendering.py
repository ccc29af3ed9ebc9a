"""From the database to a report file's bytes: the one path the browser, the command line and
the benchmark share. Reads only; storing the file is `reports.services.report_render`."""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from communes.models import Province
from reporting.consolidation import province_consolidation
from reporting.models import ReportingPeriod
from reporting.results import commune_results
from reporting.selectors import plans_for_year
from reports.documents import (
    ACHIEVED_MARK,
    NOT_ACHIEVED_MARK,
    CommuneDocument,
    ProvinceDocument,
    commune_document,
    province_document,
)
from reports.excel import commune_sheets, province_sheets, workbook_write
from reports.models import ReportFormat
from reports.pdf import pdf_render
from reports.selectors import commune_report_text

Progress = Callable[[int], None]


def _quiet(_percent: int) -> None:
    pass


@contextmanager
def _collector_paused():
    """Reading a province builds tens of thousands of objects that live until the document is
    made; the cyclic garbage collector's passes over them cost a third of the reading time.
    Reference counting still frees everything; the collector resumes right after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def commune_report_document(period: ReportingPeriod, *, today: date) -> CommuneDocument:
    commune = period.commune
    results = commune_results(commune, period)
    text = commune_report_text(period, today=today)
    plans = list(plans_for_year(commune, period.year).order_by("period_start", "pk"))
    return commune_document(results, text, plans, today=today)


def province_report_document(province: Province, period_code: str, *, today: date):
    with _collector_paused():
        return province_document(province_consolidation(province, period_code), today=today)


def commune_report_html(doc: CommuneDocument) -> str:
    return render_to_string("reports/document_commune.html", {"doc": doc})


def province_report_html(doc: ProvinceDocument) -> str:
    return render_to_string(
        "reports/document_province.html",
        {"doc": doc, "achieved_mark": ACHIEVED_MARK, "not_achieved_mark": NOT_ACHIEVED_MARK},
    )


def _file(doc, fmt: str, html: Callable, sheets: Callable, on_progress: Progress) -> bytes:
    """The document as a file. The document is let go as soon as its markup or cells are made:
    a province's is tens of thousands of objects that the writer has no use for."""
    on_progress(30)
    if fmt == ReportFormat.PDF:
        markup = html(doc)
        del doc
        on_progress(40)
        return pdf_render(markup, on_progress=lambda p: on_progress(40 + p * 55 // 100))
    with _collector_paused():  # tens of thousands of cells: no passes over the document
        cells = sheets(doc)
        del doc
    content = workbook_write(cells)
    on_progress(95)
    return content


def commune_report_file(
    period: ReportingPeriod,
    fmt: str,
    *,
    today: date | None = None,
    on_progress: Progress = _quiet,
) -> bytes:
    on_progress(5)
    return _file(
        commune_report_document(period, today=today or timezone.localdate()),
        fmt,
        commune_report_html,
        commune_sheets,
        on_progress,
    )


def province_report_file(
    province: Province,
    period_code: str,
    fmt: str,
    *,
    today: date | None = None,
    on_progress: Progress = _quiet,
) -> bytes:
    on_progress(5)
    return _file(
        province_report_document(province, period_code, today=today or timezone.localdate()),
        fmt,
        province_report_html,
        province_sheets,
        on_progress,
    )
