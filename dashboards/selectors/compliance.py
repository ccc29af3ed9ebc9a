"""Reporting compliance: each unit's report per period, on time, late, returned or missing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from communes.models import Commune, Unit
from reporting.models import (
    ReportingPeriod,
    Submission,
)
from reporting.selectors import (
    Timeliness,
    submission_timeliness,
)


@dataclass
class ComplianceCell:
    period: ReportingPeriod
    state: str  # a Timeliness value
    submission: Submission | None


@dataclass
class ComplianceRow:
    unit: Unit
    cells: list[ComplianceCell]

    @property
    def counts(self) -> Counter:
        return Counter(cell.state for cell in self.cells)


@dataclass
class ComplianceGrid:
    periods: list[ReportingPeriod]
    rows: list[ComplianceRow]

    def column_counts(self) -> list[Counter]:
        return [Counter(row.cells[i].state for row in self.rows) for i in range(len(self.periods))]

    @property
    def counts(self) -> Counter:
        total = Counter()
        for row in self.rows:
            total.update(row.counts)
        return total


COMPLIANCE_STATES = list(Timeliness.values)


def compliance_state(submission: Submission | None, period: ReportingPeriod, now: datetime) -> str:
    """`reporting.selectors.submission_timeliness`, the review page's rule."""
    return submission_timeliness(submission, period, now).value


def compliance_grid(
    commune: Commune, periods: list[ReportingPeriod], units: list[Unit], *, now: datetime
) -> ComplianceGrid:
    """Units × periods: on time, late, missing, not due yet. One query for every period."""
    submissions = {
        (s.period_id, s.unit_id): s
        for s in Submission.objects.filter(
            commune=commune, period__in=periods, unit__in=units
        ).only("period_id", "unit_id", "submitted_at", "is_late", "status", "deadline_extended")
    }
    rows = [
        ComplianceRow(
            unit,
            [
                ComplianceCell(
                    period,
                    compliance_state(submissions.get((period.pk, unit.pk)), period, now),
                    submissions.get((period.pk, unit.pk)),
                )
                for period in periods
            ],
        )
        for unit in units
    ]
    return ComplianceGrid(periods=periods, rows=rows)
