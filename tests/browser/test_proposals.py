"""A proposal (kiến nghị) followed to its answer in the browser: the standing office follows a
unit's proposal, addressed to the commune's leadership with a due date; the leader finds it on
the to-do page and answers; the unit's clerk reads the answer on its to-do page; the office
closes it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communes.models import Commune, Role
from reporting.models import Proposal, ProposalAddressee, ProposalStatus, SubmissionStatus
from reporting.services import period_ensure, submission_for
from tests.browser.conftest import log_in, screenshot
from tests.conftest import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROPOSAL = "Đề nghị UBND xã bố trí kinh phí mua máy quét tài liệu cho bộ phận một cửa."
ANSWER = "Đồng ý; Phòng Kinh tế lập dự toán, bố trí trong quý I/2026."


def kinds(page, kind: str):
    return page.locator(f'li.todo-item[data-kind="{kind}"]')


@pytest.fixture
def open_page(new_page):
    def make():
        page = new_page()
        page.set_default_timeout(90_000)
        page.set_default_navigation_timeout(90_000)
        return page

    return make


def test_a_proposal_followed_answered_seen_and_closed(open_page, seeds):
    commune = Commune.objects.get(code="dien-quang")
    unit = commune.units.get(short_name="Phòng Kinh tế")
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    office = person(Role.STANDING_OFFICE, commune=commune)
    leader = person(Role.COMMUNE_LEADER, commune=commune)
    period = period_ensure(commune, "2025")
    submission = submission_for(period, unit)
    submission.proposals = PROPOSAL
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.save()
    due = timezone.localdate() + timedelta(days=10)

    # The office follows the unit's proposal from the list of proposals.
    page = open_page()
    log_in(page, office.username)
    page.get_by_test_id("menu-proposals").click()
    page.wait_for_load_state()
    untracked = page.get_by_test_id("untracked-proposals").locator("li")
    assert untracked.count() == 1 and PROPOSAL in untracked.inner_text()
    untracked.get_by_role("link", name="Theo dõi").click()
    page.wait_for_load_state()
    assert page.locator("textarea[name=text]").input_value() == PROPOSAL
    page.get_by_label("Gửi đến").select_option(ProposalAddressee.COMMUNE_LEADERSHIP)
    page.get_by_label("Hạn trả lời").fill(due.isoformat())
    page.get_by_role("button", name="Theo dõi kiến nghị").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("proposal-status").inner_text() == "chờ trả lời"
    assert page.get_by_test_id("proposal-addressee").inner_text() == "Lãnh đạo UBND xã"
    assert page.get_by_test_id("proposal-due").inner_text() == due.strftime("%d/%m/%Y")
    proposal = Proposal.objects.get()
    assert (proposal.unit, proposal.submission, proposal.due_date) == (unit, submission, due)

    # The leader finds it on the to-do page and answers it.
    page = open_page()
    log_in(page, leader.username)
    assert page.url.endswith("/communes/dien-quang/todo/")
    item = kinds(page, "proposal_to_answer")
    assert item.count() == 1
    assert "Phòng Kinh tế" in item.inner_text() and "hạn trả lời " + due.strftime("%d/%m/%Y") in (
        item.inner_text()
    )
    item.get_by_role("link").first.click()
    page.wait_for_load_state()
    page.get_by_role("textbox", name="Trả lời").fill(ANSWER)
    page.get_by_role("button", name="Gửi trả lời").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("proposal-status").inner_text() == "đã trả lời"
    assert ANSWER in page.get_by_test_id("proposal-answer").inner_text()
    page.goto("/communes/dien-quang/todo/")
    assert kinds(page, "proposal_to_answer").count() == 0

    # The unit's clerk reads the answer on its to-do page.
    page = open_page()
    log_in(page, clerk.username)
    answer = kinds(page, "proposal_answered")
    assert answer.count() == 1 and ANSWER in answer.inner_text()
    assert "Lãnh đạo UBND xã trả lời" in answer.inner_text()

    # The office closes it from its to-do page.
    page = open_page()
    log_in(page, office.username)
    to_close = kinds(page, "proposal_to_close")
    assert to_close.count() == 1
    to_close.get_by_role("link").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Đóng kiến nghị").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("proposal-status").inner_text() == "đã đóng"
    assert Proposal.objects.get().status == ProposalStatus.CLOSED
    page.get_by_test_id("menu-proposals").click()
    page.wait_for_load_state()
    row = page.get_by_test_id("proposal-row")
    assert row.count() == 1 and ANSWER[:40] in row.inner_text() and "đã đóng" in row.inner_text()
    assert "Mọi kiến nghị" in page.content()
    screenshot(page, "proposals-dien-quang")
