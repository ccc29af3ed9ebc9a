"""Proposals awaiting an answer are reminded to their addressee like any deadline: on the
commune's reminder days around the day the answer is due, once per proposal and day, through
the same outbox, and no more once answered or closed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from communes.models import Notification, Role
from reminders.models import Reminder, ReminderAudience, ReminderPolicy, ReminderSubject
from reminders.selectors import reminders_due
from reporting.models import ProposalAddressee, SubmissionStatus
from reporting.proposals import proposal_answer, proposal_close, proposal_create
from reporting.services import period_ensure, submission_for
from tests.conftest import person
from tests.queries import assert_flat, queries_of
from tests.reminders.conftest import mails_to, run_daily

pytestmark = pytest.mark.django_db

DUE = date(2025, 9, 19)  # a Friday; no report of the seed schedules is due around it
TEXT = "Đề nghị bố trí kinh phí mua máy quét tài liệu cho bộ phận một cửa."


def _proposal(commune, actor, *, addressee=ProposalAddressee.COMMUNE_LEADERSHIP, due=DUE):
    period = period_ensure(commune, "202508")
    unit = commune.units.filter(short_name="Phòng Kinh tế").first() or commune.units.first()
    submission = submission_for(period, unit)
    submission.proposals = TEXT
    submission.status = SubmissionStatus.SUBMITTED
    submission.save()
    return proposal_create(
        actor=actor,
        commune=commune,
        period=period,
        submission=submission,
        text=TEXT,
        addressee=addressee,
        due_date=due,
        today=due - timedelta(days=20),
    )


def _proposal_reminders(**filters):
    return Reminder.objects.filter(subject=ReminderSubject.PROPOSAL, **filters)


def test_the_leader_is_reminded_once_per_step_and_not_again_on_a_rerun(
    dien_quang, django_capture_on_commit_callbacks
):
    commune, leader = dien_quang["commune"], dien_quang["leader"]
    proposal = _proposal(commune, dien_quang["office"])
    mail.outbox.clear()

    run_daily(DUE - timedelta(days=3), django_capture_on_commit_callbacks)
    rows = list(_proposal_reminders())
    assert [(r.user, r.step, r.audience, r.proposal) for r in rows] == [
        (leader, -3, ReminderAudience.ADDRESSEE, proposal)
    ]
    mails = mails_to(leader)
    assert len(mails) == 1
    assert mails[0].subject == (
        "Kiến nghị của Phòng Kinh tế (Tháng 8/2025) đang chờ đồng chí trả lời: còn 3 ngày"
    )
    assert TEXT in mails[0].body and "Hạn trả lời: 19/09/2025; còn 3 ngày." in mails[0].body
    assert f"/communes/dien-quang/proposals/{proposal.pk}/" in mails[0].body
    assert Notification.objects.filter(user=leader, kind="deadline_reminder").count() == 1
    # Nobody else is chased for the leadership's answer: not the office, not the unit.
    assert not mails_to(dien_quang["office"]) and not mails_to(dien_quang["kinh_te"])

    run_daily(DUE - timedelta(days=3), django_capture_on_commit_callbacks)  # the same-day rerun
    assert _proposal_reminders().count() == 1 and len(mails_to(leader)) == 1

    run_daily(DUE + timedelta(days=1), django_capture_on_commit_callbacks)  # the first late day
    assert list(_proposal_reminders().order_by("step").values_list("step", flat=True)) == [-3, 1]
    assert mails_to(leader)[-1].subject.endswith("đã quá hạn 1 ngày")


def test_a_proposal_to_the_province_reminds_its_officers_only(
    dien_quang, truong_giang, django_capture_on_commit_callbacks
):
    _proposal(dien_quang["commune"], dien_quang["office"], addressee=ProposalAddressee.PROVINCE)
    run_daily(DUE, django_capture_on_commit_callbacks)
    assert list(_proposal_reminders().values_list("user", "step")) == [
        (dien_quang["province"].pk, 0)
    ]
    assert "hôm nay là ngày cuối cùng" in mails_to(dien_quang["province"])[0].subject
    assert not mails_to(dien_quang["leader"]) and not mails_to(truong_giang["province"])


def test_an_answered_or_closed_proposal_is_no_longer_reminded(
    dien_quang, django_capture_on_commit_callbacks
):
    commune, office, leader = dien_quang["commune"], dien_quang["office"], dien_quang["leader"]
    answered = _proposal(commune, office)
    closed = _proposal(commune, office, due=DUE + timedelta(days=2))  # reminded on DUE - 1
    proposal_answer(actor=leader, proposal=answered, answer="Đồng ý, bố trí trong quý IV.")
    proposal_close(actor=office, proposal=closed, reason="Đã giải quyết ngoài cổng.")
    for day in (DUE - timedelta(days=3), DUE - timedelta(days=1), DUE, DUE + timedelta(days=1)):
        run_daily(day, django_capture_on_commit_callbacks)
    assert not _proposal_reminders().exists()


def test_the_commune_policy_decides_the_days(dien_quang, django_capture_on_commit_callbacks):
    commune = dien_quang["commune"]
    ReminderPolicy.objects.create(commune=commune, steps=[-2, 5])
    _proposal(commune, dien_quang["office"])
    for day in (DUE - timedelta(days=3), DUE - timedelta(days=2), DUE, DUE + timedelta(days=5)):
        run_daily(day, django_capture_on_commit_callbacks)
    assert sorted(_proposal_reminders().values_list("step", flat=True)) == [-2, 5]


def test_the_proposals_cost_the_same_queries_whatever_their_number(seeds):
    communes = [seeds["dien-quang"], seeds["an-nong"], seeds["truong-giang"]]
    office = person(Role.STANDING_OFFICE, commune=communes[0])

    def due_today():
        return [r for r in reminders_due(DUE) if r.subject == ReminderSubject.PROPOSAL]

    person(Role.COMMUNE_LEADER, commune=communes[0])
    _proposal(communes[0], office)
    small_found = []
    small = queries_of(lambda: small_found.extend(due_today()))
    for commune in communes:
        person(Role.COMMUNE_LEADER, commune=commune)
        person(Role.PROVINCE_OFFICER, province=commune.province)
        for addressee in ProposalAddressee.values:
            _proposal(commune, office, addressee=addressee)
    large_found = []
    large = queries_of(lambda: large_found.extend(due_today()))
    assert len(small_found) == 1 and len(large_found) > 10
    assert_flat(small, large, "the daily reminders with proposals")
