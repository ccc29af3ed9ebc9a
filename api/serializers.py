"""What the API sends and accepts. Output serializers read only what their view prefetched."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communes.models import Commune, Notification, Province, Unit
from indicators.assessment import Assessment
from indicators.models import Indicator, IndicatorGroup, MeasureKind, Target
from plans.models import PLAN_DOCUMENT_FIELDS, Plan, PlanStanding
from reporting.models import (
    ExtensionStatus,
    FigureVerification,
    IndicatorValue,
    Proposal,
    ProposalAddressee,
    ReportingPeriod,
    ReportingSchedule,
    Submission,
    TaskProgress,
)
from reporting.selectors import indicator_figure
from reports.models import Report, ReportFormat, ReportStatus
from tasks.deadlines import task_deadline, task_due_dates
from tasks.models import Task, TaskSection, TaskStatus

# ---- places


class ProvinceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name"]


class ProvinceSerializer(serializers.ModelSerializer):
    commune_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Province
        fields = ["code", "name", "commune_count"]


class CommuneSerializer(serializers.ModelSerializer):
    province = ProvinceBriefSerializer(read_only=True)

    class Meta:
        model = Commune
        fields = ["code", "name", "kind", "province"]


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "short_name"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "short_name", "name", "kind", "is_active", "order"]


# ---- plans, indicators, tasks


class PlanSerializer(serializers.ModelSerializer):
    implements = serializers.ListField(
        source="implements_list", child=serializers.CharField(), read_only=True
    )
    standing = serializers.ChoiceField(
        choices=PlanStanding.choices,
        read_only=True,
        help_text="The status today: the stored status read against the plan's years.",
    )

    class Meta:
        model = Plan
        fields = ["id", "key", *PLAN_DOCUMENT_FIELDS, "standing", "updated_at"]


class IndicatorGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorGroup
        fields = ["id", "plan", "numeral", "title", "order"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        # until_year: an every-year target ("Mỗi năm có …") holds each year up to it.
        fields = [
            "year",
            "text",
            "comparator",
            "value",
            "value_max",
            "is_percent",
            "until_year",
            "note",
        ]


class TargetListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "indicator", *TargetSerializer.Meta.fields]


class AssignedUnitsMixin(serializers.Serializer):
    lead_units = UnitBriefSerializer(many=True, read_only=True)
    support_units = UnitBriefSerializer(many=True, read_only=True)


class IndicatorSerializer(AssignedUnitsMixin, serializers.ModelSerializer):
    is_ratio = serializers.BooleanField(read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "group",
            "parent",
            "code",
            "name",
            "is_heading",
            "unit_of_measure",
            "measure_kind",
            "direction",
            "is_ratio",
            "numerator_definition",
            "denominator_definition",
            "formula",
            "data_source",
            "guidance",
            "legal_basis",
            "note",
            "order",
            "lead_units",
            "support_units",
            "lead_text",
            "support_text",
            "targets",
        ]


class TaskSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskSection
        fields = ["id", "plan", "numeral", "title", "order"]


class TaskSerializer(AssignedUnitsMixin, serializers.ModelSerializer):
    due_dates = serializers.SerializerMethodField(
        help_text="Every date the task falls due over its plan's years (the reminders' dates), "
        "with granted extensions applied."
    )
    extensions = serializers.SerializerMethodField(
        help_text="Granted extensions (gia hạn): each printed due date and the date it moved to."
    )

    @staticmethod
    def _moved(task) -> dict:
        """Printed due date → granted date, from the prefetched granted extensions."""
        granted = getattr(task, "granted_extensions", None)
        if granted is None:  # not prefetched (a single task)
            granted = list(task.extensions.filter(status=ExtensionStatus.GRANTED))
        granted = sorted(granted, key=lambda e: (e.answered_at, e.pk))
        return {e.original_date: e.granted_date for e in granted}

    @extend_schema_field(serializers.ListField(child=serializers.DateField()))
    def get_due_dates(self, task) -> list:
        years = range(task.plan.period_start, task.plan.period_end + 1)
        return task_due_dates(task_deadline(task), years, self._moved(task))

    @extend_schema_field(
        serializers.ListField(
            child=serializers.DictField(child=serializers.DateField()),
            help_text='[{"due_date": "2026-12-31", "extended_to": "2027-01-15"}]',
        )
    )
    def get_extensions(self, task) -> list:
        return [
            {"due_date": printed, "extended_to": granted}
            for printed, granted in sorted(self._moved(task).items())
        ]

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "section",
            "parent",
            "code",
            "name",
            "is_heading",
            "expected_result",
            "budget_million_vnd",
            "deadline_text",
            "deadline_kind",
            "due_date",
            "is_continuous",
            "recurrence_month",
            "recurrence_for_next_year",
            "start_year",
            "end_year",
            "due_dates",
            "extensions",
            "deadline_flagged",
            "status",
            "progress_percent",
            "completed_on",
            "note",
            "order",
            "lead_units",
            "support_units",
            "lead_text",
            "support_text",
        ]


# ---- reporting


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    is_closed = serializers.BooleanField(read_only=True)
    requested_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    requested_indicators = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = [
            "code",
            "kind",
            "label",
            "title",
            "window_start",
            "window_end",
            "deadline",
            "closed_at",
            "is_closed",
            "questions",
            "requested_units",
            "requested_indicators",
        ]


class ScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingSchedule
        fields = ["kind", "is_used", "deadline_day", "deadline_month_offset", "cutoff_day"]


class SubmissionSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code", read_only=True)
    unit = UnitBriefSerializer(read_only=True)
    deadline = serializers.DateTimeField(
        read_only=True,
        help_text="From this instant the report is late: the period's deadline, or the later "
        "one a granted extension (gia hạn) gave this unit (then also in deadline_extended).",
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "period",
            "unit",
            "status",
            "version",
            "submitted_at",
            "deadline",
            "deadline_extended",
            "is_late",
            "reviewed_at",
            "review_comment",
            "updated_at",
        ]


class IndicatorValueSerializer(serializers.ModelSerializer):
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    period = serializers.CharField(source="submission.period.code", read_only=True)
    unit = serializers.IntegerField(source="submission.unit_id", read_only=True)
    submission_status = serializers.CharField(source="submission.status", read_only=True)
    figure = serializers.SerializerMethodField(
        help_text="a/b × 100 for ratios, else the value (a decimal string)."
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "submission",
            "period",
            "unit",
            "submission_status",
            "indicator",
            "value",
            "numerator",
            "denominator",
            "figure",
            "is_done",
            "text",
            "outlier_confirmed",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True))
    def get_figure(self, value: IndicatorValue) -> str | None:
        figure = indicator_figure(value)
        return None if figure is None else str(figure.quantize(Decimal("0.0001")))


class TaskProgressSerializer(serializers.ModelSerializer):
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    period = serializers.CharField(source="submission.period.code", read_only=True)
    unit = serializers.IntegerField(source="submission.unit_id", read_only=True)
    has_evidence_file = serializers.SerializerMethodField()

    class Meta:
        model = TaskProgress
        fields = [
            "id",
            "submission",
            "period",
            "unit",
            "task",
            "status",
            "percent",
            "result",
            "evidence_number",
            "evidence_date",
            "has_evidence_file",
        ]

    def get_has_evidence_file(self, progress: TaskProgress) -> bool:
        return bool(progress.evidence_file)


class ReportItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=["lead", "support"])


class ReportItemsSerializer(serializers.Serializer):
    indicators = ReportItemSerializer(many=True)
    tasks = ReportItemSerializer(many=True)


class SubmissionDetailSerializer(SubmissionSerializer):
    """A unit's report: what it reports on (`items`), its figures, task progress and narrative."""

    values = IndicatorValueSerializer(many=True, read_only=True)
    task_progress = TaskProgressSerializer(many=True, read_only=True)
    items = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [
            *SubmissionSerializer.Meta.fields,
            "results",
            "difficulties",
            "proposals",
            "items",
            "values",
            "task_progress",
        ]

    @extend_schema_field(ReportItemsSerializer)
    def get_items(self, submission: Submission) -> dict:
        report = self.context["report"]
        return {
            "indicators": [
                {"id": item.indicator.pk, "role": item.role} for item in report.indicators
            ],
            "tasks": [{"id": item.task.pk, "role": item.role} for item in report.tasks],
        }


