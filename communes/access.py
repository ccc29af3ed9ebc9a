"""Who may see and do what: the one place the access rules live.

Every view, selector and API resolves the caller's `Scope` once per request and uses it:

- unit staff read their commune and write only for their unit;
- the standing office (Phòng VH-XH) manages its commune;
- commune leaders read their commune;
- province officers read every commune of their province and nothing else, and create its
  new communes;
- administrators read and manage everything, and they alone read the country as a whole (the
  national summary and the national reports).

A commune (or any object of a commune) the caller may not read is answered with 404,
exactly like a missing one, so that ids reveal nothing. An action the caller's role does not
allow on a commune it may read is answered with 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Role
from communes.models import Commune, Province


@dataclass(frozen=True)
class Scope:
    is_authenticated: bool = False
    is_admin: bool = False
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    unit_commune_ids: frozenset[int] = field(default_factory=frozenset)
    managed_commune_ids: frozenset[int] = field(default_factory=frozenset)
    led_commune_ids: frozenset[int] = field(default_factory=frozenset)
    province_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def commune_ids(self) -> frozenset[int]:
        """Communes the caller belongs to (not those it reads through a province role)."""
        return self.unit_commune_ids | self.managed_commune_ids | self.led_commune_ids

    def communes_filter(self, prefix: str = "commune") -> Q:
        """A filter for rows whose commune (reached through `prefix`) the caller may read."""
        if self.is_admin:
            return Q()
        own = f"{prefix}__in" if prefix else "pk__in"
        province = f"{prefix}__province__in" if prefix else "province__in"
        if not self.commune_ids and not self.province_ids:
            return Q(pk__in=[])
        return Q(**{own: self.commune_ids}) | Q(**{province: self.province_ids})

    def can_read_commune(self, commune: Commune) -> bool:
        return (
            self.is_admin
            or commune.pk in self.commune_ids
            or commune.province_id in self.province_ids
        )

    def can_manage_commune(self, commune: Commune) -> bool:
        return self.is_admin or commune.pk in self.managed_commune_ids

    def can_manage_province(self, province: Province) -> bool:
        """Creating the province's communes: its officers and administrators."""
        return self.is_admin or province.pk in self.province_ids

    @property
    def can_read_country(self) -> bool:
        """The national summary and the reports of several provinces: administrators only."""
        return self.is_admin

    def can_write_for_unit(self, unit_id: int) -> bool:
        return unit_id in self.unit_ids

    def is_province_reader_of(self, commune: Commune) -> bool:
        return commune.province_id in self.province_ids and commune.pk not in self.commune_ids

    def is_member_of(self, commune: Commune) -> bool:
        """Members do the commune's internal work (unit reports and their review); a province
        officer reads the commune's figures from approved reports only."""
        return self.is_admin or commune.pk in self.commune_ids

    def reads_every_unit_report_of(self, commune: Commune) -> bool:
        return self.can_manage_commune(commune) or commune.pk in self.led_commune_ids

    def can_read_unit_report(self, commune: Commune, unit_id: int) -> bool:
        """A unit's report (its figures, progress and evidence): the unit's staff, the standing
        office and the commune's leaders."""
        return self.reads_every_unit_report_of(commune) or self.can_write_for_unit(unit_id)

    def unit_reports_filter(self, commune: Commune, prefix: str = "") -> Q:
        """The rows of the commune's unit reports this caller may read (by their unit)."""
        if self.reads_every_unit_report_of(commune):
            return Q()
        return Q(**{f"{prefix}unit_id__in": self.unit_ids})


ANONYMOUS = Scope()


def scope_for(user) -> Scope:
    """The caller's scope, computed with one query and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    units, unit_communes, managed, led, provinces = set(), set(), set(), set(), set()
    is_admin = user.is_superuser
    memberships = Membership.objects.filter(user=user, is_active=True).values_list(
        "role", "unit_id", "commune_id", "province_id"
    )
    for role, unit_id, commune_id, province_id in memberships:
        if role == Role.UNIT_STAFF:
            units.add(unit_id)
            unit_communes.add(commune_id)
        elif role == Role.STANDING_OFFICE:
            managed.add(commune_id)
        elif role == Role.COMMUNE_LEADER:
            led.add(commune_id)
        elif role == Role.PROVINCE_OFFICER:
            provinces.add(province_id)
        elif role == Role.ADMINISTRATOR:
            is_admin = True
    scope = Scope(
        is_authenticated=True,
        is_admin=is_admin,
        unit_ids=frozenset(units),
        unit_commune_ids=frozenset(unit_communes),
        managed_commune_ids=frozenset(managed),
        led_commune_ids=frozenset(led),
        province_ids=frozenset(provinces),
    )
    user._portal_scope = scope
    return scope


def communes_readable(user) -> QuerySet[Commune]:
    return Commune.objects.filter(scope_for(user).communes_filter(prefix="")).select_related(
        "province"
    )


def provinces_readable(user) -> QuerySet[Province]:
    scope = scope_for(user)
    if scope.is_admin:
        return Province.objects.all()
    return Province.objects.filter(pk__in=scope.province_ids)


def access_commune_by_code(user, code: str, *, manage: bool = False) -> Commune:
    """The commune with this code if the caller may read it (404 otherwise, like a missing one).

    With `manage=True` the caller must also manage it (403 for a reader of the commune).
    """
    commune = get_object_or_404(communes_readable(user), code=code)
    if manage and not scope_for(user).can_manage_commune(commune):
        raise PermissionDenied
    return commune


def access_province_by_code(user, code: str, *, manage: bool = False) -> Province:
    """The province with this code if the caller may read it (404 otherwise, like a missing one).

    With `manage=True` the caller must also manage it (403 for a reader of the province).
    """
    province = get_object_or_404(provinces_readable(user), code=code)
    if manage and not scope_for(user).can_manage_province(province):
        raise PermissionDenied
    return province


def access_country(user) -> None:
    """The country as a whole: 404 for anyone but an administrator, as for a province the caller
    may not read (a province officer reads one province, not the country)."""
    if not scope_for(user).can_read_country:
        raise Http404


def access_in_commune(queryset: QuerySet, commune: Commune, pk) -> Model:
    """An object of the commune by id: 404 for a missing id and for another commune's object alike."""
    try:
        return queryset.get(commune=commune, pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
