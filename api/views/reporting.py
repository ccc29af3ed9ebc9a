"""Reporting through the API: periods, the schedule, unit submissions and their actions, figures.

The rules are the browser's (`reporting/views.py`), from the same code: the scope of
`communes.access`, the services of `reporting.services`. Submissions are the commune's internal
work: unit staff read and write their own units' reports, the standing office reviews every
report of its commune, the commune leader reads them; a province officer reads the commune's
figures (from approved reports only) and gets 403 on the reports themselves.
"""

from __future__ import annotations

import decimal
import re
import unicodedata
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from api.errors import Conflict, PreconditionFailed, PreconditionRequired, WorkflowConflict
from api.filters import IndicatorValueFilter, PeriodFilter, SubmissionFilter, TaskProgressFilter
from api.serializers import (
    FigureSerializer,
    IndicatorValueSerializer,
    PeriodSerializer,
    ReasonInputSerializer,
    ReviewInputSerializer,
    ScheduleSerializer,
    SubmissionCreateSerializer,
    SubmissionDetailSerializer,
    SubmissionSaveSerializer,
    SubmissionSerializer,
    SubmissionSubmitSerializer,
    TaskProgressSerializer,
)
from api.views.base import (
    CommuneApiMixin,
    CommuneScopedListView,
    CommuneScopedRetrieveView,
)
from communes.access import INTERNAL, READ, REVIEW, WRITE_UNIT_REPORT
from communes.models import Unit
from communes.selectors import unit_of
from indicators.models import Indicator
from reporting import rules
from reporting.models import (
    IndicatorValue,
    ReportingPeriod,
    ReportingSchedule,
    Submission,
    TaskProgress,
)
from reporting.periods import period_parse
from reporting.rules import FiguresRefused, SubmitRefused
from reporting.selectors import (
    UnitReport,
    commune_figure_rows,
    period_saved,
    schedule_for,
    schedules_for,
    submission_detail,
    submission_read,
    unit_report,
    unit_reports_readable,
)
from reporting.services import (
    SubmissionConflict,
    WorkflowError,
    period_ensure,
    submission_approve,
    submission_for,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
    submission_withdraw,
)
from tasks.models import TaskStatus


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


# ---- periods and schedule


class PeriodQueryset:
    permissions = {"GET": INTERNAL}
    serializer_class = PeriodSerializer
    queryset = ReportingPeriod.objects.none()

    def scoped_queryset(self):
        return ReportingPeriod.objects.filter(commune=self.commune).prefetch_related(
            Prefetch("requested_units", queryset=Unit.objects.only("pk")),
            Prefetch("requested_indicators", queryset=Indicator.objects.only("pk")),
        )


class PeriodListView(PeriodQueryset, CommuneScopedListView):
    """The commune's reporting periods that have their row: opened each night up to the one
    running today (`reporting.periods_open`), or by the first report written for them."""

    filterset_class = PeriodFilter
    ordering_fields = ["deadline", "window_end", "code"]
    ordering = ["-deadline"]


class PeriodDetailView(PeriodQueryset, CommuneScopedRetrieveView):
    lookup_field = "code"
    lookup_url_kwarg = "period_code"


class ScheduleView(CommuneApiMixin, generics.ListAPIView):
    """When each kind of report is due: the commune's own rules, or the defaults it has not changed."""

    permissions = {"GET": INTERNAL}
    serializer_class = ScheduleSerializer
    queryset = ReportingSchedule.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return list(schedules_for(self.commune).values())


# ---- submissions


def submission_etag(submission: Submission) -> str:
    return f'"submission-{submission.pk}-v{submission.version}"'