# ---- writes to a unit's report


class FigureInputField(serializers.DecimalField):
    """Any decimal string: its bounds and precision are the rules of `reporting.rules`, which
    every client's figures go through (a 400 naming the field, in the browser's words)."""

    MAX_STRING_LENGTH = 10_000  # DRF's 1,000 would answer a long number before the rules do

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, **kwargs)


ID = {"min_value": 1, "max_value": 2**63 - 1}  # the database's range: a larger id would be a 500


class ValueInputSerializer(serializers.Serializer):
    """One figure. Send what the indicator takes: a and b for a ratio (the portal computes a/b × 100),
    `is_done` for a milestone, `text` for a report, else `value`. A field left out keeps its value;
    null clears it."""

    indicator = serializers.IntegerField(**ID)
    value = FigureInputField(required=False, allow_null=True)
    numerator = FigureInputField(required=False, allow_null=True)
    denominator = FigureInputField(required=False, allow_null=True)
    is_done = serializers.BooleanField(required=False, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    outlier_confirmed = serializers.BooleanField(required=False)


class ProgressInputSerializer(serializers.Serializer):
    task = serializers.IntegerField(**ID)
    status = serializers.ChoiceField(
        choices=[("", "—"), *TaskStatus.choices], required=False, allow_blank=True
    )
    percent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    result = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    evidence_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    evidence_date = serializers.DateField(required=False, allow_null=True)


class VersionInputMixin(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "The version you read (or send If-Match with the ETag): a save on an older version "
            "is refused with 409."
        ),
    )


