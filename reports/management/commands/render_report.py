"""Render a commune's or a province's report to a file, through the same code as the browser."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communes.models import Commune, Province
from reporting.models import ReportingPeriod
from reports.models import ReportFormat
from reports.rendering import commune_report_file, province_report_file


class Command(BaseCommand):
    help = (
        "Render the official-format report of a commune (--commune CODE) or the consolidated "
        "report of a province (--province CODE) for a period, as PDF or Excel."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--commune", help="commune code, e.g. dien-quang")
        scope.add_argument("--province", help="province code, e.g. 38")
        parser.add_argument(
            "--period", required=True, help="period code: 202506, 2025Q2, 2025S1, 2025"
        )
        parser.add_argument("--format", choices=ReportFormat.values, default=ReportFormat.PDF)
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args, **options):
        code, fmt = options["period"], options["format"]
        if options["commune"]:
            commune = Commune.objects.filter(code=options["commune"]).first()
            if commune is None:
                raise CommandError(f"No commune with code {options['commune']!r}.")
            period = ReportingPeriod.objects.filter(commune=commune, code=code).first()
            if period is None:
                raise CommandError(f"{commune} has no reporting period {code!r}.")
            content = commune_report_file(period, fmt)
        else:
            province = Province.objects.filter(code=options["province"]).first()
            if province is None:
                raise CommandError(f"No province with code {options['province']!r}.")
            try:
                content = province_report_file(province, code, fmt)
            except ValueError as error:
                raise CommandError(str(error)) from error
        Path(options["output"]).write_bytes(content)
        self.stdout.write(f"{options['output']}: {len(content):,} bytes")
