"""`manage.py demo_national --demo [--communes N] [--province CODE …]`: the national demo data set."""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from communes.demo import demo_data_guard
from reporting.national_demo import DEMO_PASSWORD, STAFF_PER_UNIT, national_demo_create


class Command(BaseCommand):
    help = (
        "Create the labelled national demo data set: the 34 provinces with their real commune "
        "counts (2025), each commune with a plan of a seed plan's shape, units, staff, monthly "
        "periods from 2025 to today and reports in every state (local use only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Required: say that this database is a demo (it holds only seed or demo communes).",
        )
        parser.add_argument(
            "--communes",
            type=int,
            help="About this many communes in all, shared out as the real counts are (default: "
            "the real 3,321).",
        )
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="Only this province (its code, e.g. 38), with its real count; repeatable.",
        )
        parser.add_argument(
            "--staff-per-unit",
            type=int,
            default=STAFF_PER_UNIT,
            help=f"Accounts in each unit (default {STAFF_PER_UNIT}: its head, a deputy, a clerk).",
        )
        parser.add_argument(
            "--beside-real-communes",
            action="store_true",
            help="Allow it on a database that holds real communes too (the demo communes' codes "
            "start with demo-).",
        )

    def handle(self, *args, **options):
        try:
            demo_data_guard(
                demo=options["demo"],
                what="National demo data",
                beside_real_communes=options["beside_real_communes"],
            )
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if options["communes"] is not None and options["communes"] < 1:
            raise CommandError("--communes must be at least 1.")
        if options["staff_per_unit"] < 1:
            raise CommandError("--staff-per-unit must be at least 1.")
        started = time.monotonic()
        result = national_demo_create(
            communes=options["communes"],
            province_codes=options["provinces"],
            staff_per_unit=options["staff_per_unit"],
            log=self.stdout.write,
        )
        self.stdout.write(
            f"National demo data: {result.provinces} provinces, {result.communes} communes, "
            f"{result.submissions} unit reports, {result.values} figures, {result.progress} task "
            f"progress rows in {time.monotonic() - started:.0f} s. Accounts: <commune code>-"
            f"standing_office-0, demo-<province code>-province…, password {DEMO_PASSWORD}."
        )
