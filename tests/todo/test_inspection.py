"""The inspector's home: its scope's communes, their plans and latest periods with the unit
reports in and approved, read from the database; nothing created; queries flat."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communes.models import Commune, Role
from reporting.models import ReportingPeriod, Submission, SubmissionStatus
from reporting.services import period_ensure
from tests.conftest import person
from tests.factories import CommuneFactory, PlanFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _sections(html: str) -> list[str]:
    return [
        part.split('"', 1)[0]
        for part in html.split('data-testid="inspection-commune" data-code="')[1:]
    ]


def test_the_province_inspector_reads_its_communes_and_their_reports(client, seeds):
    dien_quang = seeds["dien-quang"]
    period = period_ensure(dien_quang, "2025")
    units = list(dien_quang.units.order_by("order")[:3])
    Submission.objects.create(
        commune=dien_quang, period=period, unit=units[0], status=SubmissionStatus.APPROVED
    )
    Submission.objects.create(
        commune=dien_quang, period=period, unit=units[1], status=SubmissionStatus.SUBMITTED
    )
    Submission.objects.create(
        commune=dien_quang, period=period, unit=units[2], status=SubmissionStatus.DRAFT
    )
    periods_before = ReportingPeriod.objects.count()
    client.force_login(person(Role.INSPECTOR, province=dien_quang.province))
    html = client.get(reverse("todo:inspection")).content.decode()
    expected = Commune.objects.filter(province=dien_quang.province).order_by("name")
    assert sorted(_sections(html)) == sorted(c.code for c in expected)
    assert "truong-giang" not in _sections(html)
    row = html.split(reverse("reporting:period", args=[dien_quang.code, period.code]))[1]
    cells = row.split("</tr>")[0]
    assert "<td>2</td><td>1</td>" in cells  # submitted (approved included), approved
    assert ReportingPeriod.objects.count() == periods_before  # a read creates no period

    client.force_login(person(Role.INSPECTOR, commune=dien_quang))
    assert _sections(client.get(reverse("todo:inspection")).content.decode()) == ["dien-quang"]
    client.force_login(person(Role.COMMUNE_LEADER, commune=dien_quang))
    assert client.get(reverse("todo:inspection")).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_inspection_page_queries_do_not_grow_with_communes_plans_and_periods(client, seeds):
    province = seeds["dien-quang"].province
    client.force_login(person(Role.INSPECTOR, province=province))
    url = reverse("todo:inspection")
    dien_quang = seeds["dien-quang"]
    Submission.objects.create(
        commune=dien_quang,
        period=period_ensure(dien_quang, "2025"),
        unit=dien_quang.units.first(),
        status=SubmissionStatus.SUBMITTED,
    )
    small = _queries(client, url)
    for n in range(4):
        commune = CommuneFactory(province=province)
        PlanFactory(commune=commune)
        PlanFactory(commune=commune, period_start=2026)
        unit = UnitFactory(commune=commune)
        for code in ("2025", "2025S1", "202510", "202511", "202512"):
            period = period_ensure(commune, code)
            Submission.objects.create(
                commune=commune, period=period, unit=unit, status=SubmissionStatus.APPROVED
            )
        ReportingPeriod.objects.filter(commune=commune).update(
            deadline=timezone.now() - timedelta(days=n)
        )
    assert _queries(client, url) == small
    html = client.get(url).content.decode()
    assert len(_sections(html)) == Commune.objects.filter(province=province).count() == 6
    assert html.count("<td>1</td><td>1</td>") >= 4 * 4  # four periods shown per new commune