class SubmissionMixin(CommuneApiMixin):
    permissions = {"GET": INTERNAL}
    queryset = Submission.objects.none()

    def submissions_readable(self):
        return unit_reports_readable(self.commune, self.scope)

    def submission_get(self, *, lock: bool = False) -> Submission:
        submissions = self.submissions_readable().select_related("period", "unit", "commune")
        if lock:
            submissions = submissions.select_for_update(of=("self",))
        try:
            submission = submissions.get(pk=self.kwargs["pk"])
        except Submission.DoesNotExist as exc:
            raise exceptions.NotFound(
                _("Not found: it does not exist, or you may not see it.")
            ) from exc
        # The object's part of the method's capability (the unit's staff write, the office reviews).
        self.check_object_permissions(self.request, submission)
        return submission

    def version_of_request(self, submission: Submission, body_version: int | None):
        """The version the client read: If-Match (its ETag) first, else the `version` field.

        Returns (version, from_header); a stale header answers 412, a stale body version 409.
        """
        header = self.request.headers.get("If-Match", "").strip()
        if header:
            if header == "*":
                return submission.version, True
            pattern = re.compile(rf"submission-{submission.pk}-v([0-9]{{1,9}})")
            for tag in header.split(","):
                match = pattern.fullmatch(tag.strip().removeprefix("W/").strip('"'))
                if match:
                    return int(match[1]), True
            raise PreconditionFailed
        if body_version is None:
            raise PreconditionRequired
        return body_version, False

    def stale(self, from_header: bool) -> exceptions.APIException:
        return PreconditionFailed() if from_header else Conflict()

    def detail_response(self, submission: Submission, *, status_code: int = 200) -> Response:
        submission = submission_detail(submission)
        report = unit_report(submission)
        data = SubmissionDetailSerializer(submission, context={"report": report}).data
        return Response(data, status=status_code, headers={"ETag": submission_etag(submission)})

    def summary_response(self, submission: Submission) -> Response:
        return Response(
            SubmissionSerializer(submission).data, headers={"ETag": submission_etag(submission)}
        )


class SubmissionListView(SubmissionMixin, generics.ListCreateAPIView):
    """GET: the reports the caller may read. POST: open (or find) a unit's report for a period."""

    permissions = {"GET": INTERNAL, "POST": WRITE_UNIT_REPORT}
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter
    ordering_fields = ["updated_at", "submitted_at", "id"]
    ordering = ["-updated_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.submissions_readable().select_related("period", "unit")

    @extend_schema(
        request=SubmissionCreateSerializer,
        responses={
            200: OpenApiResponse(SubmissionDetailSerializer, "The unit's existing report."),
            201: OpenApiResponse(SubmissionDetailSerializer, "A new draft report."),
        },
    )
    def post(self, request, *args, **kwargs):
        data = SubmissionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = unit_of(self.commune, data.validated_data["unit"])
        if unit is None:
            raise exceptions.ValidationError({"unit": [_("No such unit in this commune.")]})
        self.check_object_permissions(request, unit)
        period = self.period_for_code(data.validated_data["period"])
        existed = submission_read(period, unit).pk is not None
        submission = submission_for(period, unit)
        return self.detail_response(
            submission, status_code=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    def period_for_code(self, code: str) -> ReportingPeriod:
        period = period_saved(self.commune, code)
        if period is not None:
            return period
        try:
            parsed = period_parse(code)
        except ValueError:
            raise exceptions.ValidationError(
                {"period": [_("Not a period code: write 202506, 2025Q2, 2025S1 or 2025.")]}
            ) from None
        if parsed.first_month > timezone.localdate():
            raise exceptions.ValidationError({"period": [_("This period has not begun yet.")]})
        if not schedule_for(self.commune, parsed.kind).is_used:
            raise exceptions.ValidationError(
                {"period": [_("The commune does not use this kind of report.")]}
            )
        return period_ensure(self.commune, code)


class SubmissionDetailView(SubmissionMixin, generics.GenericAPIView):
    """GET: a unit's report (ETag: its version). PATCH: save figures, task progress and narrative."""

    permissions = {"GET": INTERNAL, "PATCH": WRITE_UNIT_REPORT}
    serializer_class = SubmissionDetailSerializer
    filter_backends = []

    @extend_schema(responses=SubmissionDetailSerializer)
    def get(self, request, *args, **kwargs):
        return self.detail_response(self.submission_get())

    @extend_schema(
        request=SubmissionSaveSerializer,
        responses=SubmissionDetailSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="The ETag read with the report (or send `version` in the body).",
            )
        ],
    )
    def patch(self, request, *args, **kwargs):
        submission = self.submission_get()
        data = SubmissionSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version, from_header = self.version_of_request(
            submission, data.validated_data.get("version")
        )
        report = unit_report(submission)
        values = _values_clean(report, data.validated_data.get("values", []))
        progress = _progress_clean(report, data.validated_data.get("progress", []))
        narrative = {
            name: _nfc(data.validated_data[name])
            for name in ("results", "difficulties", "proposals")
            if name in data.validated_data
        }
        touched = tuple(
            [f"ind_{pk}_" for pk in values] + [f"task_{pk}_" for pk in progress] + list(narrative)
        )
        # What the browser could not save yet stays, unless this request replaces it.
        pending = {
            name: text
            for name, text in (submission.pending_inputs or {}).items()
            if not name.startswith(touched)
        }
        try:
            submission_save(
                actor=request.user,
                submission=submission,
                version=version,
                values=values,
                progress=progress,
                narrative=narrative,
                pending=pending,
            )
        except SubmissionConflict:
            raise self.stale(from_header) from None
        except FiguresRefused as exc:
            index = {
                row["indicator"]: str(i)
                for i, row in enumerate(data.validated_data.get("values", []))
            }
            raise exceptions.ValidationError(
                {"values": {index[pk]: fields for pk, fields in exc.problems.items()}}
            ) from None
        except WorkflowError as exc:
            raise WorkflowConflict(str(exc)) from None
        return self.detail_response(submission)


