"""Benchmark the province's consolidated report on a synthetic province of N communes.

Everything is created inside a transaction that is rolled back: the real data is never touched.
With DATABASE_URL=sqlite:///:memory: the schema is created first, in memory.
"""

from __future__ import annotations

import gc
from functools import partial
from time import perf_counter, process_time
from typing import NamedTuple

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import override_settings
from weasyprint import HTML, Attachment

from reports.excel import province_sheets, workbook_write
from reports.models import ReportFormat
from reports.pdf import PDF_VARIANT, PDF_VARIANT_WITH_FILES, STATIC_BASE_URL, StaticFilesFetcher
from reports.rendering import (
    province_report_document,
    province_report_file,
    province_report_html,
)
from reports.synthetic import SYNTHETIC_TABLES, synthetic_province_create
from reports.word import docx_write, province_word


class Command(BaseCommand):
    help = (
        "Render the consolidated report of a synthetic province (PDF, Excel and Word) and compare "
        "the total time with WeasyPrint, openpyxl and python-docx alone on the same HTML, cells "
        "and texts (CPU seconds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, default=166)
        parser.add_argument("--indicators", type=int, default=33)
        parser.add_argument("--tasks", type=int, default=12)
        parser.add_argument("--repeat", type=int, default=1, help="best of N runs of each step")
        parser.add_argument(
            "--pdf-repeat",
            type=int,
            help="rounds for the PDF, which take seconds each (default: --repeat)",
        )

    def handle(self, *args, **options):
        # Timed as production runs: without DEBUG's log of every query (which formats each
        # query's SQL, on SQLite with a query of its own).
        with override_settings(DEBUG=False):
            self._run(options)

    def _run(self, options):
        if "reports_report" not in connection.introspection.table_names():
            call_command("migrate", verbosity=0)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Earlier runs' rolled-back rows stay behind as dead rows until autovacuum passes,
            # and PostgreSQL would scan them: a live database does not carry them.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {', '.join(SYNTHETIC_TABLES)}")
        with transaction.atomic():
            started = perf_counter()
            synthetic = synthetic_province_create(
                communes=options["communes"],
                indicators=options["indicators"],
                tasks=options["tasks"],
                code="bench-57",
            )
            if connection.vendor == "postgresql":
                # Statistics as autovacuum keeps them on a live database: the planner would
                # otherwise plan for empty tables.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(
                f"Synthetic province: {options['communes']} communes × {options['indicators']}"
                f" indicators, {options['tasks']} tasks each, built in {perf_counter() - started:.1f} s"
            )
            self._measure(synthetic, options["repeat"], options["pdf_repeat"] or options["repeat"])
            transaction.set_rollback(True)

    def _best(self, repeat, work):
        """Best of `repeat` runs of `work`, in CPU seconds, and its last result."""
        times, result = [], None
        for _ in range(repeat):
            result = None  # let the previous run's result go before the next one
            run = _timed(work)
            times.append(run.cpu)
            result = run.result
        return min(times), result

    def _measure(self, synthetic, repeat, pdf_repeat):
        province, code = synthetic.province, synthetic.period_code
        reading, doc = self._best(
            repeat, lambda: province_report_document(province, code, today=_today())
        )
        writing_html, html = self._best(repeat, partial(province_report_html, doc))
        writing_cells, sheets = self._best(repeat, partial(province_sheets, doc))
        writing_word, word = self._best(repeat, partial(province_word, doc))
        self.stdout.write(
            f"Portal steps: consolidation and document {reading:.2f} s, matrices and HTML template"
            f" {writing_html:.2f} s, Excel cells {writing_cells:.2f} s, Word content"
            f" {writing_word:.2f} s"
        )
        cells = sum(len(row) for sheet in sheets for row in sheet.rows)
        self.stdout.write(f"HTML: {len(html):,} characters, {html.count('<td'):,} table cells")
        self.stdout.write(f"Excel: {len(sheets)} sheets, {cells:,} cells")
        carried = None if doc.matrix_printed else sheets
        pdf_alone = "WeasyPrint alone on the same HTML" + (
            "" if carried is None else " and openpyxl on the Excel it carries"
        )
        inputs = {
            ReportFormat.XLSX: sheets,
            ReportFormat.PDF: (html, carried),
            ReportFormat.DOCX: word,
        }
        del doc, sheets, html, word, carried
        for fmt, alone_name, alone in (
            (ReportFormat.XLSX, "openpyxl alone on the same cells", workbook_write),
            (ReportFormat.DOCX, "python-docx alone on the same texts", docx_write),
            (ReportFormat.PDF, pdf_alone, _weasyprint_alone),
        ):
            portal = partial(province_report_file, province, code, fmt)
            queries = _queries_of(portal)
            runs = _interleaved(
                pdf_repeat if fmt == ReportFormat.PDF else repeat,
                library=partial(alone, inputs.pop(fmt)),
                database=partial(_database_alone, queries),
                portal=portal,
            )
            self._report(fmt, alone_name, len(queries), runs)

    def _report(self, fmt: str, alone_name: str, queries: int, runs: dict[str, list[_Run]]):
        """The best run of each, and the portal's own work: what the portal's file costs beyond
        the library and the database doing their parts alone."""
        best = {name: min(run.cpu for run in taken) for name, taken in runs.items()}
        wall = {name: min(run.wall for run in taken) for name, taken in runs.items()}
        library, database, total = best["library"], best["database"], best["portal"]
        own = total - library - database
        overhead = own / library * 100
        limit = 50  # each file at most 1.5 times the library alone
        verdict = "OK" if overhead <= limit else "OVER"
        size = len(runs["portal"][-1].result)
        self.stdout.write(
            f"{fmt.upper():4} total {total:.2f} s = {alone_name} {library:.2f} s + the database"
            f" alone on the same {queries} queries {database:.3f} s + the portal's own work"
            f" {own:.3f} s = {overhead:.1f} percent (limit {limit}) {verdict} | {size:,} bytes"
        )
        self.stdout.write(
            f"     with the database's work: {(total - library) / library * 100:.1f} percent"
            f" | wall clock: total {wall['portal']:.2f} s, {wall['library']:.2f} s alone,"
            f" database {wall['database']:.3f} s (PostgreSQL's server time counts only here)"
        )


