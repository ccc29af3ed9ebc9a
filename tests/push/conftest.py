"""Helpers of the push tests: an approved unit report, a province endpoint, the receiver."""

from __future__ import annotations

import pytest

from communes.models import Commune, Role
from push.models import PushEndpoint
from reporting.models import ReportingPeriod
from reporting.selectors import unit_report, units_expected
from reporting.services import (
    period_ensure,
    submission_approve,
    submission_for,
    submission_save,
    submission_submit,
)
from tests.api.factories import figures_for, progress_for
from tests.conftest import person
from tests.push.receiver import Receiver

TOKEN = "tinh-thanh-hoa-ioc-2026-bi-mat"


def one_report_approved(commune: Commune, code: str) -> ReportingPeriod:
    """The report of the first expected unit that has indicators, filled in and approved."""
    period = period_ensure(commune, code)
    office = person(Role.STANDING_OFFICE, commune=commune)
    for unit in units_expected(commune, period):
        submission = submission_for(period, unit)
        report = unit_report(submission)
        if not report.indicators:
            continue
        clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
        submission_save(
            actor=clerk,
            submission=submission,
            version=submission.version,
            values=figures_for(report),
            progress=progress_for(report),
            narrative={},
            pending={},
        )
        submission_submit(actor=clerk, submission=submission, version=submission.version)
        submission_approve(actor=office, submission=submission)
        return period
    raise AssertionError(f"{commune} has no unit reporting an indicator")


def endpoint_for(province, url: str, token: str = TOKEN) -> PushEndpoint:
    return PushEndpoint.objects.create(province=province, url=url, token=token)


@pytest.fixture
def receiver():
    running = Receiver(TOKEN)
    yield running
    running.close()