def _plain(number):
    """350.0000 (as a client may send it) → 350, as the browser stores and audits it; exact at
    any length, so that the rules judge what was sent."""
    if not isinstance(number, Decimal) or not number.is_finite():
        return number
    exact = decimal.Context(prec=max(len(number.as_tuple().digits), 1))
    if number == number.to_integral_value(context=exact):
        return Decimal(int(number))
    return number.normalize(exact)


def _values_clean(report: UnitReport, rows: list[dict]) -> dict[int, dict]:
    """Input rows → `submission_save`'s values, or a 400 naming each bad row and field."""
    items = {item.indicator.pk: item for item in report.indicators}
    errors, out = {}, {}
    for index, row in enumerate(rows):
        problems: dict[str, list[str]] = {}
        item = items.get(row["indicator"])
        if item is None:
            problems["indicator"] = [_("This indicator is not in this unit's report.")]
        elif row["indicator"] in out:
            problems["indicator"] = [_("This indicator is sent twice.")]
        else:
            indicator, stored = item.indicator, item.value
            fields = {
                name: _nfc(row[name]) if name == "text" else _plain(row[name])
                for name in ("value", "numerator", "denominator", "is_done", "text")
                if name in row
            }
            # The rules judge the figure as it will be stored: what is sent over what is kept.
            final = {
                name: fields[name] if name in fields else getattr(stored, name, None)
                for name in rules.accepted_fields(indicator)
            }
            problems.update(rules.value_problems(indicator, fields | final))
            if "outlier_confirmed" in row:
                fields["outlier_confirmed"] = row["outlier_confirmed"]
            if not problems:
                out[indicator.pk] = {
                    name: value
                    for name, value in fields.items()
                    if name in rules.accepted_fields(indicator) or name == "outlier_confirmed"
                }
        if problems:
            errors[index] = problems
    if errors:
        raise exceptions.ValidationError({"values": errors})
    return out