class _Run(NamedTuple):
    cpu: float
    wall: float
    result: object


def _timed(work) -> _Run:
    """CPU and wall-clock seconds of one run of `work`, and its result. The run starts with the
    previous runs' garbage collected, as a worker's next task would, so that no run pays for
    another's."""
    gc.collect()
    started, wall = process_time(), perf_counter()
    result = work()
    return _Run(process_time() - started, perf_counter() - wall, result)


def _interleaved(repeat: int, **works) -> dict[str, list[_Run]]:
    """`repeat` rounds of every work, one after the other, the order turning each round. A
    shared machine's speed drifts by more than the differences measured: blocks of runs minutes
    apart would compare different machines; the best runs of each, taken from the same minutes,
    compare like with like."""
    runs: dict[str, list[_Run]] = {name: [] for name in works}
    names = list(works)
    for round_ in range(repeat):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(_timed(works[name]))
    return runs


def _queries_of(work) -> list[tuple[str, object]]:
    """The SQL statements (with their parameters) that one run of `work` sends."""
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        work()
    return sent


def _database_alone(queries: list[tuple[str, object]]) -> int:
    """The database's part: the same statements run and every row fetched, nothing made of
    them. On SQLite the engine runs inside this process and its time is CPU time here; on
    PostgreSQL this is the driver's work, the server's shows on the wall clock."""
    rows = 0
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


def _weasyprint_alone(source: tuple[str, list | None]) -> bytes:
    """WeasyPrint's PDF/A of the HTML, as the portal asks for it, and openpyxl's Excel when the
    PDF carries one (a Phụ lục III too big to print); the signature field that the portal adds
    (pyHanko) is the portal's own work."""
    html, sheets = source
    attachments = []
    if sheets is not None:
        attachments.append(Attachment(string=workbook_write(sheets), name="phu-luc-iii.xlsx"))
    return HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf(
        pdf_variant=PDF_VARIANT_WITH_FILES if attachments else PDF_VARIANT,
        attachments=attachments,
    )


def _today():
    from django.utils import timezone

    return timezone.localdate()
