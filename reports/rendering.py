"""From the database to a report file's bytes: the one path the browser, the command line and
the benchmark share. Reads only; storing the file is `reports.services.report_render`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from communes.models import Province
from reporting.consolidation import last_year_fill, province_consolidation
from reporting.models import ReportingPeriod
from reporting.results import commune_results, last_year_figures
from reporting.selectors import (
    commune_period_proposals,
    plans_for_year,
    province_period_proposals,
    verification_shares,
)
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
from reports.pdf import PdfAttachment, pdf_render
from reports.selectors import commune_report_text, province_report_text
from reports.word import commune_word, docx_write, province_word

Progress = Callable[[int], None]


def _quiet(_percent: int) -> None:
    pass


def commune_report_document(period: ReportingPeriod, *, today: date) -> CommuneDocument:
    commune = period.commune
    results = commune_results(commune, period)
    text = commune_report_text(period, today=today)
    plans = list(plans_for_year(commune, period.year).order_by("period_start", "pk"))
    last_year = last_year_figures([commune.pk], period.code).get(commune.pk, {})
    return commune_document(
        results,
        text,
        plans,
        today=today,
        last_year=last_year,
        proposals=commune_period_proposals(period),
        verification=verification_shares(commune_ids=[commune.pk], period_code=period.code).get(
            commune.pk
        ),
    )


def province_report_document(province: Province, period_code: str, *, today: date):
    consolidation = province_consolidation(province, period_code)
    communes = [standing.commune.pk for standing in consolidation.standings]
    last_year_fill(consolidation, last_year_figures(communes, consolidation.period_code))
    text = province_report_text(province, consolidation.period_code, today=today)
    proposals = province_period_proposals(province, consolidation.period_code)
    shares = verification_shares(commune_ids=communes, period_code=consolidation.period_code)
    return province_document(
        consolidation, today=today, text=text, proposals=proposals, verification=shares
    )


def commune_report_html(doc: CommuneDocument) -> str:
    return render_to_string(
        "reports/document_commune.html", {"doc": doc, "legend": indicator_legend(doc)}
    )


def province_report_html(doc: ProvinceDocument) -> str:
    return render_to_string(
        "reports/document_province.html",
        {"doc": doc, "legend": matrix_legend(doc)},
    )


def province_report_pdf(doc: ProvinceDocument, *, on_progress: Progress = _quiet) -> bytes:
    """The province's PDF. A Phụ lục III too big to print (`ProvinceDocument.matrix_printed`)
    travels inside it as the report's Excel."""
    attachments = []
    if not doc.matrix_printed:
        attachments.append(
            PdfAttachment(
                filename=doc.matrix_file,
                content=workbook_write(province_sheets(doc)),
                description=f"Phụ lục III – {doc.title}",
            )
        )
    return pdf_render(province_report_html(doc), attachments=attachments, on_progress=on_progress)


def _file(document: Callable, fmt: str, makers: dict, on_progress: Progress) -> bytes:
    """The document (`document()` makes it) as a file: `makers[fmt]` is (make, write), the
    portal's markup, cells or Word content, then the library writing them."""
    make, write = makers[fmt]
    doc = document()
    on_progress(30)
    made = make(doc)
    on_progress(40)
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
    ReportFormat.PDF: (lambda doc: doc, province_report_pdf),
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