def _progress_clean(report: UnitReport, rows: list[dict]) -> dict[int, dict]:
    items = {item.task.pk: item for item in report.tasks}
    errors, out = {}, {}
    for index, row in enumerate(rows):
        problems: dict[str, list[str]] = {}
        item = items.get(row["task"])
        if item is None:
            problems["task"] = [_("This task is not in this unit's report.")]
        elif row["task"] in out:
            problems["task"] = [_("This task is sent twice.")]
        else:
            fields = {name: value for name, value in row.items() if name != "task"}
            for name in ("result", "evidence_number"):
                if name in fields:
                    fields[name] = _nfc(fields[name])
            current = item.progress

            def final(name, fields=fields, current=current):
                return fields[name] if name in fields else getattr(current, name, None)

            status_now, percent = final("status"), final("percent")
            if (
                status_now in (TaskStatus.DONE, TaskStatus.DONE_LATE)
                and percent is not None
                and percent < 100
            ):
                problems["percent"] = [_("A task marked done must be complete: enter 100.")]
            if not problems:
                out[item.task.pk] = fields
        if problems:
            errors[index] = problems
    if errors:
        raise exceptions.ValidationError({"progress": errors})
    return out


def submission_problems(problems: dict) -> dict:
    """`reporting.rules.submit_problems` in the API's shape: the messages of each indicator or
    task by its id."""
    return {
        part: {
            str(pk): [message for messages in fields.values() for message in messages]
            for pk, fields in items.items()
        }
        for part, items in problems.items()
    }


class SubmissionActionView(SubmissionMixin, generics.GenericAPIView):
    permissions = {"POST": WRITE_UNIT_REPORT}
    filter_backends = []
    serializer_class = SubmissionSerializer
    input_serializer_class: type[serializers.Serializer] = SubmissionSubmitSerializer

    def post(self, request, *args, **kwargs):
        data = self.input_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                submission = self.submission_get(lock=True)
                submission = self.act(submission, data.validated_data)
        except WorkflowError as exc:
            raise WorkflowConflict(str(exc)) from None
        return self.summary_response(submission)

    def review_version_check(self, submission: Submission, body_version: int | None) -> None:
        """Reviews need no version, but a client that sends one is protected by it."""
        if "If-Match" not in self.request.headers and body_version is None:
            return
        version, from_header = self.version_of_request(submission, body_version)
        if version != submission.version:
            raise self.stale(from_header)

    def act(self, submission: Submission, data: dict) -> Submission:
        raise NotImplementedError


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The report's ETag, to act only on the version read.",
)


@extend_schema(
    request=SubmissionSubmitSerializer, responses=SubmissionSerializer, parameters=[IF_MATCH]
)
class SubmissionSubmitView(SubmissionActionView):
    """Submit the unit's report to the standing office (unit staff). Needs If-Match or `version`."""

    permissions = {"POST": WRITE_UNIT_REPORT}

    input_serializer_class = SubmissionSubmitSerializer

    def act(self, submission, data):
        version, from_header = self.version_of_request(submission, data.get("version"))
        try:
            return submission_submit(
                actor=self.request.user, submission=submission, version=version
            )
        except SubmitRefused as exc:
            # The browser's sentence, naming what is missing, and the messages by id.
            raise exceptions.ValidationError(
                {"non_field_errors": [str(exc)], **submission_problems(exc.problems)}
            ) from None
        except SubmissionConflict:
            raise self.stale(from_header) from None


@extend_schema(
    request=SubmissionSubmitSerializer, responses=SubmissionSerializer, parameters=[IF_MATCH]
)
class SubmissionWithdrawView(SubmissionActionView):
    """Withdraw a submitted report the standing office has not reviewed yet: back to draft (unit
    staff). Needs If-Match or `version`."""

    permissions = {"POST": WRITE_UNIT_REPORT}

    input_serializer_class = SubmissionSubmitSerializer

    def act(self, submission, data):
        version, from_header = self.version_of_request(submission, data.get("version"))
        try:
            return submission_withdraw(
                actor=self.request.user, submission=submission, version=version
            )
        except SubmissionConflict:
            raise self.stale(from_header) from None


