"""The reporting periods page says what is owed and late now, and nothing about years without a
plan in force (issue 15: Điền Quang's 2025 plan; every past deadline wore "đã quá hạn")."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from communes.models import Commune
from reporting.models import ReportingPeriod, Submission, SubmissionStatus
from reporting.services import periods_open

pytestmark = pytest.mark.django_db


def rows_of(html: str) -> dict[str, str]:
    """The table's rows by period code."""
    body = html.split('data-testid="period-table"')[1].split("</table>")[0]
    rows = {}
    for chunk in body.split('<tr data-code="')[1:]:
        code = chunk.split('"')[0]
        rows[code] = chunk.split("</tr>")[0]
    return rows


@time_machine.travel("2026-12-01 09:00 +0700")
def test_dien_quang_units_see_no_2026_period_overdue(client, people):
    client.force_login(people["cong_an"])
    html = client.get(reverse("reporting:periods", args=["dien-quang"])).content.decode()
    rows = rows_of(html)
    in_2026 = {code: row for code, row in rows.items() if code.startswith("2026")}
    assert in_2026, "the 2026 periods are listed"
    for code, row in in_2026.items():
        assert "quá hạn" not in row, code
        assert "không phải báo cáo" in row, code
    # 2025 is the plan's year: what Công an xã never sent is overdue.
    assert "quá hạn" in rows["202510"]


@time_machine.travel("2026-12-01 09:00 +0700")
def test_a_report_approved_on_time_is_not_marked_overdue(client, people):
    commune = Commune.objects.get(code="dien-quang")
    client.force_login(people["cong_an"])
    periods_open()  # the nightly task gives the periods due their rows (a GET creates none)
    unit = commune.units.get(short_name="Công an xã")
    on_time = ReportingPeriod.objects.get(commune=commune, code="202510")
    late = ReportingPeriod.objects.get(commune=commune, code="202509")
    for period, is_late in ((on_time, False), (late, True)):
        Submission.objects.create(
            commune=commune,
            period=period,
            unit=unit,
            status=SubmissionStatus.APPROVED,
            submitted_at=period.deadline + timedelta(days=1 if is_late else -1),
            is_late=is_late,
        )
    rows = rows_of(client.get(reverse("reporting:periods", args=["dien-quang"])).content.decode())
    assert "quá hạn" not in rows["202510"] and "đúng hạn" in rows["202510"]
    assert "nộp trễ hạn" in rows["202509"]
    assert 'data-testid="overdue"' not in rows["202509"]
    assert 'data-testid="overdue"' in rows["202508"]  # never sent


@time_machine.travel("2026-12-01 09:00 +0700")
def test_the_office_reads_that_nobody_owes_a_2026_report_in_dien_quang(client, people):
    client.force_login(people["standing_office"])
    client.get(reverse("reporting:periods", args=["dien-quang"]))  # read, not opened: no row
    html = client.get(reverse("reporting:period", args=["dien-quang", "202610"])).content.decode()
    assert 'data-testid="no-plan"' in html
    assert 'data-testid="count-missing">0<' in html
