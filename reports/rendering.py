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
    CommuneDocument,
    ProvinceDocument,
    commune_document,
    indicator_legend,
    matrix_legend,
    province_document,
)
from reports.excel import commune_sheets, province_sheets, workbook_write
from reports.models import ReportFormat
from reports.pdf import pdf_render
from reports.selectors import commune_report_text, province_report_text
from reports.word import commune_word, docx_write, province_word

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


@contextmanager
def kept_out_of_collection():
    """Run with every object alive now out of the cyclic collector's passes (`gc.freeze`), and
    the collector running again. The cells just made live until the file is written and hold no
    cycles: a first pass over tens of thousands of them would cost more than openpyxl spends on
    a sheet. What the writer makes meanwhile is collected as usual."""
    gc.freeze()
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()
        gc.unfreeze()


def commune_report_document(period: ReportingPeriod, *, today: date) -> CommuneDocument:
    commune = period.commune
    results = commune_results(commune, period)
    text = commune_report_text(period, today=today)
    plans = list(plans_for_year(commune, period.year).order_by("period_start", "pk"))
    return commune_document(results, text, plans, today=today)


def province_report_document(province: Province, period_code: str, *, today: date):
    with _collector_paused():
        consolidation = province_consolidation(province, period_code)
        text = province_report_text(province, consolidation.period_code, today=today)
        return province_document(consolidation, today=today, text=text)


def commune_report_html(doc: CommuneDocument) -> str:
    return render_to_string(
        "reports/document_commune.html", {"doc": doc, "legend": indicator_legend(doc)}
    )


def province_report_html(doc: ProvinceDocument) -> str:
    return render_to_string(
        "reports/document_province.html",
        {"doc": doc, "legend": matrix_legend(doc)},
    )


def _file(document: Callable, fmt: str, makers: dict, on_progress: Progress) -> bytes:
    """The document (`document()` makes it) as a file: `makers[fmt]` is (make, write), the
    portal's markup, cells or Word content, then the library writing them. Reading the data and
    making the content run with the cyclic collector paused: tens of thousands of objects
    without cycles. The document is let go as soon as its content is made; the writer then runs
    with the collector on and what was made kept out of its passes."""
    make, write = makers[fmt]
    with _collector_paused():
        doc = document()
        on_progress(30)
        made = make(doc)
        del doc
        on_progress(40)
        with kept_out_of_collection():
            if fmt == ReportFormat.PDF:
                return write(made, on_progress=lambda p: on_progress(40 + p * 55 // 100))
            content = write(made)
    on_progress(95)
    return content


COMMUNE_MAKERS = {
    ReportFormat.PDF: (lambda doc: commune_report_html(doc), pdf_render),
    ReportFormat.XLSX: (commune_sheets, workbook_write),
    ReportFormat.DOCX: (commune_word, docx_write),
}
PROVINCE_MAKERS = {
    ReportFormat.PDF: (lambda doc: province_report_html(doc), pdf_render),
    ReportFormat.XLSX: (province_sheets, workbook_write),
    ReportFormat.DOCX: (province_word, docx_write),
}


def commune_report_file(
    period: ReportingPeriod,
    fmt: str,
    *,
    today: date | None = None,
    on_progress: Progress = _quiet,
) -> bytes:
    on_progress(5)
    return _file(
        lambda: commune_report_document(period, today=today or timezone.localdate()),
        fmt,
        COMMUNE_MAKERS,
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
        lambda: province_report_document(
            province, period_code, today=today or timezone.localdate()
        ),
        fmt,
        PROVINCE_MAKERS,
        on_progress,
    )
