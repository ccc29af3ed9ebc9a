"""Pages of tracked proposals (kiến nghị): the list, recording one, answering and closing it."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from communes.access import (
    ANSWER_PROPOSAL,
    CLOSE_PROPOSAL,
    MANAGE,
    READ,
    READ_PROPOSAL,
    READ_UNIT_REPORT,
    RECORD_PROPOSAL,
    access_in_commune,
)
from communes.audit import audit_trail_for
from communes.mixins import CommuneMixin, ProvinceMixin
from communes.models import Unit
from communes.selectors import units_of
from reporting.models import (
    Proposal,
    ProposalAddressee,
    ProposalStatus,
    ReportingPeriod,
    Submission,
)
from reporting.proposals import ProposalRefused, proposal_answer, proposal_close, proposal_create
from reporting.selectors import (
    commune_proposals,
    periods_by_end,
    province_proposals,
    untracked_unit_proposals,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_ANSWER_DAYS = 15


class ProposalCreateForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=ReportingPeriod.objects.none(), label=gettext_lazy("Reporting period")
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=gettext_lazy("Proposed by"),
        empty_label=gettext_lazy("the commune (UBND xã)"),
    )
    text = forms.CharField(
        label=gettext_lazy("Proposal"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    addressee = forms.ChoiceField(
        label=gettext_lazy("Addressed to"), choices=ProposalAddressee.choices
    )
    due_date = forms.DateField(label=gettext_lazy("Answer due by"), widget=DATE_INPUT)

    def __init__(self, *args, commune, submission=None, fixed_source=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods_by_end(commune)
        self.fields["unit"].queryset = units_of(commune)
        if submission is not None or fixed_source:  # from a report: its period and unit
            for name in ("period", "unit"):
                self.fields[name].disabled = True


class ProposalAnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class ProposalCloseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Remark on closing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=gettext_lazy("Required to close a proposal that has not been answered."),
    )


def _form_error(form: forms.Form, error: ProposalRefused) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


class ProposalListView(CommuneMixin, TemplateView):
    """The commune's tracked proposals with their answers; for the office, the unit reports
    whose proposals are not followed yet."""

    permissions = {"GET": READ}
    template_name = "reporting/proposal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        manages = self.allows(MANAGE)
        context.update(
            proposals=commune_proposals(self.commune, self.scope),
            untracked=untracked_unit_proposals(self.commune) if manages else [],
            today=timezone.localdate(),
            reads_all=self.scope.reads_every_proposal_of(self.commune),
        )
        return context


class ProposalCreateView(CommuneMixin, TemplateView):
    """The standing office records a proposal to follow, from a unit's report or its own."""

    permissions = {"GET": RECORD_PROPOSAL, "POST": RECORD_PROPOSAL}
    template_name = "reporting/proposal_form.html"

    def setup_source(self) -> None:
        """The report the proposal comes from: a unit's (`?submission=<id>`), its narrative's
        "Kiến nghị, đề xuất", or the commune's own (`?commune_report=<period code>`), the
        proposals of its saved texts; the proposal keeps the report's period and unit."""
        self.submission = self.report_period = None
        self.source_text = ""
        pk = self.request.GET.get("submission")
        code = self.request.GET.get("commune_report")
        if pk:
            self.submission = access_in_commune(
                Submission.objects.select_related("unit", "period"), self.commune, pk
            )
            self.source_text = self.submission.proposals
        elif code:
            self.report_period = get_object_or_404(
                ReportingPeriod.objects.select_related("report_text"),
                commune=self.commune,
                code=code[:20],
            )
            # The commune report's texts (reports.CommuneReportText), read through the period
            # so that this layer does not import the reports app.
            try:
                self.source_text = self.report_period.report_text.proposals
            except ObjectDoesNotExist:
                self.source_text = ""

    def make_form(self, data=None) -> ProposalCreateForm:
        initial = {"due_date": timezone.localdate() + timedelta(days=DEFAULT_ANSWER_DAYS)}
        if self.submission is not None:
            initial.update(period=self.submission.period, unit=self.submission.unit)
        elif self.report_period is not None:
            initial.update(period=self.report_period, unit=None)
        if self.source_text:
            initial["text"] = self.source_text
        return ProposalCreateForm(
            data,
            initial=initial,
            commune=self.commune,
            submission=self.submission,
            fixed_source=self.report_period is not None,
        )

    def get(self, request, *args, **kwargs):
        self.setup_source()
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request, *args, **kwargs):
        self.setup_source()
        form = self.make_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = proposal_create(
                    actor=request.user,
                    commune=self.commune,
                    period=data["period"],
                    unit=data["unit"],
                    submission=self.submission,
                    text=data["text"],
                    addressee=data["addressee"],
                    due_date=data["due_date"],
                )
            except ProposalRefused as error:
                _form_error(form, error)
            else:
                messages.success(
                    request, _("The proposal is followed: its addressee is told to answer it.")
                )
                return HttpResponseRedirect(
                    reverse("reporting:proposal", args=[self.commune.code, proposal.pk])
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submission"] = self.submission
        context["report_period"] = self.report_period
        return context


class ProposalDetailView(CommuneMixin, TemplateView):
    """A proposal, its answer and its history; the POST's `action` says what is done, and by whom
    (`actions`): the addressee answers, the office closes."""

    # The proposal is found first (404), then read by whom READ_PROPOSAL says (403), then a POST's
    # action asks its own capability.
    permissions = {"GET": READ_PROPOSAL, "POST": READ_PROPOSAL}
    actions = {"answer": ANSWER_PROPOSAL, "close": CLOSE_PROPOSAL}
    template_name = "reporting/proposal_detail.html"

    def setup_proposal(self) -> None:
        self.proposal = access_in_commune(
            Proposal.objects.select_related(
                "commune", "unit", "period", "submission", "created_by", "answered_by", "closed_by"
            ),
            self.commune,
            self.kwargs["pk"],
        )
        self.require(READ_PROPOSAL, self.proposal)
        self.may_answer = self.allows(ANSWER_PROPOSAL, self.proposal)
        self.may_close = self.allows(CLOSE_PROPOSAL, self.proposal)

    def get(self, request, *args, **kwargs):
        self.setup_proposal()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_proposal()
        steps = {
            # action: its form, the service and the field it takes, what is said after
            "answer": (ProposalAnswerForm, proposal_answer, "answer", _("Your answer was sent.")),
            "close": (ProposalCloseForm, proposal_close, "reason", _("The proposal is closed.")),
        }
        action = request.POST.get("action")
        if action not in self.actions:
            raise PermissionDenied
        self.require(self.actions[action], self.proposal)
        form_class, service, field, done = steps[action]
        form = form_class(request.POST)
        if form.is_valid():
            try:
                service(
                    actor=request.user, proposal=self.proposal, **{field: form.cleaned_data[field]}
                )
            except ProposalRefused as error:
                _form_error(form, error)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(request.path)
        return self.render_to_response(
            self.get_context_data(**{f"{action}_form": form}), status=400
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.proposal
        is_open = proposal.status == ProposalStatus.OPEN
        context.update(
            proposal=proposal,
            today=timezone.localdate(),
            can_answer=self.may_answer and is_open,
            can_close=self.may_close and proposal.status != ProposalStatus.CLOSED,
            history=audit_trail_for(proposal).order_by("created_at", "pk"),
        )
        context.setdefault("answer_form", None)
        context.setdefault("close_form", None)
        if context["can_answer"] and context["answer_form"] is None:
            context["answer_form"] = ProposalAnswerForm()
        if context["can_close"] and context["close_form"] is None:
            context["close_form"] = ProposalCloseForm()
        if proposal.submission_id and self.allows(READ_UNIT_REPORT, proposal):
            context["submission_url"] = reverse(
                "reporting:submission",
                args=[self.commune.code, proposal.period.code, proposal.unit_id],
            )
        elif proposal.unit_id is None:  # the commune's own: made in its report of the period
            context["source_url"] = reverse(
                "reports:commune_report", args=[self.commune.code, proposal.period.code]
            )
        return context


class ProvinceProposalListView(ProvinceMixin, TemplateView):
    """What the province's communes addressed to the province and its departments."""

    permissions = {"GET": READ}
    template_name = "reporting/province_proposal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(proposals=province_proposals(self.province), today=timezone.localdate())
        return context
