"""A commune's plans as issued: plans, indicator groups, indicators with yearly targets, task
sections and tasks. Everyone who may read the commune reads them (province officers included)."""

from __future__ import annotations

from django.db.models import Prefetch

from api.filters import (
    IndicatorFilter,
    IndicatorGroupFilter,
    PlanFilter,
    TargetFilter,
    TaskFilter,
    TaskSectionFilter,
)
from api.serializers import (
    IndicatorGroupSerializer,
    IndicatorSerializer,
    PlanSerializer,
    TargetListSerializer,
    TaskSectionSerializer,
    TaskSerializer,
)
from api.views.base import CommuneScopedListView, CommuneScopedRetrieveView
from communes.access import READ
from communes.selectors import units_in_order
from indicators.models import Indicator, IndicatorGroup, Target
from plans.models import Plan
from reporting.models import DeadlineExtension, ExtensionStatus
from tasks.models import Task, TaskSection


def _units(name: str) -> Prefetch:
    return Prefetch(name, queryset=units_in_order())


class PlanQueryset:
    serializer_class = PlanSerializer
    queryset = Plan.objects.none()

    def scoped_queryset(self):
        return Plan.objects.filter(commune=self.commune)


class PlanListView(PlanQueryset, CommuneScopedListView):
    permissions = {"GET": READ}
    filterset_class = PlanFilter
    ordering_fields = ["period_start", "document_number", "issue_date", "id"]
    ordering = ["-period_start", "document_number"]


class PlanDetailView(PlanQueryset, CommuneScopedRetrieveView):
    permissions = {"GET": READ}
    pass


class IndicatorGroupListView(CommuneScopedListView):
    permissions = {"GET": READ}
    serializer_class = IndicatorGroupSerializer
    queryset = IndicatorGroup.objects.none()
    filterset_class = IndicatorGroupFilter
    ordering_fields = ["order", "id"]
    ordering = ["plan_id", "order"]

    def scoped_queryset(self):
        return IndicatorGroup.objects.filter(commune=self.commune)


class IndicatorQueryset:
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.none()

    def scoped_queryset(self):
        return Indicator.objects.filter(commune=self.commune).prefetch_related(
            _units("lead_units"),
            _units("support_units"),
            Prefetch("targets", queryset=Target.objects.order_by("year")),
        )


class IndicatorListView(IndicatorQueryset, CommuneScopedListView):
    """Indicators with their yearly targets and their lead and support units."""

    permissions = {"GET": READ}
    filterset_class = IndicatorFilter
    ordering_fields = ["order", "code", "id"]
    ordering = ["plan_id", "order"]


class IndicatorDetailView(IndicatorQueryset, CommuneScopedRetrieveView):
    permissions = {"GET": READ}
    pass


class TargetListView(CommuneScopedListView):
    """Yearly targets (2025–2045) as printed and as parsed (comparator, value, upper value)."""

    permissions = {"GET": READ}
    serializer_class = TargetListSerializer
    queryset = Target.objects.none()
    filterset_class = TargetFilter
    ordering_fields = ["year", "indicator", "id"]
    ordering = ["indicator_id", "year"]

    def scoped_queryset(self):
        return Target.objects.filter(commune=self.commune)


class TaskSectionListView(CommuneScopedListView):
    permissions = {"GET": READ}
    serializer_class = TaskSectionSerializer
    queryset = TaskSection.objects.none()
    filterset_class = TaskSectionFilter
    ordering_fields = ["order", "id"]
    ordering = ["plan_id", "order"]

    def scoped_queryset(self):
        return TaskSection.objects.filter(commune=self.commune)


class TaskQueryset:
    serializer_class = TaskSerializer
    queryset = Task.objects.none()

    def scoped_queryset(self):
        return (
            Task.objects.filter(commune=self.commune)
            .select_related("plan")
            .prefetch_related(
                _units("lead_units"),
                _units("support_units"),
                Prefetch(
                    "extensions",
                    queryset=DeadlineExtension.objects.filter(status=ExtensionStatus.GRANTED),
                    to_attr="granted_extensions",
                ),
            )
        )


class TaskListView(TaskQueryset, CommuneScopedListView):
    """Tasks with their lead and support units and the deadline as printed and as understood."""

    permissions = {"GET": READ}
    filterset_class = TaskFilter
    ordering_fields = ["order", "due_date", "code", "id"]
    ordering = ["plan_id", "order"]


class TaskDetailView(TaskQueryset, CommuneScopedRetrieveView):
    permissions = {"GET": READ}
    pass
