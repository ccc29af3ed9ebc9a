"""The national summary: provinces × the indicators of their catalogues, each province's value
as its own consolidation gives it (Σa/Σb), the whole country by the same rule, a few indicators
a page, every one in Excel, queries flat in data size; administrators only."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Role, UnitKind
from indicators.models import Indicator, ProvinceIndicator
from reporting.consolidation import province_consolidation
from reporting.models import IndicatorValue, Submission
from reports.documents import consolidated_value_text
from tests.conftest import person
from tests.dashboards.test_dashboard_views import count_queries, grow_commune
from tests.factories import CommuneFactory, PlanFactory, ProvinceFactory, UnitFactory
from tests.queries import Queries, assert_flat, queries_of_get

pytestmark = pytest.mark.django_db

PERIOD = "202501"
NAMES = ("Tỷ lệ hồ sơ trực tuyến (thử)", "Tỷ lệ người dân có sổ sức khỏe điện tử (thử)")


def add_province(code: str, communes: int) -> ProvinceIndicator:
    """A province whose catalogue carries the two indicators (numbered its own way), and
    communes reporting a = 5 of b = 100 × n (n its number) for January 2025."""
    province = ProvinceFactory(code=code, name=f"Tỉnh Thử {code}")
    catalogue = [
        ProvinceIndicator.objects.create(
            province=province, code=f"{code}.{n}", name=name, group="Nhóm thử", order=n
        )
        for n, name in enumerate(NAMES, start=1)
    ]
    for n in range(1, communes + 1):
        commune = CommuneFactory(province=province, name=f"Xã {code}-{n}")
        office = UnitFactory(
            commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH"
        )
        plan = PlanFactory(commune=commune, period_start=2025, period_end=2025)
        grow_commune(commune, plan, office, indicators=2, units=1, months=1)
        for indicator, row in zip(
            Indicator.objects.filter(commune=commune).order_by("pk"), catalogue, strict=True
        ):
            indicator.province_indicator = row
            indicator.save()
        IndicatorValue.objects.filter(commune=commune).update(denominator=100 * n)
    return province


@pytest.fixture(autouse=True)
def _cache_empty(settings):
    """The summary is cached under the digest of what it reads; row ids repeat between tests on
    SQLite, so each test starts with nothing cached, in a cache of its own (clearing Redis would
    drop the jobs another test process has queued there)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "national-summary",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin(db):
    return person(Role.ADMINISTRATOR)


def national_url(**query):
    """The summary of the test's group (the seed provinces' catalogues are there too)."""
    return reverse("dashboards:national") + "?" + urlencode({"group": "Nhóm thử", **query})


def test_each_province_reads_as_its_own_consolidation_and_the_country_sums_a_and_b(client, admin):
    small, large = add_province("81", 1), add_province("82", 3)
    client.force_login(admin)
    response = client.get(national_url(period=PERIOD))
    assert response.status_code == 200
    summary = response.context["summary"]
    html = response.content.decode()
    for province in (small, large):
        own = province_consolidation(province, PERIOD).rows
        line = next(line for line in response.context["lines"] if line.summary.province == province)
        assert [cell.value for cell in line.cells] == [
            consolidated_value_text(row)[0] for row in own
        ]
        assert f'data-province="{province.code}"' in html
    first = next(i for i in summary.indicators if i.name == NAMES[0])
    # Σa/Σb over the four communes: 4 × 5 over 100 + (100 + 200 + 300); not a mean of ratios.
    assert first.total.numerator == 20 and first.total.denominator == 700
    assert first.total.value == Decimal(20) * 100 / Decimal(700)
    assert first.rows[large.pk].value == Decimal(15) * 100 / Decimal(600)
    assert first.total.communes_reporting == 4
    assert "Toàn quốc" in html and consolidated_value_text(first.total)[0] in html


