"""Tracked proposals (kiến nghị): the services, who may do each step (other commune 404,
inspector 403, wrong role 403), the to-do pages, and the list pages' query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communes.access import ANSWER_PROPOSAL, allowed, scope_for
from communes.audit import audit_trail_for
from communes.models import Commune, Notification
from reporting.models import Proposal, ProposalAddressee, ProposalStatus, SubmissionStatus
from reporting.proposals import ProposalRefused, proposal_answer, proposal_close, proposal_create
from reporting.services import period_ensure, submission_for
from tests.queries import assert_flat, queries_of_get
from todo.selectors import commune_todo, province_todo

pytestmark = pytest.mark.django_db

PROPOSAL_TEXT = "Đề nghị UBND xã bố trí kinh phí mua máy quét tài liệu cho bộ phận một cửa."


@pytest.fixture
def report(seeds):
    """Phòng Kinh tế's submitted report of 2025 with a proposal in its narrative."""
    commune = seeds["dien-quang"]
    period = period_ensure(commune, "2025")
    unit = commune.units.get(short_name="Phòng Kinh tế")
    submission = submission_for(period, unit)
    submission.proposals = PROPOSAL_TEXT
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.save()
    return submission


def _create(actor, submission, addressee=ProposalAddressee.COMMUNE_LEADERSHIP, days=10):
    return proposal_create(
        actor=actor,
        commune=submission.commune,
        period=submission.period,
        submission=submission,
        text=submission.proposals,
        addressee=addressee,
        due_date=timezone.localdate() + timedelta(days=days),
    )


