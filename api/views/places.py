"""Provinces, communes and units: what the caller may read, nothing more."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from api.filters import CommuneFilter, UnitFilter
from api.serializers import CommuneSerializer, ProvinceSerializer, UnitSerializer
from api.views.base import ApiListView, ApiRetrieveView, CommuneApiMixin, CommuneScopedListView
from communes.access import READ, communes_readable, provinces_readable
from communes.models import Commune, Province, Unit


class ProvinceListView(ApiListView):
    """Provinces the caller reads as a province officer (every province for an administrator)."""

    permissions = {"GET": READ}
    serializer_class = ProvinceSerializer
    queryset = Province.objects.none()
    ordering_fields = ["name", "code"]
    ordering = ["name"]

    def scoped_queryset(self):
        return provinces_readable(self.request.user).annotate(commune_count=Count("communes"))


class ProvinceDetailView(ApiRetrieveView):
    permissions = {"GET": READ}
    serializer_class = ProvinceSerializer
    queryset = Province.objects.none()
    lookup_field = "code"
    lookup_url_kwarg = "province_code"

    def scoped_queryset(self):
        return provinces_readable(self.request.user).annotate(commune_count=Count("communes"))


class CommuneListView(ApiListView):
    """Communes the caller may read: its own, and every commune of a province it oversees."""

    permissions = {"GET": READ}
    serializer_class = CommuneSerializer
    queryset = Commune.objects.none()
    filterset_class = CommuneFilter
    ordering_fields = ["name", "code"]
    ordering = ["name"]

    def scoped_queryset(self):
        return communes_readable(self.request.user)


class CommuneDetailView(CommuneApiMixin, generics.GenericAPIView):
    permissions = {"GET": READ}
    serializer_class = CommuneSerializer
    queryset = Commune.objects.none()
    filter_backends = []

    @extend_schema(responses=CommuneSerializer)
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.commune).data)


class UnitListView(CommuneScopedListView):
    """The commune's units (departments, police, health station, schools, villages…)."""

    permissions = {"GET": READ}
    serializer_class = UnitSerializer
    queryset = Unit.objects.none()
    filterset_class = UnitFilter
    ordering_fields = ["order", "short_name", "id"]
    ordering = ["order", "short_name"]

    def scoped_queryset(self):
        return Unit.objects.filter(commune=self.commune)
