"""Reads of the push: a province's endpoint and its delivery log."""

from __future__ import annotations

from django.db.models import QuerySet

from communes.models import Province
from push.models import PushDelivery, PushEndpoint


def push_endpoint_of(province: Province) -> PushEndpoint | None:
    return PushEndpoint.objects.filter(province=province).first()


def push_deliveries(province: Province) -> QuerySet[PushDelivery]:
    """The province's deliveries, newest first, with what the log prints (not the bodies)."""
    return (
        PushDelivery.objects.filter(province=province)
        .select_related("commune")
        .defer("body")
        .order_by("-created_at", "-id")
    )
