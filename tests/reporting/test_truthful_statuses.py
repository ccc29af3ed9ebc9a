"""Statuses that tell the truth (issue 15, item 3): a returned report is owed, not on time."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from communes.models import Commune, Role
from dashboards.selectors import commune_dashboard
from reporting.consolidation import province_consolidation
from reporting.models import ReportingPeriod, Submission, SubmissionStatus
from reporting.selectors import review_rows, units_expected
from reporting.services import period_ensure
from tests.conftest import person

pytestmark = pytest.mark.django_db


def all_in_on_time(commune, period):
    """Every expected unit's report approved, submitted three days before the deadline."""
    units = units_expected(commune, period)
    for unit in units:
        Submission.objects.create(
            commune=commune,
            period=period,
            unit=unit,
            status=SubmissionStatus.APPROVED,
            submitted_at=period.deadline - timedelta(days=3),
        )
    return units


@time_machine.travel("2026-12-01 09:00 +0700")
def test_truong_giang_review_counts_a_returned_report_as_owed(client, seeds):
    commune = Commune.objects.get(code="truong-giang")
    period = period_ensure(commune, "202608")
    units = all_in_on_time(
        commune,
        period,
    )
    returned_unit = units[0]
    Submission.objects.filter(period=period, unit=returned_unit).update(
        status=SubmissionStatus.RETURNED
    )
    states = {row.unit.pk: row.state for row in review_rows(commune, period)}
    assert states[returned_unit.pk] == "returned"
    assert sum(state == "on_time" for state in states.values()) == len(units) - 1

    client.force_login(person(Role.STANDING_OFFICE, commune=commune))
    html = client.get(reverse("reporting:period", args=[commune.code, period.code])).content
    html = html.decode()
    on_time = html.split('data-testid="count-on_time">')[1].split("<")[0]
    returned = html.split('data-testid="count-returned">')[1].split("<")[0]
    assert (on_time, returned) == (str(len(units) - 1), "1")
    owed = html.split('data-testid="owe-corrected">')[1].split("</p>")[0]
    assert "Phải gửi lại báo cáo đã sửa" in owed and returned_unit.short_name in owed
    row = html.split(f'data-unit="{returned_unit.short_name}"')[1].split("</tr>")[0]
    assert "bị trả lại, phải gửi lại" in row and "quá hạn" in row  # owed past 10/09/2026


def test_an_nong_dashboard_does_not_read_100_percent_on_time_with_a_returned_report(seeds):
    commune = Commune.objects.get(code="an-nong")
    period = period_ensure(commune, "202606")
    units = all_in_on_time(commune, period)
    Submission.objects.filter(period=period, unit=units[-1]).update(
        status=SubmissionStatus.RETURNED
    )
    with time_machine.travel("2026-08-01 09:00 +0700"):
        periods = list(ReportingPeriod.objects.filter(commune=commune))
        dashboard = commune_dashboard(commune, period, periods=periods, now=timezone.now())
    assert dashboard.reporting["on_time"] == len(units) - 1
    assert dashboard.reporting["returned"] == 1
    assert dashboard.on_time_percent < 100


def test_province_counts_a_returned_report_as_missing(seeds):
    commune = Commune.objects.get(code="an-nong")
    period = period_ensure(commune, "202606")
    units = all_in_on_time(commune, period)
    Submission.objects.filter(period=period, unit=units[0]).update(status=SubmissionStatus.RETURNED)
    consolidation = province_consolidation(commune.province, "202606")
    standing = next(s for s in consolidation.standings if s.commune == commune)
    assert (standing.on_time, standing.missing, standing.returned) == (len(units) - 1, 1, 1)


def test_a_report_resubmitted_after_the_deadline_is_late(seeds):
    commune = Commune.objects.get(code="an-nong")
    period = period_ensure(commune, "202606")
    units = all_in_on_time(commune, period)
    Submission.objects.filter(period=period, unit=units[0]).update(is_late=True)
    states = {row.unit.pk: row.state for row in review_rows(commune, period)}
    assert states[units[0].pk] == "late"


def test_a_returned_report_is_not_called_late_on_its_form(client, seeds):
    commune = Commune.objects.get(code="an-nong")
    period = period_ensure(commune, "202606")
    unit = units_expected(commune, period)[0]
    Submission.objects.create(
        commune=commune,
        period=period,
        unit=unit,
        status=SubmissionStatus.RETURNED,
        submitted_at=period.deadline + timedelta(days=1),
        is_late=True,  # its first submission was late; it is owed again now
    )
    client.force_login(person(Role.STANDING_OFFICE, commune=commune))
    html = client.get(
        reverse("reporting:submission", args=[commune.code, period.code, unit.pk])
    ).content.decode()
    facts = html.split('data-testid="status"')[1].split("</dd>")[0]
    assert "trả lại" in facts and "trễ hạn" not in facts
