"""Proposals that get answers (kiến nghị): a proposal made in a unit's report (its narrative
"Kiến nghị, đề xuất") or in the commune's own report becomes a tracked item. The standing office
records it with its addressee and the day it should be answered by; the addressee answers (the
commune's leaders for its leadership, the province's officers for the province and its
departments); the office closes it. Every step is a service: one transaction, an audit row, a
notification. Who may do each step is a capability of `communes.access`, declared by the views.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.audit import audit_record
from communes.models import AuditAction, Commune, Membership, Role, Unit
from reporting.extensions import day_text
from reporting.models import (
    PROVINCE_ADDRESSEES,
    Proposal,
    ProposalAddressee,
    ProposalStatus,
    ReportingPeriod,
    Submission,
)
from reporting.services import _notify

MAX_ANSWER_DAYS = 366  # an answer due beyond a year is surely a typing error


class ProposalRefused(Exception):
    """A step that cannot be recorded; the message is for the user."""

    def __init__(self, message: str, field: str = "__all__"):
        super().__init__(message)
        self.message, self.field = message, field


def proposal_url(proposal: Proposal) -> str:
    return reverse("reporting:proposal", args=[proposal.commune.code, proposal.pk])


def answerer_key(*, addressee: str, commune_id: int, province_id: int) -> tuple[str, int]:
    """Who answers a proposal, as (role, commune or province id): the commune's leaders for
    its leadership, the province's officers for the province and its departments: the people
    told to answer, and the only ones who may (`communes.access.ANSWER_PROPOSAL`, through
    `Proposal.answerer_key`)."""
    if addressee in PROVINCE_ADDRESSEES:
        return Role.PROVINCE_OFFICER, province_id
    return Role.COMMUNE_LEADER, commune_id


def answerers_filter(keys) -> Q:
    """Active memberships of the people of these `answerer_key`s (nothing for none)."""
    wanted = Q(pk__in=[])
    for role, place_id in set(keys):
        place = "province_id" if role == Role.PROVINCE_OFFICER else "commune_id"
        wanted |= Q(role=role, **{place: place_id})
    return Q(is_active=True) & wanted


def _addressee_users(proposal: Proposal) -> list[int]:
    memberships = Membership.objects.filter(answerers_filter([proposal.answerer_key]))
    return list(memberships.values_list("user_id", flat=True))


def _origin_and_office_users(proposal: Proposal) -> list[int]:
    users = list(
        Membership.objects.filter(
            is_active=True, role=Role.STANDING_OFFICE, commune=proposal.commune
        ).values_list("user_id", flat=True)
    )
    if proposal.unit_id:
        users += list(
            Membership.objects.filter(
                is_active=True, role=Role.UNIT_STAFF, unit_id=proposal.unit_id
            ).values_list("user_id", flat=True)
        )
    return users


@transaction.atomic
def proposal_create(
    *,
    actor,
    commune: Commune,
    period: ReportingPeriod,
    text: str,
    addressee: str,
    due_date: date,
    unit: Unit | None = None,
    submission: Submission | None = None,
    today: date | None = None,
) -> Proposal:
    """Record a proposal to follow. The caller checked that `actor` manages `commune`."""
    today = today or timezone.localdate()
    text = (text or "").strip()
    if not text:
        raise ProposalRefused(_("Write the proposal to follow."), "text")
    if addressee not in ProposalAddressee.values:
        raise ProposalRefused(_("Choose whom the proposal is addressed to."), "addressee")
    if period.commune_id != commune.pk:
        raise ProposalRefused(_("This period is another commune's."), "period")
    if submission is not None:
        if submission.commune_id != commune.pk:
            raise ProposalRefused(_("This report is another commune's."))
        unit, period = submission.unit, submission.period
    if unit is not None and unit.commune_id != commune.pk:
        raise ProposalRefused(_("This unit is another commune's."), "unit")
    if due_date < today:
        raise ProposalRefused(_("The answer cannot be due before today."), "due_date")
    if due_date > today + timedelta(days=MAX_ANSWER_DAYS):
        raise ProposalRefused(_("The answer can be due at most one year from today."), "due_date")
    proposal = Proposal(
        commune=commune,
        unit=unit,
        period=period,
        submission=submission,
        text=text,
        addressee=addressee,
        due_date=due_date,
        created_by=actor,
    )
    proposal.full_clean()
    proposal.save()
    audit_record(
        actor=actor,
        commune=commune,
        obj=proposal,
        action=AuditAction.CREATE,
        field="addressee",
        new=f"{proposal.get_addressee_display()}, {day_text(due_date)}",
    )
    _notify(
        _addressee_users(proposal),
        commune=commune,
        kind="proposal_addressed",
        title=(
            _("A proposal for you to answer: %(origin)s, %(period)s")
            % {"origin": proposal.origin_label, "period": period.label}
        )[:300],
        body=_("Answer due by %(day)s. %(text)s") % {"day": day_text(due_date), "text": text},
        url=proposal_url(proposal),
    )
    return proposal


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("commune", "unit", "period")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_answer(*, actor, proposal: Proposal, answer: str) -> Proposal:
    """The addressee's answer. The caller checked that `actor` answers for the addressee."""
    answer = (answer or "").strip()
    if not answer:
        raise ProposalRefused(_("Write the answer."), "answer")
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.OPEN:
        raise ProposalRefused(_("This proposal has already been answered."))
    proposal.status = ProposalStatus.ANSWERED
    proposal.answer = answer
    proposal.answered_by = actor
    proposal.answered_at = timezone.now()
    proposal.save()
    audit_record(
        actor=actor,
        commune=proposal.commune,
        obj=proposal,
        field="status",
        old=ProposalStatus.OPEN.label,
        new=ProposalStatus.ANSWERED.label,
        reason=answer,
    )
    _notify(
        _origin_and_office_users(proposal),
        commune=proposal.commune,
        kind="proposal_answered",
        title=(_("Your proposal was answered: %(period)s") % {"period": proposal.period.label})[
            :300
        ],
        body=answer,
        url=proposal_url(proposal),
    )
    return proposal


@transaction.atomic
def proposal_close(*, actor, proposal: Proposal, reason: str = "") -> Proposal:
    """The standing office closes an answered proposal (or one it no longer follows, with a
    reason). The caller checked that `actor` manages the commune."""
    reason = (reason or "").strip()
    proposal = _locked(proposal)
    if proposal.status == ProposalStatus.CLOSED:
        raise ProposalRefused(_("This proposal is already closed."))
    if proposal.status == ProposalStatus.OPEN and not reason:
        raise ProposalRefused(
            _("It has not been answered yet: say why it is closed without an answer."), "reason"
        )
    old = proposal.get_status_display()
    proposal.status = ProposalStatus.CLOSED
    proposal.closed_by = actor
    proposal.closed_at = timezone.now()
    proposal.save()
    audit_record(
        actor=actor,
        commune=proposal.commune,
        obj=proposal,
        field="status",
        old=old,
        new=ProposalStatus.CLOSED.label,
        reason=reason,
    )
    return proposal