@extend_schema(request=ReviewInputSerializer, responses=SubmissionSerializer, parameters=[IF_MATCH])
class SubmissionReturnView(SubmissionActionView):
    """Return a submitted report to the unit with a comment (standing office)."""

    permissions = {"POST": REVIEW}

    input_serializer_class = ReviewInputSerializer

    def act(self, submission, data):
        self.review_version_check(submission, data.get("version"))
        if not data.get("comment", "").strip():
            raise exceptions.ValidationError(
                {
                    "comment": [
                        _(
                            "Say what the unit should correct: a comment is required to return a report."
                        )
                    ]
                }
            )
        return submission_return(
            actor=self.request.user, submission=submission, comment=_nfc(data["comment"])
        )


@extend_schema(request=ReviewInputSerializer, responses=SubmissionSerializer, parameters=[IF_MATCH])
class SubmissionApproveView(SubmissionActionView):
    """Approve a submitted report: its figures lock and count in the commune's figures."""

    permissions = {"POST": REVIEW}

    input_serializer_class = ReviewInputSerializer

    def act(self, submission, data):
        self.review_version_check(submission, data.get("version"))
        return submission_approve(actor=self.request.user, submission=submission)


@extend_schema(request=ReasonInputSerializer, responses=SubmissionSerializer, parameters=[IF_MATCH])
class SubmissionReopenView(SubmissionActionView):
    """Reopen an approved report for the unit, with a reason (standing office)."""

    permissions = {"POST": REVIEW}

    input_serializer_class = ReasonInputSerializer

    def act(self, submission, data):
        self.review_version_check(submission, data.get("version"))
        if not data["reason"].strip():
            raise exceptions.ValidationError(
                {"reason": [_("A reason is required to reopen an approved report.")]}
            )
        return submission_reopen(
            actor=self.request.user, submission=submission, reason=_nfc(data["reason"])
        )


# ---- values and task progress


class IndicatorValueListView(SubmissionMixin, CommuneScopedListView):
    """Figures of the unit reports the caller may read, with a/b kept for ratios."""

    permissions = {"GET": INTERNAL}
    serializer_class = IndicatorValueSerializer
    queryset = IndicatorValue.objects.none()
    filterset_class = IndicatorValueFilter
    ordering_fields = ["id", "indicator"]
    ordering = ["submission_id", "indicator_id"]

    def scoped_queryset(self):
        return IndicatorValue.objects.filter(
            commune=self.commune, submission__in=self.submissions_readable()
        ).select_related("submission__period", "indicator")


class TaskProgressListView(SubmissionMixin, CommuneScopedListView):
    permissions = {"GET": INTERNAL}
    serializer_class = TaskProgressSerializer
    queryset = TaskProgress.objects.none()
    filterset_class = TaskProgressFilter
    ordering_fields = ["id", "task"]
    ordering = ["submission_id", "task_id"]

    def scoped_queryset(self):
        return TaskProgress.objects.filter(
            commune=self.commune, submission__in=self.submissions_readable()
        ).select_related("submission__period")


# ---- the commune's figures


class CommuneFiguresView(CommuneApiMixin, generics.ListAPIView):
    """The commune's figure per indicator for a period, from approved unit reports only: ratios as
    Σa/Σb × 100 over the contributing units, counts summed. Province officers read it too."""

    permissions = {"GET": READ}
    serializer_class = FigureSerializer
    queryset = Indicator.objects.none()
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, required=True, description="A period code, e.g. 2025Q2."
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        code = self.request.query_params.get("period", "")
        if not code:
            raise exceptions.ValidationError({"period": [_("This field is required.")]})
        period = period_saved(self.commune, code[:20])
        if period is None:
            raise exceptions.NotFound(_("The commune has no such period."))
        return commune_figure_rows(self.commune, period)
