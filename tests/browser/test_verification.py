"""Verification of figures (kiểm chứng) in the browser, the whole loop: the standing office marks
one approved figure verified and questions another on the unit's report page; the unit's clerk
finds the question on its to-do page and answers it; the office finds the answer on its own."""

import pytest
import time_machine

from communes.models import Commune, Role
from reporting.models import (
    FigureVerification,
    IndicatorValue,
    Submission,
    VerificationStatus,
)
from tests.browser.conftest import DEMO_MORNING, log_in, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _long_sessions(settings):
    # The browser keeps its own clock: a session made on the travelled day must outlive it.
    settings.SESSION_COOKIE_AGE = 20 * 365 * 24 * 3600


@pytest.fixture
def open_page(new_page):
    def make():
        page = new_page()
        page.set_default_timeout(90_000)
        page.set_default_navigation_timeout(90_000)
        return page

    return make


def _figure(page, value):
    return page.locator(f"#figure-{value.pk}")


def test_office_verifies_and_questions_the_unit_answers(open_page, demo):
    an_nong = Commune.objects.get(code="an-nong")
    unit = an_nong.units.get(short_name="Phòng VH-XH")
    submission = (
        Submission.objects.filter(commune=an_nong, unit=unit, status="approved")
        .select_related("period")
        .order_by("-period__window_end")
        .first()
    )
    first, second = submission.values.order_by("indicator__order")[:2]
    office = person(Role.STANDING_OFFICE, commune=an_nong)
    clerk = person(Role.UNIT_STAFF, commune=an_nong, unit=unit)
    report_url = f"/communes/an-nong/reporting/{submission.period.code}/units/{unit.pk}/"

    with time_machine.travel(DEMO_MORNING):
        page = open_page()
        log_in(page, office.username)
        page.goto(report_url)
        checks = page.get_by_test_id("figure-checks")
        assert checks.get_by_role("heading", name="Kiểm chứng số liệu").is_visible()
        assert checks.get_by_test_id("figure-check").count() == submission.values.count()
        box = _figure(page, first)
        assert box.get_by_test_id("check-status").inner_text() == "chưa kiểm chứng"
        box.get_by_label("Minh chứng đã xem, hoặc nội dung đề nghị đơn vị làm rõ").fill(
            "Sổ theo dõi cấp chữ ký số của Phòng, tháng 10"
        )
        box.get_by_role("button", name="Đã kiểm chứng").click()
        page.wait_for_load_state()
        assert page.get_by_text("Đã đánh dấu số liệu đã kiểm chứng.").is_visible()
        assert _figure(page, first).get_by_test_id("check-status").inner_text() == "đã kiểm chứng"
        box = _figure(page, second)
        box.get_by_label("Minh chứng đã xem, hoặc nội dung đề nghị đơn vị làm rõ").fill(
            "Đề nghị gửi danh sách người dân đã được cấp tài khoản"
        )
        box.get_by_role("button", name="Đề nghị làm rõ").click()
        page.wait_for_load_state()
        assert _figure(page, second).get_by_test_id("check-status").inner_text() == "đề nghị làm rõ"
        _figure(page, second).scroll_into_view_if_needed()
        screenshot(page, "verification-office-review")

        # The clerk lands on its to-do page, where the question waits, and answers it.
        page = open_page()
        log_in(page, clerk.username)
        assert page.url.endswith("/communes/an-nong/todo/")
        questions = page.locator('li.todo-item[data-kind="figure_questioned"]')
        assert questions.count() == 1
        assert "Đề nghị gửi danh sách người dân" in questions.first.inner_text()
        screenshot(page, "verification-unit-todo")
        questions.first.get_by_role("link").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"#figure-{second.pk}")
        box = _figure(page, second)
        assert "Đề nghị gửi danh sách người dân" in box.get_by_test_id("check-note").inner_text()
        assert _figure(page, first).get_by_role("button").count() == 0
        box.get_by_label("Trả lời gửi Phòng VH-XH").fill("Đã gửi danh sách 412 người qua iGate")
        box.get_by_role("button", name="Gửi trả lời").click()
        page.wait_for_load_state()
        assert "Đã gửi danh sách 412 người" in _figure(page, second).inner_text()
        page.goto("/communes/an-nong/todo/")
        assert page.locator('li.todo-item[data-kind="figure_questioned"]').count() == 0

        # The office reads the answer on its to-do page.
        page = open_page()
        log_in(page, office.username)
        answers = page.locator('li.todo-item[data-kind="figure_answered"]')
        assert answers.count() == 1 and "412 người" in answers.first.inner_text()
        screenshot(page, "verification-office-todo")
        # The commune's dashboard counts the one figure verified among the period's approved.
        page.goto(f"/communes/an-nong/dashboard/?period={submission.period.code}")
        share = page.get_by_test_id("verified-share").inner_text()
        approved = [
            value
            for value in IndicatorValue.objects.filter(
                submission__period=submission.period, submission__status="approved"
            )
            if not value.is_empty
        ]
        assert f"1/{len(approved)} số liệu đã duyệt được kiểm chứng" in share, share
        screenshot(page, "verification-dashboard")

    states = dict(
        FigureVerification.objects.filter(value__in=[first, second]).values_list(
            "value_id", "status"
        )
    )
    assert states == {first.pk: VerificationStatus.VERIFIED, second.pk: VerificationStatus.ANSWERED}