class SubmissionSaveSerializer(VersionInputMixin):
    results = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    difficulties = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    proposals = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    values = ValueInputSerializer(many=True, required=False, max_length=1000)
    progress = ProgressInputSerializer(many=True, required=False, max_length=1000)


class SubmissionCreateSerializer(serializers.Serializer):
    period = serializers.CharField(
        max_length=20, help_text="A period code: 202506, 2025Q2, 2025S1, 2025 or an ad-hoc code."
    )
    unit = serializers.IntegerField(**ID)


class SubmissionSubmitSerializer(VersionInputMixin):
    pass


class ReviewInputSerializer(VersionInputMixin):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ReasonInputSerializer(VersionInputMixin):
    reason = serializers.CharField(max_length=5000)


# ---- figures


class FigureSerializer(serializers.Serializer):
    """The commune's figure for an indicator in a period, from approved unit reports only."""

    indicator = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    measure_kind = serializers.CharField()
    value = serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True)
    numerator = serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True)
    denominator = serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True)
    is_done = serializers.BooleanField(allow_null=True)
    text = serializers.CharField(allow_blank=True)
    units = serializers.IntegerField(help_text="How many unit reports the figure comes from.")


# ---- notifications


class NotificationSerializer(serializers.ModelSerializer):
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "commune",
            "created_at",
            "read_at",
            "is_read",
        ]

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(**ID),
        required=False,
        max_length=1000,
        help_text="The notifications to mark read; leave out to mark all of yours read.",
    )


class NotificationReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


# ---- reports


class ReportSerializer(serializers.ModelSerializer):
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.CharField(source="period_code", read_only=True)
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the file once `status` is done; null before."
    )
    is_stale = serializers.SerializerMethodField(
        help_text="The data changed since the file was made (given on a single report; null in lists)."
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "commune",
            "province",
            "period",
            "format",
            "status",
            "progress",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
            "is_stale",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, report: Report) -> str | None:
        if report.status != ReportStatus.DONE:
            return None
        request = self.context.get("request")
        url = self.context["download_url"](report)
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_is_stale(self, report: Report) -> bool | None:
        return self.context.get("stale")


class ReportRequestSerializer(serializers.Serializer):
    period = serializers.CharField(
        max_length=20, help_text="A period code: 202506, 2025Q2, 2025S1, 2025."
    )
    format = serializers.ChoiceField(choices=ReportFormat.choices)


# ---- the province's consolidation

BIG = {"max_digits": 40, "decimal_places": 4, "allow_null": True}


class ConsolidationCellSerializer(serializers.Serializer):
    """One commune's own figure for the catalogue's indicator, against its own target."""

    commune = serializers.CharField(source="commune.code")
    indicator = serializers.IntegerField(source="indicator.id")
    indicator_code = serializers.CharField(source="indicator.code")
    value = serializers.DecimalField(source="figure.value", **BIG)
    numerator = serializers.DecimalField(source="figure.numerator", **BIG)
    denominator = serializers.DecimalField(source="figure.denominator", **BIG)
    is_done = serializers.BooleanField(source="figure.is_done", allow_null=True)
    units = serializers.IntegerField(source="figure.units", allow_null=True)
    target = serializers.CharField(source="target.text", allow_null=True)
    assessment = serializers.ChoiceField(source="verdict.assessment", choices=Assessment.choices)
    percent_of_target = serializers.DecimalField(source="verdict.percent_of_target", **BIG)


class ConsolidatedIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    group = serializers.CharField(source="indicator.group")
    unit_of_measure = serializers.CharField(source="indicator.unit_of_measure")
    measure_kind = serializers.ChoiceField(
        source="indicator.measure_kind", choices=MeasureKind.choices
    )
    direction = serializers.CharField(source="indicator.direction")
    value = serializers.DecimalField(
        help_text="Σa/Σb × 100 (× 10,000 per 10,000 people), the summed count, or the number "
        "of communes that achieved a milestone.",
        **BIG,
    )
    numerator = serializers.DecimalField(**BIG)
    denominator = serializers.DecimalField(**BIG)
    communes_reporting = serializers.IntegerField()
    communes_assessed = serializers.IntegerField()
    communes_achieved = serializers.IntegerField()
    communes_without_ab = serializers.IntegerField(
        help_text="Communes that gave a percentage without a and b: left out of Σa/Σb."
    )
    communes = serializers.SerializerMethodField()

    @extend_schema_field(ConsolidationCellSerializer(many=True))
    def get_communes(self, row) -> list:
        cells = row.cells.values()
        if (shown := self.context.get("communes")) is not None:  # a page of communes
            cells = [cell for cell in cells if cell.commune.pk in shown]
        cells = sorted(cells, key=lambda cell: cell.commune.name)
        return ConsolidationCellSerializer(cells, many=True).data


