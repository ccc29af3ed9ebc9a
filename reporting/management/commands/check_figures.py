"""List the stored figures that break the rules of `reporting.rules`; `--fix` moves them into
their report's kept input (as typed), audited, for the unit to correct in its form."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import translation

from reporting.models import IndicatorValue
from reporting.rules import NUMBER_FIELDS, stored_rule_problems, stored_text
from reporting.selectors import values_read
from reporting.services import indicator_value_invalid_clear


class Command(BaseCommand):
    help = (
        "List stored figures that break the rules (commune, period, unit, indicator, value, "
        "problem); with --fix, move them into the report's kept input, audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commune", help="Only this commune (its code).")
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Clear each one into its report's kept input (pending_inputs) with an audit row.",
        )

    def handle(self, *args, commune=None, fix=False, **options):
        translation.activate(settings.LANGUAGE_CODE)
        # The raw texts: a number the column cannot hold reads as None, its text is what is there.
        rows = (
            values_read(IndicatorValue.objects.all())
            .filter(
                Q(value_raw__isnull=False)
                | Q(numerator_raw__isnull=False)
                | Q(denominator_raw__isnull=False)
            )
            .select_related("commune", "indicator", "submission__period", "submission__unit")
            .order_by(
                "commune__code", "submission__period__code", "submission__unit_id", "indicator_id"
            )
        )
        if commune:
            rows = rows.filter(commune__code=commune)
        found = fixed = 0
        for row in rows.iterator(chunk_size=500):
            problems = stored_rule_problems(row.indicator, row)
            if not problems:
                continue
            found += 1
            shown = " / ".join(
                f"{name}={stored_text(row, name)}"
                for name in NUMBER_FIELDS
                if stored_text(row, name)
            )
            message = "; ".join(m for messages in problems.values() for m in messages)
            self.stdout.write(
                "\t".join(
                    [
                        row.commune.code,
                        row.submission.period.code,
                        str(row.submission.unit),
                        row.indicator.code,
                        shown,
                        message,
                    ]
                )
            )
            if fix:
                indicator_value_invalid_clear(
                    actor=None, value=row, reason=f"check_figures --fix: {message}"
                )
                fixed += 1
        summary = f"{found} stored figure(s) break the rules"
        if fix:
            summary += f"; {fixed} moved into their report's kept input"
        self.stdout.write(summary + ".")