def test_the_whole_loop_through_the_services(people, report):
    office, leader, clerk = people["standing_office"], people["leader"], people["kinh_te"]
    proposal = _create(office, report)
    assert (proposal.unit, proposal.period, proposal.status) == (
        report.unit,
        report.period,
        ProposalStatus.OPEN,
    )
    # The leader is told, and sees it on the to-do page.
    assert Notification.objects.filter(user=leader, kind="proposal_addressed").count() == 1
    todo = commune_todo(report.commune, scope_for(leader))
    assert [item.url for item in todo.items_of("proposal_to_answer")] == [
        reverse("reporting:proposal", args=["dien-quang", proposal.pk])
    ]
    proposal_answer(actor=leader, proposal=proposal, answer="Đồng ý, bố trí trong quý I/2026.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ANSWERED and proposal.answered_by == leader
    assert not commune_todo(report.commune, scope_for(leader)).items_of("proposal_to_answer")
    # The unit's clerk reads the answer, the office is asked to close it.
    answers = commune_todo(report.commune, scope_for(clerk)).items_of("proposal_answered")
    assert len(answers) == 1 and "bố trí trong quý I/2026" in answers[0].detail
    assert Notification.objects.filter(user=clerk, kind="proposal_answered").count() == 1
    assert commune_todo(report.commune, scope_for(office)).items_of("proposal_to_close")
    with pytest.raises(ProposalRefused):
        proposal_answer(actor=leader, proposal=proposal, answer="lần hai")
    proposal_close(actor=office, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CLOSED and proposal.closed_by == office
    assert not commune_todo(report.commune, scope_for(office)).items_of("proposal_to_close")
    history = list(audit_trail_for(proposal).order_by("pk").values_list("new_value", flat=True))
    assert len(history) == 3 and history[1:] == ["đã trả lời", "đã đóng"]


def test_services_refuse_what_makes_no_sense(people, report):
    office = people["standing_office"]
    with pytest.raises(ProposalRefused) as refused:
        proposal_create(
            actor=office,
            commune=report.commune,
            period=report.period,
            text="  ",
            addressee=ProposalAddressee.PROVINCE,
            due_date=timezone.localdate(),
        )
    assert refused.value.field == "text"
    with pytest.raises(ProposalRefused) as refused:
        _create(office, report, days=-1)
    assert refused.value.field == "due_date"
    other = Commune.objects.get(code="truong-giang")
    with pytest.raises(ProposalRefused):
        proposal_create(
            actor=office,
            commune=other,
            period=report.period,
            text="x",
            addressee=ProposalAddressee.PROVINCE,
            due_date=timezone.localdate(),
        )
    proposal = _create(office, report)
    with pytest.raises(ProposalRefused) as refused:
        proposal_close(actor=office, proposal=proposal)  # not answered: a reason is needed
    assert refused.value.field == "reason"
    proposal_close(actor=office, proposal=proposal, reason="Đơn vị rút kiến nghị.")
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.CLOSED


def test_who_may_do_each_step(client, people, inspectors, report):
    office, leader = people["standing_office"], people["leader"]
    create_url = reverse("reporting:proposal_create", args=["dien-quang"])
    data = {
        "text": PROPOSAL_TEXT,
        "addressee": ProposalAddressee.PROVINCE_DEPARTMENT,
        "due_date": (timezone.localdate() + timedelta(days=9)).isoformat(),
    }
    for role in ("leader", "kinh_te", "thanh_hoa"):
        client.force_login(people[role])
        assert client.post(f"{create_url}?submission={report.pk}", data).status_code == 403
    for role in inspectors:
        client.force_login(inspectors[role])
        assert client.post(f"{create_url}?submission={report.pk}", data).status_code == 403
    client.force_login(people["other_commune_office"])
    assert client.post(f"{create_url}?submission={report.pk}", data).status_code == 404
    client.force_login(office)
    response = client.post(f"{create_url}?submission={report.pk}", data)
    assert response.status_code == 302
    proposal = Proposal.objects.get(submission=report)
    assert proposal.addressee == ProposalAddressee.PROVINCE_DEPARTMENT
    url = reverse("reporting:proposal", args=["dien-quang", proposal.pk])
    answer = {"action": "answer", "answer": "Sở sẽ hỗ trợ."}
    # Addressed to a province department: the commune's leader does not answer it, nor the
    # other province's officer, nor an inspector.
    for user, status in (
        (leader, 403),
        (people["quang_ngai"], 404),
        (inspectors["inspector_thanh_hoa"], 403),
        (inspectors["inspector"], 403),
        (people["other_commune_office"], 404),
    ):
        client.force_login(user)
        assert client.post(url, answer).status_code == status, user
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
    # Inspectors read it; the province officer reads and answers it.
    for user in inspectors.values():
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(people["thanh_hoa"])
    page = client.get(reverse("reporting:province_proposals", args=[report.commune.province.code]))
    assert PROPOSAL_TEXT[:40] in page.content.decode()
    assert client.post(url, answer).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.ANSWERED
    # Only the office closes.
    for user in (leader, people["thanh_hoa"], people["kinh_te"]):
        client.force_login(user)
        assert client.post(url, {"action": "close"}).status_code == 403
    client.force_login(office)
    assert client.post(url, {"action": "close"}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.CLOSED


def test_province_officer_reads_only_what_is_addressed_to_the_province(client, people, report):
    office = people["standing_office"]
    internal = _create(office, report, ProposalAddressee.COMMUNE_LEADERSHIP)
    to_province = _create(office, report, ProposalAddressee.PROVINCE, days=0)
    client.force_login(people["thanh_hoa"])
    assert (
        client.get(reverse("reporting:proposal", args=["dien-quang", internal.pk])).status_code
        == 403
    )
    page = client.get(reverse("reporting:proposals", args=["dien-quang"])).content.decode()
    assert reverse("reporting:proposal", args=["dien-quang", to_province.pk]) in page
    assert reverse("reporting:proposal", args=["dien-quang", internal.pk]) not in page
    todo = province_todo(report.commune.province)
    assert [i.url for i in todo.items_of("proposal_to_answer")] == [
        reverse("reporting:proposal", args=["dien-quang", to_province.pk])
    ]


def test_overdue_is_said(people, report):
    proposal = _create(people["standing_office"], report, days=0)
    Proposal.objects.filter(pk=proposal.pk).update(due_date=date(2020, 1, 1))
    item = commune_todo(report.commune, scope_for(people["leader"])).items_of("proposal_to_answer")[
        0
    ]
    assert item.state == "late" and item.detail.startswith("quá hạn")


def _grow(office, commune, size):
    period = period_ensure(commune, "2025")
    for unit in commune.units.order_by("order")[:size]:
        submission = submission_for(period, unit)
        submission.proposals = f"Kiến nghị của {unit.short_name}"
        submission.status = SubmissionStatus.APPROVED
        submission.save()
        for addressee in ProposalAddressee.values:
            proposal = proposal_create(
                actor=office,
                commune=commune,
                period=period,
                submission=submission,
                text=submission.proposals,
                addressee=addressee,
                due_date=timezone.localdate(),
            )
            if addressee == ProposalAddressee.PROVINCE:
                proposal_answer(actor=None, proposal=proposal, answer="Đã trả lời.")
        other = submission_for(period_ensure(commune, "2025S1"), unit)
        other.proposals = "Chưa theo dõi"
        other.status = SubmissionStatus.SUBMITTED
        other.save()


@pytest.mark.parametrize("role", ["standing_office", "leader", "thanh_hoa", "kinh_te"])
def test_proposal_pages_query_counts_are_flat(client, people, seeds, role):
    commune = seeds["dien-quang"]
    client.force_login(people[role])
    if role == "thanh_hoa":
        url = reverse("reporting:province_proposals", args=[commune.province.code])
    else:
        url = reverse("reporting:proposals", args=[commune.code])
    _grow(people["standing_office"], commune, 1)
    queries_of_get(client, url)
    small = queries_of_get(client, url)
    _grow(people["standing_office"], commune, 6)
    assert Proposal.objects.count() > 3 * 3
    assert_flat(small, queries_of_get(client, url), f"proposal list of a {role}")


@pytest.mark.parametrize("addressee", ProposalAddressee.values)
def test_who_may_answer_is_who_is_told_to_answer(people, inspectors, report, addressee):
    """One rule: the people asked to answer a proposal are those whose answer the pages and the
    API accept (`ANSWER_PROPOSAL` reads the proposal's `answerer_key`)."""
    proposal = _create(people["standing_office"], report, addressee=addressee)
    proposal = Proposal.objects.select_related("commune").get(pk=proposal.pk)
    told = set(
        Notification.objects.filter(kind="proposal_addressed").values_list("user_id", flat=True)
    )
    callers = {**people, **inspectors}
    may_answer = {
        who.pk
        for who in callers.values()
        if allowed(scope_for(who), ANSWER_PROPOSAL, proposal.commune, proposal)
    }
    assert told and may_answer == told
