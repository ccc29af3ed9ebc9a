"""The query parameters each list declares; nothing else filters (no raw ORM lookups from clients).

Related objects are filtered by id with plain number filters: an id from another commune simply
matches nothing (a choice filter would answer «not a valid choice» and tell that it exists).
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q
from rest_framework.filters import OrderingFilter

from communes.models import Commune, CommuneKind, Notification, Unit, UnitKind
from indicators.models import Indicator, IndicatorGroup, MeasureKind, Target
from plans.models import Plan, PlanStatus
from reporting.models import (
    IndicatorValue,
    Proposal,
    ProposalAddressee,
    ProposalStatus,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    TaskProgress,
    VerificationStatus,
)
from reporting.periods import PeriodKind
from reports.models import Report, ReportFormat, ReportStatus
from tasks.models import Task, TaskSection, TaskStatus


class IdFilter(filters.NumberFilter):
    """An object's id: a whole number in the database's range (a larger one would be a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class YearFilter(IdFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{"min_value": 2000, "max_value": 2100, **kwargs})


class CommuneFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province__code", help_text="Province code, e.g. 38.")
    kind = filters.ChoiceFilter(choices=CommuneKind.choices)

    class Meta:
        model = Commune
        fields = ["province", "kind"]


class UnitFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=UnitKind.choices)
    is_active = filters.BooleanFilter()

    class Meta:
        model = Unit
        fields = ["kind", "is_active"]


class PlanFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PlanStatus.choices)
    year = YearFilter(method="filter_year", help_text="Plans whose period covers this year.")

    class Meta:
        model = Plan
        fields = ["status", "year"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(period_start__lte=value, period_end__gte=value)


class IndicatorGroupFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")

    class Meta:
        model = IndicatorGroup
        fields = ["plan"]


class AssignedUnitFilterMixin(filters.FilterSet):
    lead_unit = IdFilter(field_name="lead_units", distinct=True)
    support_unit = IdFilter(field_name="support_units", distinct=True)


class IndicatorFilter(AssignedUnitFilterMixin):
    plan = IdFilter(field_name="plan_id")
    group = IdFilter(field_name="group_id")
    code = filters.CharFilter()
    measure_kind = filters.ChoiceFilter(choices=MeasureKind.choices)
    is_heading = filters.BooleanFilter()

    class Meta:
        model = Indicator
        fields = [
            "plan",
            "group",
            "code",
            "measure_kind",
            "is_heading",
            "lead_unit",
            "support_unit",
        ]


class TargetFilter(filters.FilterSet):
    indicator = IdFilter(field_name="indicator_id")
    plan = IdFilter(field_name="indicator__plan_id")
    year = YearFilter()

    class Meta:
        model = Target
        fields = ["indicator", "plan", "year"]


class TaskSectionFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")

    class Meta:
        model = TaskSection
        fields = ["plan"]


class TaskFilter(AssignedUnitFilterMixin):
    plan = IdFilter(field_name="plan_id")
    section = IdFilter(field_name="section_id")
    status = filters.ChoiceFilter(choices=TaskStatus.choices)
    due_after = filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lte")
    deadline_flagged = filters.BooleanFilter()

    class Meta:
        model = Task
        fields = [
            "plan",
            "section",
            "status",
            "due_after",
            "due_before",
            "deadline_flagged",
            "lead_unit",
            "support_unit",
        ]


class PeriodFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=PeriodKind.choices)
    year = YearFilter(field_name="window_end__year")
    is_closed = filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = ReportingPeriod
        fields = ["kind", "year", "is_closed"]


class SubmissionFilter(filters.FilterSet):
    period = filters.CharFilter(field_name="period__code", help_text="A period code, e.g. 2025Q2.")
    unit = IdFilter(field_name="unit_id")
    status = filters.ChoiceFilter(choices=SubmissionStatus.choices)
    is_late = filters.BooleanFilter()

    class Meta:
        model = Submission
        fields = ["period", "unit", "status", "is_late"]


class IndicatorValueFilter(filters.FilterSet):
    period = filters.CharFilter(field_name="submission__period__code")
    unit = IdFilter(field_name="submission__unit_id")
    indicator = IdFilter(field_name="indicator_id")
    submission_status = filters.ChoiceFilter(
        field_name="submission__status", choices=SubmissionStatus.choices
    )

    class Meta:
        model = IndicatorValue
        fields = ["period", "unit", "indicator", "submission_status"]


class TaskProgressFilter(filters.FilterSet):
    period = filters.CharFilter(field_name="submission__period__code")
    unit = IdFilter(field_name="submission__unit_id")
    task = IdFilter(field_name="task_id")
    status = filters.ChoiceFilter(choices=TaskStatus.choices)

    class Meta:
        model = TaskProgress
        fields = ["period", "unit", "task", "status"]


class NotificationFilter(filters.FilterSet):
    is_read = filters.BooleanFilter(method="filter_is_read")
    kind = filters.CharFilter()

    class Meta:
        model = Notification
        fields = ["is_read", "kind"]

    def filter_is_read(self, queryset, name, value):
        return queryset.filter(~Q(read_at=None) if value else Q(read_at=None))


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` among the view's declared `ordering_fields`, the id last so that pages never
    repeat or skip a row when the chosen field has ties."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            ordering.append("pk")
        return ordering


class ReportFilter(filters.FilterSet):
    period = filters.CharFilter(field_name="period_code", help_text="A period code, e.g. 2025Q2.")
    format = filters.ChoiceFilter(choices=ReportFormat.choices)
    status = filters.ChoiceFilter(choices=ReportStatus.choices)

    class Meta:
        model = Report
        fields = ["period", "format", "status"]


class ProposalFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ProposalStatus.choices)
    addressee = filters.ChoiceFilter(choices=ProposalAddressee.choices)
    period = filters.CharFilter(field_name="period__code", help_text="A period code, e.g. 2025Q2.")
    unit = IdFilter(field_name="unit_id")

    class Meta:
        model = Proposal
        fields = ["status", "addressee", "period", "unit"]


UNCHECKED = "unchecked"


class FigureCheckFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=[*VerificationStatus.choices, (UNCHECKED, "not checked yet")],
        method="filter_status",
        help_text="The standing office's check; `unchecked` for figures not checked yet.",
    )
    unit = IdFilter(field_name="submission__unit_id")
    indicator = IdFilter(field_name="indicator_id")

    class Meta:
        model = IndicatorValue
        fields = ["status", "unit", "indicator"]

    def filter_status(self, queryset, name, value):
        if value == UNCHECKED:
            return queryset.filter(verification__isnull=True)
        return queryset.filter(verification__status=value)