def test_a_few_indicators_a_page_and_every_one_in_excel(client, admin, monkeypatch):
    monkeypatch.setattr("dashboards.views.NATIONAL_PAGE_SIZE", 1)
    add_province("81", 1)
    add_province("82", 2)
    client.force_login(admin)
    first = client.get(national_url(period=PERIOD))
    second = client.get(national_url(period=PERIOD, page=2))
    assert [i.name for i in first.context["indicators"]] == [NAMES[0]]
    assert [i.name for i in second.context["indicators"]] == [NAMES[1]]
    assert 'rel="next"' in first.content.decode()

    excel = client.get(national_url(period=PERIOD, format="xlsx"))
    assert excel.status_code == 200
    book = load_workbook(BytesIO(excel.content))
    matrix, detail = book.worksheets
    rows = list(matrix.iter_rows(values_only=True))
    header = rows[2]
    assert all(any(name[:40] in str(h) for h in header) for name in NAMES)  # every indicator
    names = [row[0] for row in rows[3:]]
    assert "Tỉnh Thử 81" in names and "Tỉnh Thử 82" in names and names[-1] == "Toàn quốc"
    values = {row[0]: row[2] for row in rows[3:]}  # numbers a spreadsheet can sum, not text
    assert Decimal(str(values["Tỉnh Thử 82"])) == Decimal("3.33")  # 10 / 300
    assert Decimal(str(values["Toàn quốc"])) == Decimal("3.75")  # 15 / 400
    checked = {
        (row[0], row[2]): (row[5], row[6]) for row in detail.iter_rows(min_row=4, values_only=True)
    }
    assert checked[("Tỉnh Thử 82", NAMES[0])] == (10, 300)  # 5 + 5 over 100 + 200
    assert checked[("Toàn quốc", NAMES[0])] == (15, 400)


def reading_queries(client, url) -> Queries:
    """The page's queries when it reads the country (nothing cached)."""
    client.get(url)  # warm the per-process caches (content types)
    cache.clear()
    return queries_of_get(client, url)


def test_queries_do_not_grow_with_provinces_and_communes(client, admin):
    add_province("81", 1)
    add_province("82", 1)
    client.force_login(admin)
    url = national_url(period=PERIOD)
    small, small_cached = reading_queries(client, url), count_queries(client, url)
    assert len(small_cached) < len(small)
    add_province("83", 3)
    add_province("84", 4)
    for n in range(5):
        add_province(f"9{n}", 2)
    assert_flat(small, reading_queries(client, url), "national summary, read")
    assert_flat(small_cached, count_queries(client, url), "national summary, cached")
    assert_flat(
        small_cached,
        count_queries(client, national_url(period=PERIOD, page=2)),
        "national summary, page 2",
    )


def test_a_figure_changed_through_a_new_version_shows_at_once(client, admin):
    """What is cached is keyed by the submissions' versions (every save, approval and reopening
    moves one, as for a report's staleness): a changed figure is read at once."""
    province = add_province("81", 1)
    client.force_login(admin)
    url = national_url(period=PERIOD)

    def first_value():
        summary = client.get(url).context["summary"]
        return next(i for i in summary.indicators if i.name == NAMES[0]).rows[province.pk].value

    assert first_value() == 5  # 5 of 100
    value = IndicatorValue.objects.filter(
        commune__province=province, indicator__province_indicator__name=NAMES[0]
    ).get()
    value.numerator = 40
    value.save()
    Submission.objects.filter(pk=value.submission_id).update(version=F("version") + 1)
    assert first_value() == 40


def test_the_summary_links_to_each_province_and_offers_the_national_report(client, admin):
    province = add_province("81", 1)
    client.force_login(admin)
    html = client.get(national_url(period=PERIOD)).content.decode()
    assert reverse("dashboards:province", args=[province.code]) + f"?period={PERIOD}" in html
    assert reverse("reports:national_request") in html
    assert client.get(reverse("home")).content.decode().count(reverse("dashboards:national")) == 1
