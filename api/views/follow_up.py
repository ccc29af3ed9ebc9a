"""Follow-up through the API: tracked proposals (kiến nghị) and the verification of figures.

The rules are the browser's (`reporting/proposal_views.py`, the verification pages), from the
same code: the scope of `communes.access`, the services of `reporting.proposals`. A commune the
caller may not read answers 404; a proposal the caller may not read answers 404 like a missing
one (a province's readers see only what is addressed to the province). The standing office
records and closes proposals, their addressee answers them (each view's `permissions`, the
capabilities of `communes.access`, the proposal's part checked once it is found); inspectors
and read-only tokens only read (`api.permissions`).

The verification share of a period (how many approved figures the standing office verified)
is read by whoever reads the commune or the province; the figures' checks one by one are the
commune's internal work, like the unit reports they belong to.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from api.errors import WorkflowConflict
from api.filters import FigureCheckFilter, ProposalFilter
from api.serializers import (
    CommuneVerificationSerializer,
    FigureCheckSerializer,
    ProposalAnswerInputSerializer,
    ProposalCloseInputSerializer,
    ProposalCreateSerializer,
    ProposalSerializer,
)
from api.views.base import CommuneApiMixin, CommuneScopedListView, CommuneScopedRetrieveView
from api.views.reports import PERIOD, ProvinceApiMixin, _period_code
from communes.access import (
    ANSWER_PROPOSAL,
    CLOSE_PROPOSAL,
    INTERNAL,
    READ,
    RECORD_PROPOSAL,
)
from communes.models import Commune
from communes.selectors import unit_of
from reporting.models import IndicatorValue, Proposal
from reporting.proposals import (
    ProposalRefused,
    proposal_answer,
    proposal_close,
    proposal_create,
)
from reporting.selectors import (
    VerificationShare,
    approved_figures,
    commune_proposals_readable,
    period_saved,
    submission_in,
    verification_shares,
)

NOT_FOUND = gettext_lazy("Not found: it does not exist, or you may not see it.")


def _refused(error: ProposalRefused) -> exceptions.APIException:
    if error.field == "__all__":
        return WorkflowConflict(error.message)
    return exceptions.ValidationError({error.field: [error.message]})


# ---- proposals


class ProposalQueryset:
    serializer_class = ProposalSerializer
    queryset = Proposal.objects.none()

    def scoped_queryset(self):
        return commune_proposals_readable(self.commune, self.scope).select_related(
            "commune", "unit", "period"
        )


class ProposalListView(ProposalQueryset, CommuneScopedListView):
    """The commune's tracked proposals the caller reads (`?status=`, `?addressee=`); POST records
    one (standing office), from a unit's report (`submission`) or the commune's own."""

    permissions = {"GET": READ, "POST": RECORD_PROPOSAL}
    filterset_class = ProposalFilter
    ordering_fields = ["due_date", "created_at"]
    ordering = ["due_date"]

    @extend_schema(request=ProposalCreateSerializer, responses={201: ProposalSerializer})
    def post(self, request, *args, **kwargs):
        data = ProposalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        data = data.validated_data
        period = unit = submission = None
        if data.get("submission"):
            submission = submission_in(self.commune, data["submission"])
            if submission is None:
                raise exceptions.ValidationError({"submission": [NOT_FOUND]})
            period = submission.period
        else:
            if not data.get("period"):
                raise exceptions.ValidationError({"period": [_("This field is required.")]})
            period = period_saved(self.commune, data["period"])
            if period is None:
                raise exceptions.ValidationError({"period": [_("The commune has no such period.")]})
            if data.get("unit"):
                unit = unit_of(self.commune, data["unit"])
                if unit is None:
                    raise exceptions.ValidationError({"unit": [NOT_FOUND]})
        try:
            proposal = proposal_create(
                actor=request.user,
                commune=self.commune,
                period=period,
                unit=unit,
                submission=submission,
                text=data["text"],
                addressee=data["addressee"],
                due_date=data["due_date"],
            )
        except ProposalRefused as error:
            raise _refused(error) from None
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDetailView(ProposalQueryset, CommuneScopedRetrieveView):
    permissions = {"GET": READ}


class ProposalActionView(ProposalQueryset, CommuneApiMixin, generics.GenericAPIView):
    """A step on a proposal the caller reads (404 otherwise), then the step's capability on it."""

    filter_backends = []
    input_serializer_class: type[serializers.Serializer]

    def post(self, request, *args, **kwargs):
        proposal = self.scoped_queryset().filter(pk=self.kwargs["pk"]).first()
        if proposal is None:
            raise exceptions.NotFound(NOT_FOUND)
        self.check_object_permissions(request, proposal)
        data = self.input_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                proposal = self.act(proposal, data.validated_data)
        except ProposalRefused as error:
            raise _refused(error) from None
        return Response(ProposalSerializer(proposal).data)

    def act(self, proposal: Proposal, data: dict) -> Proposal:
        raise NotImplementedError


