"""Benchmark the province's consolidated report on a synthetic province of N communes.

Everything is created inside a transaction that is rolled back: the real data is never touched.
With DATABASE_URL=sqlite:///:memory: the schema is created first, in memory.
"""

import gc
from functools import partial
from time import perf_counter, process_time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import override_settings

from reports.excel import province_sheets, workbook_write
from reports.models import ReportFormat
from reports.pdf import pdf_render
from reports.rendering import (
    kept_out_of_collection,
    province_report_document,
    province_report_file,
    province_report_html,
)
from reports.synthetic import SYNTHETIC_TABLES, synthetic_province_create


class Command(BaseCommand):
    help = (
        "Render the consolidated report of a synthetic province (PDF and Excel) and compare the "
        "total time with WeasyPrint and openpyxl alone on the same HTML and cells (CPU seconds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, default=166)
        parser.add_argument("--indicators", type=int, default=33)
        parser.add_argument("--tasks", type=int, default=12)
        parser.add_argument("--repeat", type=int, default=1, help="best of N runs of each step")

    def handle(self, *args, **options):
        # Timed as production runs: without DEBUG's log of every query (which formats each
        # query's SQL, on SQLite with a query of its own).
        with override_settings(DEBUG=False):
            self._run(options)

    def _run(self, options):
        if "reports_report" not in connection.introspection.table_names():
            call_command("migrate", verbosity=0)
        if connection.vendor == "postgresql":
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
            self._measure(synthetic, options["repeat"])
            transaction.set_rollback(True)

    def _best(self, repeat, work):
        """Best of `repeat` runs, in CPU seconds of this process: on a machine shared with other
        jobs, wall-clock time measures their load more than this code. Each run starts with the
        previous runs' garbage collected, as a worker's next task would, so that no step pays
        for another's."""
        times, walls, result = [], [], None
        for _ in range(repeat):
            result = None
            gc.collect()
            started, wall = process_time(), perf_counter()
            result = work()
            times.append(process_time() - started)
            walls.append(perf_counter() - wall)
        self.wall = min(walls)
        return min(times), result

    def _measure(self, synthetic, repeat):
        province, code = synthetic.province, synthetic.period_code
        reading, doc = self._best(
            repeat, lambda: province_report_document(province, code, today=_today())
        )
        writing_html, html = self._best(repeat, partial(province_report_html, doc))
        writing_cells, sheets = self._best(repeat, partial(province_sheets, doc))
        self.stdout.write(
            f"Portal steps: consolidation and document {reading:.2f} s, matrices and HTML template"
            f" {writing_html:.2f} s, Excel cells {writing_cells:.2f} s"
        )
        cells = sum(len(row) for sheet in sheets for row in sheet.rows)
        self.stdout.write(f"HTML: {len(html):,} characters, {html.count('<td'):,} table cells")
        self.stdout.write(f"Excel: {len(sheets)} sheets, {cells:,} cells")
        inputs = {ReportFormat.XLSX: sheets, ReportFormat.PDF: html}
        # Each file is made with only its own document, cells or markup alive, as in a worker:
        # the baselines' inputs are let go before the portal makes the same file from scratch.
        del doc, sheets, html
        for fmt, alone_name, alone in (
            (ReportFormat.XLSX, "openpyxl alone on the same cells", workbook_write),
            (ReportFormat.PDF, "WeasyPrint alone on the same HTML", pdf_render),
        ):
            base, _ = self._best(repeat, partial(_as_the_portal_calls, alone, inputs.pop(fmt)))
            base_wall = self.wall
            total, content = self._best(repeat, partial(province_report_file, province, code, fmt))
            total_wall = self.wall
            overhead = (total - base) / base * 100
            limit = 50 if fmt == ReportFormat.PDF else 30
            verdict = "OK" if overhead <= limit else "OVER"
            self.stdout.write(
                f"{fmt.upper():4} total {total:7.2f} s | {alone_name}: {base:7.2f} s | "
                f"portal's own work {total - base:6.2f} s = {overhead:5.1f} percent "
                f"(limit {limit}) {verdict} | {len(content):,} bytes"
            )
            self.stdout.write(
                f"     wall clock: total {total_wall:.2f} s, alone {base_wall:.2f} s"
                " (the database server's time counts only here)"
            )


def _as_the_portal_calls(library, made):
    """The library on what the portal made, called as `_file` calls it: the collector running,
    and what was made (and everything older) left out of its passes."""
    with kept_out_of_collection():
        return library(made)


def _today():
    from django.utils import timezone

    return timezone.localdate()
