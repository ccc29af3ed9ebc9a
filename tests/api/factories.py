"""Reporting data for API tests, written through the reporting services (as the browser does)."""

from __future__ import annotations

from decimal import Decimal

from communes.models import Commune, Role
from reporting.models import ReportingPeriod, Submission
from reporting.selectors import unit_report, units_expected
from reporting.services import (
    period_ensure,
    submission_approve,
    submission_for,
    submission_return,
    submission_save,
    submission_submit,
)
from tasks.models import TaskStatus
from tests.conftest import person


def figures_for(report) -> dict[int, dict]:
    """A plausible figure for every indicator of a unit's report (a ≤ b for ratios)."""
    values = {}
    for number, item in enumerate(report.indicators, start=1):
        indicator = item.indicator
        if indicator.is_ratio:
            values[indicator.pk] = {
                "numerator": Decimal(50 + number),
                "denominator": Decimal(100 + number),
            }
        else:
            values[indicator.pk] = {"value": Decimal(number)}
    return values


def progress_for(report) -> dict[int, dict]:
    return {
        item.task.pk: {"status": TaskStatus.IN_PROGRESS, "percent": 40, "result": "Đang làm"}
        for item in report.tasks
    }


def reports_approved(commune: Commune, code: str, *, returned: int = 1) -> ReportingPeriod:
    """Every expected unit's report for the period filled in and submitted; all approved but
    `returned` of them, which go back to their unit (so that its staff get a notification)."""
    period = period_ensure(commune, code)
    office = person(Role.STANDING_OFFICE, commune=commune)
    for index, unit in enumerate(units_expected(commune, period)):
        clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
        submission = submission_for(period, unit)
        report = unit_report(submission)
        if not report.indicators and not report.tasks:
            continue
        submission_save(
            actor=clerk,
            submission=submission,
            version=submission.version,
            values=figures_for(report),
            progress=progress_for(report),
            narrative={"results": f"Kết quả của {unit.short_name}"},
            pending={},
        )
        submission_submit(actor=clerk, submission=submission, version=submission.version)
        if index < returned:
            submission_return(actor=office, submission=submission, comment="Bổ sung minh chứng")
        else:
            submission_approve(actor=office, submission=submission)
    return period


def submission_of(commune: Commune, code: str, unit) -> Submission:
    return submission_for(period_ensure(commune, code), unit)
