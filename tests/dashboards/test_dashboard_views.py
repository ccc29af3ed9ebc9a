"""The dashboards as their readers use them: who may open which, what they show, Excel, queries."""

import gc
import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communes.models import Commune, Role, UnitKind
from dashboards.ontrack import Track
from dashboards.selectors import commune_dashboard, period_choose, plan_years
from indicators.models import Indicator, MeasureKind, ProvinceIndicator
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    Submission,
    TaskProgress,
)
from reporting.services import period_ensure
from tasks.models import TaskStatus
from tests.conftest import person
from tests.factories import (
    CommuneFactory,
    IndicatorFactory,
    IndicatorGroupFactory,
    PlanFactory,
    ProvinceFactory,
    SubmissionFactory,
    TargetFactory,
    TaskFactory,
    UnitFactory,
)
from tests.queries import Queries, assert_flat, queries_of_get


def dashboard_url(commune, **query):
    url = reverse("dashboards:commune", args=[commune.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def province_url(province, **query):
    url = reverse("dashboards:province", args=[province.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def dien_quang_2025(seeds):
    """Điền Quang's 2025 annual period: indicator 1 achieved, 2 off track; one unit late."""
    commune = seeds["dien-quang"]
    period = period_ensure(commune, "2025")
    office = commune.units.get(kind=UnitKind.STANDING_OFFICE)
    kinh_te = commune.units.get(short_name="Phòng Kinh tế")
    one = Indicator.objects.get(plan__commune=commune, code="1")
    two = Indicator.objects.get(plan__commune=commune, code="2")
    submission = SubmissionFactory(period=period, unit=office, approved=True)
    IndicatorValue.objects.create(submission=submission, commune=commune, indicator=one, value=60)
    IndicatorValue.objects.create(submission=submission, commune=commune, indicator=two, value=20)
    SubmissionFactory(period=period, unit=kinh_te, approved=True, late=True)
    return commune, period


# --- Who may open which ------------------------------------------------------------------


def test_commune_dashboard_for_its_people_and_its_province(client, people, dien_quang_2025):
    commune, period = dien_quang_2025
    for who in ("standing_office", "leader", "kinh_te", "thanh_hoa"):
        client.force_login(people[who])
        response = client.get(dashboard_url(commune, period="2025"))
        assert response.status_code == 200, who
        assert response.context["dashboard"].period == period


def test_other_province_and_other_commune_get_404(client, people, dien_quang_2025):
    commune, _period = dien_quang_2025
    for who in ("quang_ngai", "other_commune_office"):
        client.force_login(people[who])
        assert client.get(dashboard_url(commune)).status_code == 404, who
        assert client.get(dashboard_url(commune, format="xlsx")).status_code == 404, who
        indicator = Indicator.objects.filter(commune=commune).first()
        excel = reverse("dashboards:indicator_excel", args=[commune.code, indicator.pk])
        assert client.get(excel).status_code == 404, who
    # The province of Điền Quang is Thanh Hóa's: Quảng Ngãi's officer cannot open it either.
    client.force_login(people["quang_ngai"])
    assert client.get(province_url(commune.province)).status_code == 404
    client.force_login(people["other_commune_office"])  # commune staff read no province
    assert client.get(province_url(commune.province)).status_code == 404
    client.force_login(people["thanh_hoa"])
    assert client.get(province_url(commune.province)).status_code == 200


def test_missing_commune_and_anonymous(client, people, seeds):
    client.force_login(people["thanh_hoa"])
    assert client.get(reverse("dashboards:commune", args=["no-such"])).status_code == 404
    client.logout()
    response = client.get(dashboard_url(seeds["dien-quang"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unit_staff_see_the_dashboard_read_only(client, people, dien_quang_2025):
    commune, _period = dien_quang_2025
    client.force_login(people["kinh_te"])
    html = client.get(dashboard_url(commune, period="2025")).content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert 'method="post"' not in main  # no action of any kind
    assert "/edit/" not in main
    assert reverse("reporting:submission", args=[commune.code, "2025", 1])[:-2] not in main
    # The standing office gets links from the compliance grid into the reports it reviews.
    client.force_login(people["standing_office"])
    html = client.get(dashboard_url(commune, period="2025")).content.decode()
    assert f"/communes/{commune.code}/reporting/2025/units/" in html


# --- What it shows -----------------------------------------------------------------------


def test_commune_dashboard_figures(client, people, dien_quang_2025):
    commune, _period = dien_quang_2025
    client.force_login(people["leader"])
    response = client.get(dashboard_url(commune, period="2025"))
    dashboard = response.context["dashboard"]
    tracks = {row.indicator.code: row.track for row in dashboard.indicators}
    # Target 50 percent: 60 meets it; indicator 2 (target 50) at 20 misses it at the year's end.
    assert tracks["1"] == Track.ACHIEVED
    assert tracks["2"] == Track.OFF_TRACK
    assert sum(1 for t in tracks.values() if t == Track.NO_DATA) == len(tracks) - 2
    assert dashboard.reporting["on_time"] == 1 and dashboard.reporting["late"] == 1
    html = response.content.decode()
    assert 'data-testid="count-achieved"' in html
    assert "Đạt" in html and "Chậm tiến độ" in html  # Vietnamese labels
    assert "Cách xếp loại" in html or "xếp loại" in html  # the rules are explained


def test_filters_by_group_unit_and_standing(client, people, dien_quang_2025):
    commune, _period = dien_quang_2025
    client.force_login(people["standing_office"])
    everything = client.get(dashboard_url(commune, period="2025")).context["dashboard"]
    group = everything.indicators[0].indicator.group
    by_group = client.get(dashboard_url(commune, period="2025", group=group.pk)).context
    assert {row.indicator.group_id for row in by_group["dashboard"].indicators} == {group.pk}
    off = client.get(dashboard_url(commune, period="2025", track="off_track")).context
    assert [row.indicator.code for row in off["indicator_rows"]] == ["2"]
    kinh_te = commune.units.get(short_name="Phòng Kinh tế")
    by_unit = client.get(dashboard_url(commune, period="2025", unit=kinh_te.pk)).context
    assert [row.unit for row in by_unit["dashboard"].compliance.rows] == [kinh_te]
    # Rubbish in the query string is ignored, never an error.
    response = client.get(dashboard_url(commune, period="nonsense", group="x", unit="y", year="z"))
    assert response.status_code == 200


def test_excel_downloads_match_the_tables(client, people, dien_quang_2025):
    commune, _period = dien_quang_2025
    client.force_login(people["leader"])
    response = client.get(dashboard_url(commune, period="2025", format="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(response.content))
    assert len(workbook.sheetnames) == 6
    one = client.get(dashboard_url(commune, period="2025", format="xlsx", table="indicators"))
    sheet = load_workbook(BytesIO(one.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 21  # Điền Quang's 21 indicators
    first = next(row for row in rows if row[0] == "1")
    assert first[8] == 60 and first[11] == "Đạt"
    assert client.get(dashboard_url(commune, format="xlsx", table="nope")).status_code == 404


def test_period_choice_prefers_a_due_period_of_a_year_with_a_plan(seeds):
    commune = seeds["an-nong"]
    for code in ("2025", "202612", "2026", "202603"):
        period_ensure(commune, code)
    periods = list(ReportingPeriod.objects.filter(commune=commune))
    now = ReportingPeriod.objects.get(commune=commune, code="2026").deadline + timedelta(days=40)
    choice = period_choose(periods, plan_years=plan_years(commune), now=now)
    # 2025 has no plan of An Nông in force; of 2026, December and the year end together: the year.
    assert choice.period.code == "2026"
    assert [p.code for p in choice.periods][:1] == ["2026"]
    early = ReportingPeriod.objects.get(commune=commune, code="202603").deadline
    assert period_choose(periods, plan_years={2026}, now=early).period.code == "202603"
    assert period_choose(periods, plan_years={2026}, now=now, year=2025).period.code == "2025"


def test_indicator_page_shows_history_and_who_reported(client, people, dien_quang_2025):
    commune, _period = dien_quang_2025
    one = Indicator.objects.get(plan__commune=commune, code="1")
    url = reverse("dashboards:indicator", args=[commune.code, one.pk]) + "?kind=year"
    client.force_login(people["standing_office"])
    response = client.get(url)
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    (point,) = [p for p in response.context["history"].points if p.code == "2025"]
    assert point.figure.value == 60 and point.standing.track == Track.ACHIEVED
    assert response.context["show_people"] is True
    client.force_login(people["thanh_hoa"])  # the province reads figures, not who typed them
    assert client.get(url).context["show_people"] is False
    excel = client.get(reverse("dashboards:indicator_excel", args=[commune.code, one.pk]))
    assert len(load_workbook(BytesIO(excel.content)).sheetnames) == 2


# --- The province ------------------------------------------------------------------------


def test_province_dashboard_ranks_and_drills_down(client, people, dien_quang_2025):
    commune, _period = dien_quang_2025
    client.force_login(people["thanh_hoa"])
    response = client.get(province_url(commune.province, period="2025"))
    dashboard = response.context["dashboard"]
    line = next(line for line in dashboard.lines if line.commune == commune)
    assert line.rank == line.standing.rank
    assert (line.achieved, line.standing.on_time, line.standing.late) == (1, 1, 1)
    html = response.content.decode()
    assert reverse("dashboards:commune", args=[commune.code]) in html
    sorted_by_name = client.get(province_url(commune.province, period="2025", sort="name"))
    names = [line.commune.name for line in sorted_by_name.context["dashboard"].lines]
    assert names == sorted(names)
    workbook = load_workbook(
        BytesIO(client.get(province_url(commune.province, period="2025", format="xlsx")).content)
    )
    assert len(workbook.sheetnames) == 3


def test_province_heatmap_cells_say_the_standing_and_link_to_the_indicator(
    client, people, dien_quang_2025
):
    commune, _period = dien_quang_2025
    client.force_login(people["thanh_hoa"])
    response = client.get(province_url(commune.province, period="2025", show="all"))
    dashboard = response.context["dashboard"]
    html = response.content.decode()
    heatmap = html.split('data-testid="heatmap"', 1)[1].split("</table>", 1)[0]
    row = heatmap.split(f'<tr data-commune="{commune.code}">', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td .*?</td>", row)
    assert len(cells) == len(dashboard.columns)
    # Indicator 1 (target 50 percent, 60 reported): achieved, its figure and reason in the title.
    indicator = Indicator.objects.get(commune=commune, code="1")
    column = next(
        n
        for n, r in enumerate(dashboard.columns)
        if r.indicator.pk == indicator.province_indicator_id
    )
    cell = cells[column]
    code = dashboard.columns[column].indicator.code
    link = reverse("dashboards:indicator", args=[commune.code, indicator.pk]) + "#progress"
    assert cell.startswith('<td class="h track-achieved" title="')
    assert f"{code} · {commune.name}: Đạt (60" in cell and f'href="{link}"' in cell
    assert f'<span class="visually-hidden">{code}: Đạt</span>' in cell
    # A catalogue indicator the commune's plan lacks: a grey cell that says so.
    held = set(
        Indicator.objects.filter(commune=commune).values_list("province_indicator", flat=True)
    )
    lacking = [n for n, r in enumerate(dashboard.columns) if r.indicator.pk not in held]
    assert lacking
    for n in lacking:
        assert cells[n] == (
            '<td class="h absent"><span class="visually-hidden">'
            "không có trong kế hoạch của xã</span></td>"
        )


def test_province_heatmap_rows_are_kept_per_reading_and_language(client, people, dien_quang_2025):
    """The rows' markup is kept with the kept consolidation's standings: a second page gives
    the same rows, English gets English rows, and a new reading of the province new ones."""
    from dashboards.templatetags import dashboards as tags
    from reporting.consolidation import kept_consolidations_forget

    commune, _period = dien_quang_2025
    client.force_login(people["thanh_hoa"])
    url = province_url(commune.province, period="2025", show="all")

    def heatmap():
        html = client.get(url).content.decode()
        return html.split('data-testid="heatmap"', 1)[1].split("</table>", 1)[0]

    first = heatmap()
    assert tags._heat_rows and heatmap() == first
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = heatmap()
    assert "not in the commune&#x27;s plan" in english and "kế hoạch của xã" not in english
    assert "track-achieved" in english and ": Achieved" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    kept = dict(tags._heat_rows)
    kept_consolidations_forget()
    gc.collect()
    assert not set(kept) & set(tags._heat_rows)  # the old standings' rows went with them
    assert heatmap() == first


def test_province_ranking_by_group(client, people, dien_quang_2025):
    commune, _period = dien_quang_2025
    client.force_login(people["thanh_hoa"])
    catalogue = ProvinceIndicator.objects.filter(province=commune.province)
    group = catalogue.get(commune_indicators__code="1", commune_indicators__commune=commune).group
    response = client.get(province_url(commune.province, period="2025", group=group))
    dashboard = response.context["dashboard"]
    assert dashboard.group == group
    assert {row.indicator.group for row in dashboard.columns} == {group}


# --- Queries do not grow -----------------------------------------------------------------


def grow_commune(commune, plan, office, *, indicators: int, units: int, months: int):
    """Add indicators, tasks, units and approved monthly reports to a factory commune."""
    new_units = [UnitFactory(commune=commune) for _ in range(units)]
    group = IndicatorGroupFactory(plan=plan)
    for n in range(indicators):
        unit = new_units[n % len(new_units)] if new_units else office
        indicator = IndicatorFactory(
            group=IndicatorGroupFactory(plan=plan) if n % 2 else group,
            numerator_definition="a",
            denominator_definition="b",
        )
        indicator.lead_units.add(unit)
        TargetFactory(indicator=indicator)
        TargetFactory(indicator=indicator, year=2030, text="≥ 90", value=90)
        TaskFactory(plan=plan, deadline_text="Tháng 3/2025").lead_units.add(unit)
    for month in range(1, months + 1):
        period = period_ensure(commune, f"2025{month:02d}")
        for unit in [office, *commune.units.exclude(pk=office.pk)]:
            if Submission.objects.filter(period=period, unit=unit).exists():
                continue
            submission = SubmissionFactory(
                period=period, unit=unit, approved=True, late=month % 2 == 0
            )
            for indicator in Indicator.objects.filter(lead_units=unit):
                IndicatorValue.objects.create(
                    submission=submission,
                    commune=commune,
                    indicator=indicator,
                    numerator=month * 5,
                    denominator=100,
                )
            for task in unit.led_tasks.all():
                TaskProgress.objects.create(
                    submission=submission,
                    commune=commune,
                    task=task,
                    status=TaskStatus.IN_PROGRESS,
                    percent=month * 10,
                )


def count_queries(client, url) -> Queries:
    client.get(url)  # warm the per-process caches (content types) so that only the page counts
    return queries_of_get(client, url)


@pytest.fixture
def factory_commune(db):
    province = ProvinceFactory(code="96", name="Tỉnh Đếm")
    commune = CommuneFactory(province=province, code="xa-dem", name="Xã Đếm")
    office = UnitFactory(commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH")
    plan = PlanFactory(commune=commune, period_start=2025, period_end=2030)
    return commune, plan, office


def test_commune_dashboard_queries_do_not_grow(client, factory_commune):
    commune, plan, office = factory_commune
    client.force_login(person(Role.STANDING_OFFICE, commune=commune))
    grow_commune(commune, plan, office, indicators=2, units=1, months=2)
    url = dashboard_url(commune, period="202502")
    small = count_queries(client, url)
    grow_commune(commune, plan, office, indicators=8, units=4, months=6)
    assert_flat(small, count_queries(client, url), "commune dashboard")
    assert_flat(
        small, count_queries(client, dashboard_url(commune, period="202506")), "a later period"
    )


def test_indicator_page_queries_do_not_grow(client, factory_commune):
    commune, plan, office = factory_commune
    client.force_login(person(Role.COMMUNE_LEADER, commune=commune))
    grow_commune(commune, plan, office, indicators=2, units=1, months=2)
    indicator = Indicator.objects.filter(commune=commune).first()
    url = reverse("dashboards:indicator", args=[commune.code, indicator.pk])
    small = count_queries(client, url)
    grow_commune(commune, plan, office, indicators=4, units=3, months=8)
    assert_flat(small, count_queries(client, url), "indicator page")


def test_province_dashboard_queries_do_not_grow(client, db):
    province = ProvinceFactory(code="95", name="Tỉnh So Sánh")
    catalogue = [
        ProvinceIndicator.objects.create(
            province=province, code=str(n), name=f"Chỉ tiêu {n}", group=f"Nhóm {n % 2}"
        )
        for n in range(1, 4)
    ]
    officer = person(Role.PROVINCE_OFFICER, province=province)
    client.force_login(officer)

    def add_commune(n):
        commune = CommuneFactory(province=province, name=f"Xã {n}")
        office = UnitFactory(
            commune=commune, kind=UnitKind.STANDING_OFFICE, short_name="Phòng VH-XH"
        )
        plan = PlanFactory(commune=commune, period_start=2025, period_end=2025)
        grow_commune(commune, plan, office, indicators=3, units=1, months=1)
        for indicator, row in zip(
            Indicator.objects.filter(commune=commune), catalogue, strict=False
        ):
            indicator.province_indicator = row
            if row is catalogue[0]:
                # The heat map writes a count's figure without "%": it reads the unit of measure.
                indicator.measure_kind = MeasureKind.COUNT
            indicator.save()

    add_commune(1)
    add_commune(2)
    url = province_url(province, period="202501")
    small = count_queries(client, url)
    for n in range(3, 8):
        add_commune(n)
    assert_flat(small, count_queries(client, url), "province dashboard")
    assert_flat(
        small,
        count_queries(client, province_url(province, period="202501", group="Nhóm 1")),
        "province dashboard of one group",
    )


def test_selector_counts_tasks_overdue_first(factory_commune):
    commune, plan, office = factory_commune
    grow_commune(commune, plan, office, indicators=3, units=1, months=4)
    period = ReportingPeriod.objects.get(commune=commune, code="202504")
    periods = list(ReportingPeriod.objects.filter(commune=commune))
    dashboard = commune_dashboard(commune, period, periods=periods, now=timezone.now())
    # "Tháng 3/2025", 40 percent done by April: overdue, and first on the board.
    assert dashboard.task_counts()["overdue"] == 3
    assert dashboard.tasks[0].state == "overdue"
    assert dashboard.compliance.counts["late"] == 2 * 2  # months 2 and 4, two units
    assert sum(dashboard.track_counts().values()) == 3
    assert (dashboard.reporting["on_time"], dashboard.reporting["late"]) == (0, 2)


def test_seed_commune_without_a_plan_that_year_still_answers(client, people, seeds):
    commune = Commune.objects.get(code="dien-quang")
    period_ensure(commune, "2026")
    client.force_login(people["leader"])
    response = client.get(dashboard_url(commune, period="2026"))
    assert response.status_code == 200
    assert response.context["dashboard"].indicators == []


def test_province_ranking_and_heatmap_come_a_page_at_a_time(client, db, monkeypatch):
    monkeypatch.setattr("dashboards.views.PROVINCE_PAGE_SIZE", 3)
    province = ProvinceFactory(code="94", name="Tỉnh Nhiều Xã")
    ProvinceIndicator.objects.create(province=province, code="1", name="Chỉ tiêu 1", group="Nhóm")
    for n in range(7):
        commune = CommuneFactory(province=province, name=f"Xã {n}", code=f"xa-{n}")
        TaskFactory(plan=PlanFactory(commune=commune, period_start=2025, period_end=2025))
        period_ensure(commune, "202501")
    client.force_login(person(Role.PROVINCE_OFFICER, province=province))

    def shown(response, table):
        html = response.content.decode()
        body = html.split(f'data-testid="{table}"', 1)[1].split("</table>", 1)[0]
        return body.count("<tr data-commune=")

    first = client.get(province_url(province, period="202501", sort="name"))
    assert (shown(first, "ranking"), shown(first, "heatmap")) == (3, 3)
    assert 'data-testid="pager-ranking"' in first.content.decode()
    assert "1–3" in first.content.decode()
    last = client.get(province_url(province, period="202501", sort="name", page=3))
    assert (shown(last, "ranking"), shown(last, "heatmap")) == (1, 1)
    assert 'data-commune="xa-6"' in last.content.decode()
    every = client.get(province_url(province, period="202501", sort="name", show="all"))
    assert (shown(every, "ranking"), shown(every, "heatmap")) == (7, 7)
    # The Excel download holds every commune whatever the page.
    excel = client.get(province_url(province, period="202501", format="xlsx", table="ranking"))
    cells = {
        cell
        for row in load_workbook(BytesIO(excel.content)).active.iter_rows(values_only=True)
        for cell in row
    }
    assert all(any(f"Xã {n}" in str(cell) for cell in cells) for n in range(7)), cells
