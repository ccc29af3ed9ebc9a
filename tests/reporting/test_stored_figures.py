"""A malformed figure already in the database never breaks a page: it is shown as invalid.

SQLite (the embedded default) does not enforce the column's precision, so a 25-digit or a
5,000-digit number can sit in it; PostgreSQL refuses those, but keeps what the column can
hold and the rules still refuse (a negative count, a share above 100, a > b, b = 0).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from communes.models import Commune, Role
from indicators.models import Indicator
from reporting.models import IndicatorValue, Submission, SubmissionStatus
from reporting.services import period_ensure
from tests.conftest import person

pytestmark = pytest.mark.django_db

SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL refuses a number its column cannot hold"
)
LARGEST_COLUMN_VALUE = Decimal("9999999999999999.9999")  # numeric(20, 4)

# (indicator code, stored fields): An Nông's Phòng VH-XH leads 4 and 7 (counts), 1 and 2 (a/b %).
PLANTED = [
    pytest.param("4", {"value": Decimal("1" * 25)}, id="25-digit-count", marks=SQLITE_ONLY),
    pytest.param("4", {"value": Decimal("9" * 5000)}, id="5000-digit-count", marks=SQLITE_ONLY),
    pytest.param(
        "1",
        {"numerator": Decimal("1" * 25), "denominator": Decimal(10)},
        id="25-digit-numerator",
        marks=SQLITE_ONLY,
    ),
    pytest.param("4", {"value": LARGEST_COLUMN_VALUE}, id="largest-column-value-fractional-count"),
    pytest.param("7", {"value": Decimal(-5)}, id="negative-count"),
    pytest.param(
        "1", {"numerator": LARGEST_COLUMN_VALUE, "denominator": Decimal(3)}, id="a-above-b"
    ),
    pytest.param("2", {"numerator": Decimal(5), "denominator": Decimal(0)}, id="b-is-zero"),
    pytest.param("2", {"numerator": Decimal(-5), "denominator": Decimal(10)}, id="negative-a"),
]


@pytest.fixture
def an_nong(seeds):
    commune = Commune.objects.get(code="an-nong")
    unit = commune.units.get(short_name="Phòng VH-XH")
    period = period_ensure(commune, "202606")
    return {
        "commune": commune,
        "unit": unit,
        "period": period,
        "office": person(Role.STANDING_OFFICE, commune=commune),
        "clerk": person(Role.UNIT_STAFF, commune=commune, unit=unit),
        "province": person(Role.PROVINCE_OFFICER, province=commune.province),
    }


def plant(ctx, code: str, fields: dict, status=SubmissionStatus.APPROVED) -> IndicatorValue:
    period = ctx["period"]
    submission = Submission.objects.create(
        commune=ctx["commune"],
        period=period,
        unit=ctx["unit"],
        status=status,
        submitted_at=period.deadline,
        reviewed_at=period.deadline,
    )
    indicator = Indicator.objects.get(commune=ctx["commune"], code=code)
    return IndicatorValue.objects.create(
        submission=submission, commune=ctx["commune"], indicator=indicator, **fields
    )


def reader(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("code,fields", PLANTED)
def test_a_malformed_stored_figure_breaks_no_page(an_nong, code, fields):
    value = plant(an_nong, code, fields)
    commune, period, unit = an_nong["commune"], an_nong["period"], an_nong["unit"]
    office, province = reader(an_nong["office"]), reader(an_nong["province"])
    plan_id = value.indicator.plan_id
    pages = [
        (office, reverse("reporting:submission", args=[commune.code, period.code, unit.pk])),
        (office, reverse("reporting:period", args=[commune.code, period.code])),
        (office, reverse("reporting:plan", args=[commune.code, plan_id])),
        (office, reverse("dashboards:commune", args=[commune.code]) + "?year=2026&period=202606"),
        (
            province,
            reverse("dashboards:province", args=[commune.province.code])
            + "?year=2026&period=202606",
        ),
        (office, reverse("reports:commune_report", args=[commune.code, period.code])),
        (office, f"/api/v1/communes/{commune.code}/figures/?period=202606"),
        (office, f"/api/v1/communes/{commune.code}/submissions/{value.submission_id}/"),
        (office, f"/api/v1/communes/{commune.code}/values/?period=202606"),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    # The office reviewing the approved report sees which figure is invalid, to reopen it.
    form = office.get(pages[0][1]).content.decode()
    assert "Giá trị đã lưu không hợp lệ" in form
    assert "Một số số liệu đã lưu trước đây không hợp lệ" in form


@pytest.mark.parametrize("code,fields", PLANTED)
def test_the_report_form_shows_a_malformed_stored_figure_as_invalid(an_nong, code, fields):
    value = plant(an_nong, code, fields, status=SubmissionStatus.RETURNED)
    commune, period, unit = an_nong["commune"], an_nong["period"], an_nong["unit"]
    html = (
        reader(an_nong["clerk"])
        .get(reverse("reporting:submission", args=[commune.code, period.code, unit.pk]))
        .content.decode()
    )
    entry = html[html.find(f'id="entry-ind-{value.indicator_id}"') :][:6000]
    assert "giá trị đã lưu không hợp lệ" in entry.lower(), entry


def test_check_figures_lists_what_breaks_the_rules_and_fix_keeps_it_as_typed(an_nong):
    from io import StringIO

    from django.core.management import call_command

    from communes.models import AuditEntry

    negative = plant(an_nong, "7", {"value": Decimal(-5)}, status=SubmissionStatus.RETURNED)
    submission = negative.submission
    commune = an_nong["commune"]
    ratio = IndicatorValue.objects.create(
        submission=submission,
        commune=commune,
        indicator=Indicator.objects.get(commune=commune, code="1"),
        numerator=Decimal(500),
        denominator=Decimal(400),
    )
    good = IndicatorValue.objects.create(
        submission=submission,
        commune=commune,
        indicator=Indicator.objects.get(commune=commune, code="4"),
        value=Decimal(12),
    )
    expected = 2
    if connection.vendor == "sqlite":  # PostgreSQL refuses to store it at all
        IndicatorValue.objects.create(
            submission=submission,
            commune=commune,
            indicator=Indicator.objects.get(commune=commune, code="2"),
            numerator=Decimal("1" * 25),
            denominator=Decimal(10),
        )
        expected = 3

    out = StringIO()
    call_command("check_figures", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith(f"{expected} ")
    listed = "\n".join(lines)
    assert "an-nong\t202606\tPhòng VH-XH\t7\tvalue=-5\tGiá trị phải từ 0 trở lên" in listed
    assert "numerator=500 / denominator=400" in listed and "lớn hơn mẫu số" in listed
    assert "\t4\t" not in listed  # a valid figure is not listed

    version = Submission.objects.get(pk=submission.pk).version
    call_command("check_figures", "--fix", stdout=StringIO())
    negative.refresh_from_db()
    ratio.refresh_from_db()
    good.refresh_from_db()
    assert negative.value is None and (ratio.numerator, ratio.denominator) == (None, None)
    assert good.value == Decimal(12)
    saved = Submission.objects.get(pk=submission.pk)
    assert saved.version == version + expected  # a form opened before cannot save over it
    kept = saved.pending_inputs
    assert kept[f"ind_{negative.indicator_id}_value"] == "-5"
    assert (kept[f"ind_{ratio.indicator_id}_a"], kept[f"ind_{ratio.indicator_id}_b"]) == (
        "500",
        "400",
    )
    audits = AuditEntry.objects.filter(object_id=submission.pk, reason__startswith="check_figures")
    assert audits.count() == 2 * expected - 1  # a ratio's a and b, each
    # The unit finds what was stored, as typed, with the rule's message, in its form.
    html = (
        reader(an_nong["clerk"])
        .get(reverse("reporting:submission", args=[commune.code, "202606", an_nong["unit"].pk]))
        .content.decode()
    )
    assert f'name="ind_{negative.indicator_id}_value" value="-5"' in html
    again = StringIO()
    call_command("check_figures", stdout=again)
    assert again.getvalue().startswith("0 ")


@pytest.mark.parametrize("code,fields", PLANTED[:3])
def test_the_api_and_dashboards_show_an_unreadable_stored_figure_as_empty(an_nong, code, fields):
    """A number the column cannot hold reads as null in the API and as nothing on dashboards
    and their Excel files, never as a string «invalid» in a number's place."""
    import io
    import zipfile

    value = plant(an_nong, code, fields)
    commune = an_nong["commune"]
    office, province = reader(an_nong["office"]), reader(an_nong["province"])
    rows = office.get(f"/api/v1/communes/{commune.code}/values/?period=202606").json()["results"]
    row = next(r for r in rows if r["id"] == value.pk)
    unreadable = [name for name, number in fields.items() if len(str(number)) > 20]
    assert unreadable and all(row[name] is None for name in unreadable)
    assert row["figure"] is None
    figures = province.get(f"/api/v1/provinces/{commune.province.code}/figures/?period=202606")
    assert figures.status_code == 200
    for item in figures.json()["indicators"]:
        for cell in item["communes"]:
            assert cell["value"] in (None,) or Decimal(cell["value"]).is_finite()
    pages = [
        (office, reverse("dashboards:commune", args=[commune.code]) + "?year=2026&period=202606"),
        (
            office,
            reverse("dashboards:commune", args=[commune.code])
            + "?year=2026&period=202606&format=xlsx",
        ),
        (office, reverse("dashboards:indicator", args=[commune.code, value.indicator_id])),
        (office, reverse("dashboards:indicator_excel", args=[commune.code, value.indicator_id])),
        (
            province,
            reverse("dashboards:province", args=[commune.province.code])
            + "?year=2026&period=202606",
        ),
    ]
    for client, page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content
        if body[:2] == b"PK":  # an Excel file: read every part of it
            archive = zipfile.ZipFile(io.BytesIO(body))
            body = b"".join(archive.read(name) for name in archive.namelist())
        text = body.decode(errors="replace")
        assert "giá trị không hợp lệ" not in text and "NaN" not in text, page