@extend_schema(request=ProposalAnswerInputSerializer, responses=ProposalSerializer)
class ProposalAnswerView(ProposalActionView):
    """The addressee's answer: the commune's leaders for its leadership, the province's officers
    for the province and its departments."""

    permissions = {"POST": ANSWER_PROPOSAL}
    input_serializer_class = ProposalAnswerInputSerializer

    def act(self, proposal, data):
        return proposal_answer(actor=self.request.user, proposal=proposal, answer=data["answer"])


@extend_schema(request=ProposalCloseInputSerializer, responses=ProposalSerializer)
class ProposalCloseView(ProposalActionView):
    """The standing office closes a proposal: answered, or not followed any more with a reason."""

    permissions = {"POST": CLOSE_PROPOSAL}
    input_serializer_class = ProposalCloseInputSerializer

    def act(self, proposal, data):
        return proposal_close(
            actor=self.request.user, proposal=proposal, reason=data.get("reason", "")
        )


# ---- verification of figures


def _share(commune: Commune, code: str, share: VerificationShare) -> dict:
    return {
        "commune": commune.code,
        "commune_name": commune.name,
        "period": code,
        "approved": share.approved,
        "verified": share.verified,
        "percent": share.percent,
    }


class FigureCheckListView(CommuneScopedListView):
    """The approved figures of a period (`?period=`, required) with the standing office's check
    of each (`?status=verified|questioned|answered|unchecked`): the commune's internal work, its
    unit staff reading their own units' figures."""

    permissions = {"GET": INTERNAL}
    serializer_class = FigureCheckSerializer
    queryset = IndicatorValue.objects.none()
    filterset_class = FigureCheckFilter
    ordering_fields = ["indicator__order"]
    ordering = ["submission__unit__order", "indicator__order", "pk"]

    @extend_schema(parameters=[PERIOD])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def scoped_queryset(self):
        code = _period_code(self.request.query_params.get("period", ""))
        return (
            approved_figures(commune_ids=[self.commune.pk], period_code=code)
            .filter(self.scope.unit_reports_filter(self.commune, prefix="submission__"))
            .select_related("indicator", "submission__unit", "submission__period", "verification")
        )


class CommuneVerificationView(CommuneApiMixin, generics.GenericAPIView):
    """How many of the commune's approved figures of a period the standing office verified."""

    permissions = {"GET": READ}
    serializer_class = CommuneVerificationSerializer
    filter_backends = []

    @extend_schema(parameters=[PERIOD], responses=CommuneVerificationSerializer)
    def get(self, request, *args, **kwargs):
        code = _period_code(request.query_params.get("period", ""))
        share = verification_shares(commune_ids=[self.commune.pk], period_code=code).get(
            self.commune.pk, VerificationShare()
        )
        return Response(CommuneVerificationSerializer(_share(self.commune, code, share)).data)


class ProvinceVerificationView(ProvinceApiMixin, generics.ListAPIView):
    """Per commune of the province, how many of its approved figures of a period are verified."""

    permissions = {"GET": READ}
    serializer_class = CommuneVerificationSerializer
    queryset = Commune.objects.none()
    filter_backends = []

    @extend_schema(parameters=[PERIOD])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        code = _period_code(self.request.query_params.get("period", ""))
        communes = list(Commune.objects.filter(province=self.province).order_by("name", "pk"))
        shares = verification_shares(commune_ids=[c.pk for c in communes], period_code=code)
        return [_share(c, code, shares.get(c.pk, VerificationShare())) for c in communes]