class CommuneStandingSerializer(serializers.Serializer):
    commune = serializers.CharField(source="commune.code")
    name = serializers.CharField(source="commune.name")
    rank = serializers.IntegerField()
    period_opened = serializers.SerializerMethodField()
    units_expected = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    indicators_total = serializers.IntegerField()
    indicators_assessed = serializers.IntegerField()
    indicators_achieved = serializers.IntegerField()
    achieved_share = serializers.DecimalField(max_digits=40, decimal_places=4)
    tasks_total = serializers.IntegerField()
    tasks_done_on_time = serializers.IntegerField()
    tasks_overdue = serializers.IntegerField()
    on_time_share = serializers.DecimalField(max_digits=40, decimal_places=4)

    def get_period_opened(self, standing) -> bool:
        return standing.period is not None


class ConsolidationSerializer(serializers.Serializer):
    province = ProvinceBriefSerializer()
    period = serializers.CharField(source="period_code")
    kind = serializers.CharField()
    year = serializers.IntegerField()
    label = serializers.CharField()
    communes = CommuneStandingSerializer(source="standings", many=True)
    indicators = ConsolidatedIndicatorSerializer(source="rows", many=True)


class ConsolidationPageSerializer(ConsolidationSerializer):
    """A page of communes of the consolidation: `count` communes in all (after `?commune=`)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


# ---- follow-up: proposals and the verification of figures


class ProposalSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune.code", read_only=True)
    period = serializers.CharField(source="period.code", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    unit = UnitBriefSerializer(read_only=True, allow_null=True)
    origin = serializers.CharField(source="origin_label", read_only=True)
    submission = serializers.IntegerField(source="submission_id", read_only=True, allow_null=True)
    addressee_label = serializers.CharField(source="get_addressee_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "commune",
            "period",
            "period_label",
            "unit",
            "origin",
            "submission",
            "text",
            "addressee",
            "addressee_label",
            "due_date",
            "is_overdue",
            "status",
            "created_at",
            "answer",
            "answered_at",
            "closed_at",
        ]

    def get_is_overdue(self, proposal: Proposal) -> bool:
        return proposal.is_overdue_on(timezone.localdate())


class ProposalCreateSerializer(serializers.Serializer):
    submission = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The unit report whose proposal this is; its period and unit are taken from it.",
    )
    period = serializers.CharField(
        required=False, max_length=20, help_text="Without `submission`: the period's code."
    )
    unit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Without `submission`: the proposing unit; none for the commune's own.",
    )
    text = serializers.CharField(max_length=4000)
    addressee = serializers.ChoiceField(choices=ProposalAddressee.choices)
    due_date = serializers.DateField()


class ProposalAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


class ProposalCloseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Required to close a proposal that has not been answered.",
    )


class FigureCheckSerializer(serializers.ModelSerializer):
    """An approved figure with the standing office's check of it."""

    period = serializers.CharField(source="submission.period.code", read_only=True)
    unit = UnitBriefSerializer(source="submission.unit", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    figure = serializers.SerializerMethodField()
    verification = serializers.SerializerMethodField(
        help_text="verified, questioned, answered (by the unit), or null: not checked yet."
    )
    checked_at = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "period",
            "unit",
            "indicator",
            "indicator_code",
            "figure",
            "verification",
            "checked_at",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True))
    def get_figure(self, value: IndicatorValue) -> str | None:
        figure = indicator_figure(value)
        return None if figure is None else str(figure.quantize(Decimal("0.0001")))

    def _check(self, value: IndicatorValue):
        try:
            return value.verification
        except FigureVerification.DoesNotExist:
            return None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_verification(self, value: IndicatorValue) -> str | None:
        check = self._check(value)
        return check.status if check else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_checked_at(self, value: IndicatorValue):
        check = self._check(value)
        return serializers.DateTimeField().to_representation(check.checked_at) if check else None


class CommuneVerificationSerializer(serializers.Serializer):
    """How many of a commune's approved figures of a period the standing office verified."""

    commune = serializers.CharField()
    commune_name = serializers.CharField()
    period = serializers.CharField()
    approved = serializers.IntegerField()
    verified = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
