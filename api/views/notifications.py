"""The caller's own notifications (the bell): list, mark read."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from api.filters import NotificationFilter
from api.serializers import (
    NotificationReadResultSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
)
from api.views.base import ApiListView, ApiMixin
from communes.access import READ, WRITE_OWN
from communes.models import Notification
from reporting.selectors import notifications_of
from reporting.services import notification_mark_read


class NotificationListView(ApiListView):
    permissions = {"GET": READ}
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filterset_class = NotificationFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at"]

    def scoped_queryset(self):
        return notifications_of(self.request.user)


class NotificationReadAllView(ApiMixin, generics.GenericAPIView):
    """Mark the given notifications of yours read (all of them without `ids`)."""

    permissions = {"POST": WRITE_OWN}
    serializer_class = NotificationReadSerializer
    queryset = Notification.objects.none()
    filter_backends = []

    @extend_schema(
        operation_id="notifications_read_all",
        request=NotificationReadSerializer,
        responses=NotificationReadResultSerializer,
    )
    def post(self, request, *args, **kwargs):
        data = NotificationReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notification_mark_read(
            user=request.user, notification_ids=data.validated_data.get("ids")
        )
        return Response({"marked": marked})


class NotificationReadView(ApiMixin, generics.GenericAPIView):
    """Mark one notification of yours read; another person's answers 404."""

    permissions = {"POST": WRITE_OWN}
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filter_backends = []

    @extend_schema(operation_id="notification_read", request=None, responses=NotificationSerializer)
    def post(self, request, *args, **kwargs):
        notification = get_object_or_404(
            notifications_of(request.user),
            pk=kwargs["pk"],
        )
        notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)
