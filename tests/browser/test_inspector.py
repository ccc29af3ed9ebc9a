"""The inspector in the browser: a province inspector (Ủy ban kiểm tra, HĐND) logs in with its
second factor, lands on its inspection page, reads a plan, a unit's approved report and an
official report, and is offered nothing to act on."""

import pytest
from django.core.files.base import ContentFile

from communes.models import Commune, Role
from reporting.models import Submission, SubmissionStatus
from reports.models import Report, ReportKind, ReportStatus
from tests.browser.conftest import log_in, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a read-only person may still post from any page: logging out, the language.
ACTION_FORMS = "form[method=post]:not([action$='/logout/']):not([action$='/setlang/'])"
ACTION_BUTTONS = (
    "Lưu nháp",
    "Gửi Phòng VH-XH",
    "Duyệt",
    "Trả lại đơn vị",
    "Tạo tệp PDF",
    "Tạo lại",
    "Sửa",
    "Thêm",
)


def _offers_nothing_to_act(page) -> None:
    assert page.locator(ACTION_FORMS).count() == 0
    for name in ACTION_BUTTONS:
        assert page.get_by_role("button", name=name, exact=True).count() == 0, name
        assert page.get_by_role("link", name=name, exact=True).count() == 0, name


def test_a_province_inspector_reads_plan_report_and_official_report(new_page, demo):
    dien_quang = Commune.objects.get(code="dien-quang")
    inspector = person(Role.INSPECTOR, province=dien_quang.province)
    approved = (
        Submission.objects.filter(commune=dien_quang, status=SubmissionStatus.APPROVED)
        .select_related("period", "unit")
        .order_by("-period__deadline")
        .first()
    )
    report = Report.objects.create(
        kind=ReportKind.COMMUNE,
        province=dien_quang.province,
        commune=dien_quang,
        period=approved.period,
        period_code=approved.period.code,
        format="xlsx",
        status=ReportStatus.DONE,
        progress=100,
    )
    report.file.save(report.filename, ContentFile(b"PK fake"), save=True)

    page = new_page()
    log_in(page, inspector.username)  # a province inspector types its second factor
    assert page.url.endswith("/inspection/")
    assert page.get_by_test_id("read-only-note").is_visible()
    communes = page.get_by_test_id("inspection-commune")
    assert {communes.nth(i).get_attribute("data-code") for i in range(communes.count())} == {
        c.code for c in Commune.objects.filter(province=dien_quang.province)
    }
    _offers_nothing_to_act(page)
    screenshot(page, "inspector-home")

    # The plan, from the home page.
    section = page.locator("[data-testid=inspection-commune][data-code=dien-quang]")
    section.locator("a[href*='/plans/']").first.click()
    page.wait_for_load_state()
    assert "/communes/dien-quang/plans/" in page.url
    assert page.locator("h1").first.is_visible()
    _offers_nothing_to_act(page)
    screenshot(page, "inspector-plan")

    # A unit's approved report: its figures, read only.
    page.goto(f"/communes/dien-quang/reporting/{approved.period.code}/units/{approved.unit.pk}/")
    assert page.get_by_test_id("status").inner_text() == "đã duyệt"
    assert page.get_by_test_id("read-only-report").count() == 1
    assert page.locator("fieldset[disabled]").count() == 1
    _offers_nothing_to_act(page)
    screenshot(page, "inspector-submission")

    # The official report of that period and its file.
    page.goto(f"/communes/dien-quang/reports/{approved.period.code}/")
    _offers_nothing_to_act(page)
    page.goto(f"/communes/dien-quang/reports/files/{report.pk}/")
    assert page.get_by_role("link", name=f"Tải về {report.filename}").is_visible()
    stale = page.get_by_test_id("stale")
    assert stale.count() == 0 or "hãy tạo lại" not in stale.inner_text()  # nothing to do
    _offers_nothing_to_act(page)
    screenshot(page, "inspector-report-file")
