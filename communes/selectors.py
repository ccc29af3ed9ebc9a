"""Reads of tenancy: the communes a person belongs to, a commune's units, the provinces an
inspector reads. Callers pass the scope (`communes.access`) or a commune already resolved."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from communes.access import Scope
from communes.models import Commune, Province, Unit, UnitKind


def communes_belonged_to(scope: Scope) -> list[Commune]:
    """The communes the person is a member of (not those read through a province role)."""
    return list(Commune.objects.filter(pk__in=scope.commune_ids).select_related("province"))


def units_in_order() -> QuerySet[Unit]:
    """Units in their printed order (a prefetch of a plan's lead and support units)."""
    return Unit.objects.order_by("order", "short_name")


def units_of(commune: Commune) -> QuerySet[Unit]:
    """The commune's units in their printed order."""
    return units_in_order().filter(commune=commune)


def unit_of(commune: Commune, pk) -> Unit | None:
    """The commune's unit with this id, None for a missing id and another commune's unit alike."""
    return Unit.objects.filter(commune=commune, pk=pk).first()


def unit_names_active(commune: Commune) -> list[Unit]:
    """The commune's active units, their names only (what a collective name expands to)."""
    return list(
        Unit.objects.filter(commune=commune, is_active=True)
        .order_by("order", "pk")
        .only("pk", "short_name")
    )


def provinces_by_code() -> list[Province]:
    return list(Province.objects.order_by("code"))


def units_askable(commune: Commune) -> QuerySet[Unit]:
    """The units the office may ask to report: its own active units (not partners, not
    committees)."""
    return Unit.objects.filter(commune=commune, is_active=True).exclude(
        kind__in=[UnitKind.EXTERNAL, UnitKind.COMMITTEE]
    )


def units_with_staff_counts(commune: Commune) -> QuerySet[Unit]:
    """The commune's units, each with how many active memberships it has (the units page)."""
    return units_of(commune).annotate(
        staff_count=Count("memberships", filter=Q(memberships__is_active=True))
    )


def units_among(commune: Commune, unit_ids) -> list[Unit]:
    """The commune's units among `unit_ids` (a person's own units)."""
    return list(Unit.objects.filter(pk__in=unit_ids, commune=commune))


def provinces_inspected(scope: Scope) -> list[Province]:
    """The provinces a province inspector reads, by name."""
    return list(Province.objects.filter(pk__in=scope.inspected_province_ids).order_by("name"))
