"""Each role's to-do page ("Việc cần làm") in the browser, for the seed communes with their demo
figures on a controlled day, its items checked against the database; an extension asked,
granted and seen by the reminders."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from communes.models import Commune, Role
from reminders.selectors import reminders_due
from reporting.consolidation import province_consolidation
from reporting.models import DeadlineExtension, ReportingPeriod, Submission, SubmissionStatus
from reporting.results import TaskState, task_results
from reporting.services import periods_ensure_until
from tests.browser.conftest import DEMO_DAY, DEMO_MORNING, log_in, screenshot
from tests.conftest import person
from tests.todo.test_todo import owed_by

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = DEMO_DAY
MORNING = DEMO_MORNING


@pytest.fixture(autouse=True)
def _long_sessions(settings):
    # The browser keeps its own clock: a session cookie made on the travelled day must not have
    # expired by the real one.
    settings.SESSION_COOKIE_AGE = 20 * 365 * 24 * 3600


@pytest.fixture
def open_page(new_page):
    """A page with patient timeouts: the shared 2-core machine answers slowly under load."""

    def make():
        page = new_page()
        page.set_default_timeout(90_000)
        page.set_default_navigation_timeout(90_000)
        return page

    return make


def kinds(page, kind: str):
    return page.locator(f'li.todo-item[data-kind="{kind}"]')


def menu_count(page) -> int:
    badge = page.get_by_test_id("menu-todo-count")
    return int(badge.inner_text()) if badge.count() else 0


def test_unit_staff_and_standing_office_to_do_pages(open_page, demo):
    an_nong = Commune.objects.get(code="an-nong")
    unit = an_nong.units.get(short_name="Phòng VH-XH")
    clerk = person(Role.UNIT_STAFF, commune=an_nong, unit=unit)
    truong_giang = Commune.objects.get(code="truong-giang")
    office = person(Role.STANDING_OFFICE, commune=truong_giang)
    waiting = Submission.objects.filter(commune=truong_giang, status="approved").first()
    Submission.objects.filter(pk=waiting.pk).update(status=SubmissionStatus.SUBMITTED)
    with time_machine.travel(MORNING):
        page = open_page()
        log_in(page, clerk.username)
        assert page.url.endswith("/communes/an-nong/todo/")  # the home page is the to-do page
        owed = owed_by(an_nong, unit, timezone.now())
        returned = [code for code, status in owed.items() if status == "returned"]
        assert kinds(page, "report_returned").count() == len(returned)
        assert kinds(page, "report_late").count() == len(owed) - len(returned)
        due = kinds(page, "report_due")
        assert due.count() == 1 and "Tháng 11/2026" in due.first.inner_text()
        # November's report is due before the 15th of December: 14/12 is its last day.
        assert "ngày cuối cùng 14/12/2026 · còn 23 ngày" in due.first.inner_text()
        assert menu_count(page) == page.locator("li.todo-item").count()
        screenshot(page, "todo-unit-an-nong")
        due.first.get_by_role("link").first.click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/reporting/202611/units/{unit.pk}/")

        page = open_page()
        log_in(page, office.username)
        assert page.url.endswith("/communes/truong-giang/todo/")
        reviews = kinds(page, "review")
        assert reviews.count() == 1 and waiting.unit.short_name in reviews.first.inner_text()
        # The open periods past their deadline that some unit still owes.
        late_periods = {
            code
            for unit in truong_giang.units.all()
            for code in owed_by(truong_giang, unit, timezone.now())
        }
        shown = kinds(page, "units_late")
        assert shown.count() == len(late_periods)
        assert page.get_by_test_id("todo-compile").locator("li").count() >= 1
        assert menu_count(page) == page.locator("li.todo-item").count()
        screenshot(page, "todo-office-truong-giang")
        reviews.first.get_by_role("link").click()
        page.wait_for_load_state()
        assert f"/units/{waiting.unit_id}/" in page.url


def test_leader_and_province_officer_to_do_pages(open_page, demo):
    an_nong = Commune.objects.get(code="an-nong")
    leader = person(Role.COMMUNE_LEADER, commune=an_nong)
    officer = person(Role.PROVINCE_OFFICER, province=an_nong.province)
    with time_machine.travel(MORNING):
        page = open_page()
        log_in(page, leader.username)
        assert page.url.endswith("/communes/an-nong/todo/")
        period = (
            ReportingPeriod.objects.filter(commune=an_nong, window_end__lte=TODAY)
            .exclude(kind="ad_hoc")
            .order_by("-window_end", "-pk")
            .first()
        )
        results = task_results({an_nong.pk: period}, year=TODAY.year)[an_nong.pk]
        overdue = [
            r
            for r in results
            if r.state not in (TaskState.DONE, TaskState.DONE_LATE, TaskState.CANCELLED)
            and r.due_date
            and r.due_date < TODAY
        ]
        assert kinds(page, "task_overdue").count() == len(overdue)
        assert page.get_by_test_id("todo-sign").is_visible()
        screenshot(page, "todo-leader-an-nong")

        page = open_page()
        log_in(page, officer.username)
        assert page.url.endswith(f"/provinces/{an_nong.province.code}/todo/")
        consolidation = province_consolidation(an_nong.province, "202610")
        late = [
            s
            for s in consolidation.standings
            if s.has_plan and (s.period is None or s.missing or s.late)
        ]
        items = kinds(page, "commune_late").or_(kinds(page, "commune_missing"))
        assert items.count() == len(late) > 0
        for standing in late:
            assert standing.commune.name in page.get_by_test_id("todo-communes").inner_text()
        screenshot(page, "todo-province-thanh-hoa")


def test_an_extension_asked_granted_and_seen_by_the_reminders(open_page, seeds):
    commune = Commune.objects.get(code="an-nong")
    unit = commune.units.get(short_name="Phòng VH-XH")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    office = person(Role.STANDING_OFFICE, commune=commune)
    with time_machine.travel("2026-12-05 09:00 +0700"):
        periods_ensure_until(commune, date(2026, 12, 5), since=date(2026, 1, 1))
        page = open_page()
        log_in(page, clerk.username)
        item = kinds(page, "report_due").filter(has_text="Tháng 11/2026")
        item.get_by_role("link", name="Đề nghị gia hạn").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("current-last-day").inner_text() == "14/12/2026"
        page.get_by_label("Hạn mới đề nghị (ngày cuối cùng)").fill("2026-12-24")
        page.get_by_label("Lý do").fill("Chờ số liệu của Sở Y tế")
        page.get_by_role("button", name="Gửi đề nghị").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("extension-status").inner_text() == "chờ trả lời"
        screenshot(page, "extension-asked")

        page = open_page()
        log_in(page, office.username)
        request = kinds(page, "extension_requested")
        assert request.count() == 1 and "Chờ số liệu của Sở Y tế" in request.inner_text()
        request.get_by_role("link").first.click()
        page.wait_for_load_state()
        page.get_by_label("Hạn mới được gia hạn (ngày cuối cùng)").fill("2026-12-22")
        page.get_by_label("Trả lời").fill("Đồng ý đến 22/12")
        page.get_by_role("button", name="Đồng ý gia hạn").click()
        page.wait_for_load_state()
        assert page.url.endswith("/communes/an-nong/todo/")
        assert "hạn mới là ngày 22/12/2026" in page.locator(".messages").inner_text()
        assert kinds(page, "extension_requested").count() == 0

        page = open_page()
        log_in(page, clerk.username)
        answer = kinds(page, "extension_granted")
        assert "22/12/2026" in answer.inner_text()
        due = kinds(page, "report_due").filter(has_text="Tháng 11/2026")
        assert "đã gia hạn đến 22/12/2026" in due.inner_text()
        due.get_by_role("link").first.click()
        page.wait_for_load_state()
        assert "đã gia hạn đến 22/12/2026" in page.get_by_test_id("extended").inner_text()
        screenshot(page, "extension-granted-report")
    extension = DeadlineExtension.objects.get()
    assert (extension.status, extension.granted_date) == ("granted", date(2026, 12, 22))

    # The reminders follow the granted date: nothing at the printed one, the new one instead.
    def clerk_reminders(day):
        return [
            r
            for r in reminders_due(day, commune_ids=[commune.pk])
            if r.recipient.user_id == clerk.pk and r.period_code == "202611"
        ]

    assert [r.last_day for r in clerk_reminders(date(2026, 12, 14))] == []
    (late,) = clerk_reminders(date(2026, 12, 23))
    assert (late.step, late.last_day, late.extended) == (1, date(2026, 12, 22), True)
