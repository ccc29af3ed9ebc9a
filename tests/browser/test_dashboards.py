"""The dashboards in the browser, at 1366×768 and on a phone, for the seed communes with their
demo figures; what they show is checked against the database."""

import pytest
from django.utils import timezone

from communes.models import Commune, Role
from dashboards.ontrack import Track
from dashboards.selectors import commune_dashboard
from indicators.models import Indicator
from reporting.consolidation import province_consolidation
from reporting.models import ReportingPeriod
from tests.browser.conftest import DEMO_DAY, DESKTOP, PHONE, log_in, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = DEMO_DAY
# The period each seed commune is looked at: Điền Quang's plan is for 2025 only.
PERIODS = {"dien-quang": "2025", "truong-giang": "202610", "an-nong": "202610"}


def expected(commune: Commune, code: str):
    period = ReportingPeriod.objects.get(commune=commune, code=code)
    periods = [p for p in ReportingPeriod.objects.filter(commune=commune) if p.year == period.year]
    return commune_dashboard(commune, period, periods=periods, now=timezone.now())


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_commune_dashboards_of_the_seed_communes(new_page, demo):
    for code, period_code in PERIODS.items():
        commune = Commune.objects.get(code=code)
        office = person(Role.STANDING_OFFICE, commune=commune)
        truth = expected(commune, period_code)
        for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
            page = new_page(viewport)
            log_in(page, office.username)
            page.goto(f"/communes/{code}/dashboard/?period={period_code}")
            counts = truth.track_counts()
            for track in Track:
                shown = page.get_by_test_id(f"count-{track.value}").locator("strong")
                assert shown.inner_text() == str(counts[track.value]), (code, track)
            overdue = page.get_by_test_id("tasks-overdue").locator("strong").inner_text()
            assert overdue == str(truth.task_counts()["overdue"]), code
            rate = page.get_by_test_id("reporting-rate").inner_text()
            assert f"{truth.reporting['on_time']}/{truth.units_expected}" in rate, code
            rows = page.locator('[data-testid="indicator-table"] tr[data-code]')
            assert rows.count() == len(truth.indicators)
            grid = page.locator('[data-testid="compliance-grid"] tbody tr[data-unit]')
            assert grid.count() == len(truth.compliance.rows)
            assert fits_the_screen(page), (code, label)  # tables scroll inside their frame
            screenshot(page, f"dashboard-{code}-{label}")


def test_filters_work_without_javascript_and_the_indicator_page(new_page, demo):
    commune = Commune.objects.get(code="truong-giang")
    leader = person(Role.COMMUNE_LEADER, commune=commune)
    page = new_page()
    log_in(page, leader.username)
    page.get_by_role("link", name="Bảng điều khiển").first.click()
    page.wait_for_load_state()
    page.get_by_label("Đơn vị", exact=True).select_option(label="Trung tâm Phục vụ HCC")
    page.get_by_label("Tình trạng", exact=True).select_option("on_track")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()
    assert page.locator('[data-testid="compliance-grid"] tbody tr[data-unit]').count() == 1
    tracks = page.locator('[data-testid="indicator-table"] tr[data-code]')
    assert set(tracks.evaluate_all("rows => rows.map(r => r.dataset.track)")) <= {"on_track"}
    # Read-only for a leader: no form posts anything from the dashboard.
    assert page.locator('main form[method="post"]').count() == 0

    indicator = Indicator.objects.get(plan__commune=commune, code="1.2")
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = new_page(viewport)
        log_in(page, leader.username)
        page.goto(f"/communes/truong-giang/indicators/{indicator.pk}/?kind=year#progress")
        chart = page.locator("#progress svg.chart:visible")
        assert chart.count() == 1
        assert "Lộ trình" in chart.text_content()
        # The target path between 2025 (≥ 10) and 2030 (≥ 25), as a table beside the chart.
        page.get_by_text("Xem số liệu của biểu đồ dạng bảng").click()
        row_2027 = page.locator('[data-testid="table-history"] tr', has_text="2027")
        assert "16" in row_2027.inner_text()
        assert fits_the_screen(page)
        screenshot(page, f"indicator-truong-giang-1.2-{label}")


def test_province_dashboards_rank_and_drill_down(new_page, demo):
    for code, period_code in (("dien-quang", "202610"), ("truong-giang", "202610")):
        province = Commune.objects.get(code=code).province
        officer = person(Role.PROVINCE_OFFICER, province=province)
        truth = province_consolidation(province, period_code)
        for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
            page = new_page(viewport)
            log_in(page, officer.username)
            page.goto(f"/provinces/{province.code}/dashboard/?period={period_code}")
            for standing in truth.standings:
                if not standing.has_plan:  # listed apart, not ranked
                    apart = page.locator(
                        f'[data-testid="without-plan"] [data-commune="{standing.commune.code}"]'
                    )
                    assert apart.count() == 1, standing.commune
                    continue
                rank = page.get_by_test_id(f"rank-{standing.commune.code}").inner_text()
                assert rank == str(standing.rank), standing.commune
            heat = page.locator('[data-testid="heatmap"] tbody tr')
            assert heat.count() == len(truth.standings)
            assert fits_the_screen(page), (province, label)
            screenshot(page, f"dashboard-province-{province.code}-{label}")
        # Drill down, read-only, into the first commune of the ranking.
        first = truth.standings[0].commune
        page.locator(f'[data-testid="ranking"] tr[data-commune="{first.code}"] th a').click()
        page.wait_for_load_state()
        assert f"/communes/{first.code}/dashboard/" in page.url
        assert page.locator('main form[method="post"]').count() == 0
