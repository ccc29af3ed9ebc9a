"""Who may see and do what: the one place the access rules live.

Every view, selector and API resolves the caller's `Scope` once per request and uses it:

- unit staff read their commune and write only for their unit;
- the standing office (Phòng VH-XH) manages its commune;
- commune leaders read their commune and answer the proposals addressed to its leadership;
- province officers read every commune of their province and nothing else, and create its
  new communes, and answer the communes' proposals addressed to the province;
- inspectors (the Party's inspection committee, the People's Council) read everything of their
  commune, or of every commune of their province, that its members read — plans, figures,
  tasks, unit reports, commune reports, the history — and act on nothing: a person whose only
  roles are inspector is refused every write (`writes_refused`, called for every request by
  `communes.middleware.ReadOnlyRoleMiddleware` and the API's `ReadOnlyRolePermission`);
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
    inspected_commune_ids: frozenset[int] = field(default_factory=frozenset)
    inspected_province_ids: frozenset[int] = field(default_factory=frozenset)

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
        communes = self.commune_ids | self.inspected_commune_ids
        provinces = self.province_ids | self.inspected_province_ids
        if not communes and not provinces:
            return Q(pk__in=[])
        return Q(**{own: communes}) | Q(**{province: provinces})

    def can_read_commune(self, commune: Commune) -> bool:
        return (
            self.is_admin
            or commune.pk in self.commune_ids
            or commune.province_id in self.province_ids
            or self.inspects(commune)
        )

    @property
    def is_inspector(self) -> bool:
        return bool(self.inspected_commune_ids or self.inspected_province_ids)

    @property
    def is_read_only(self) -> bool:
        """Inspector and nothing else: every write is refused, whatever the page or the API."""
        return (
            self.is_inspector
            and not self.is_admin
            and not (self.unit_ids or self.commune_ids or self.province_ids)
        )

    def inspects(self, commune: Commune) -> bool:
        return (
            commune.pk in self.inspected_commune_ids
            or commune.province_id in self.inspected_province_ids
        )

    def can_read_province(self, province: Province) -> bool:
        return (
            self.is_admin
            or province.pk in self.province_ids
            or province.pk in self.inspected_province_ids
        )

    def reads_internal_work_of(self, commune: Commune) -> bool:
        """The commune's internal work (unit reports, their review, who typed what): its members,
        and its inspectors, who read it without acting on it."""
        return self.is_member_of(commune) or self.inspects(commune)

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

    def can_verify_figures(self, commune: Commune) -> bool:
        """Marking a commune's approved figures verified or questioning them: its standing
        office (kiểm chứng)."""
        return self.can_manage_commune(commune)

    def can_answer_for_figure(self, unit_id: int) -> bool:
        """Answering the office's question about a figure: the staff of the unit that reported it."""
        return self.can_write_for_unit(unit_id)

    def is_province_reader_of(self, commune: Commune) -> bool:
        return commune.province_id in self.province_ids and commune.pk not in self.commune_ids

    def is_member_of(self, commune: Commune) -> bool:
        """Members do the commune's internal work (unit reports and their review); a province
        officer reads the commune's figures from approved reports only."""
        return self.is_admin or commune.pk in self.commune_ids

    def reads_every_unit_report_of(self, commune: Commune) -> bool:
        return (
            self.can_manage_commune(commune)
            or commune.pk in self.led_commune_ids
            or self.inspects(commune)
        )

    def can_read_unit_report(self, commune: Commune, unit_id: int) -> bool:
        """A unit's report (its figures, progress and evidence): the unit's staff, the standing
        office, the commune's leaders and its inspectors."""
        return self.reads_every_unit_report_of(commune) or self.can_write_for_unit(unit_id)

    def reads_every_proposal_of(self, commune: Commune) -> bool:
        """Tracked proposals (kiến nghị): the commune's members and inspectors read them all."""
        return self.reads_internal_work_of(commune)

    def reads_province_proposals_of(self, commune: Commune) -> bool:
        """The province's officers and inspectors read those addressed to the province."""
        return (
            self.is_admin
            or commune.province_id in self.province_ids
            or commune.province_id in self.inspected_province_ids
        )

    def can_answer_proposal(self, commune: Commune, *, to_province: bool) -> bool:
        """The addressee answers: the commune's leaders what is addressed to its leadership, the
        province's officers what is addressed to the province or one of its departments."""
        if self.is_admin:
            return True
        if to_province:
            return commune.province_id in self.province_ids
        return commune.pk in self.led_commune_ids

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
    inspected_communes, inspected_provinces = set(), set()
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
        elif role == Role.INSPECTOR:
            if commune_id is not None:
                inspected_communes.add(commune_id)
            else:
                inspected_provinces.add(province_id)
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
        inspected_commune_ids=frozenset(inspected_communes),
        inspected_province_ids=frozenset(inspected_provinces),
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
    return Province.objects.filter(pk__in=scope.province_ids | scope.inspected_province_ids)


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


# What a read-only person may still post: their own session and language, nothing of a tenant.
READ_ONLY_MAY_POST = frozenset(
    {
        "login",
        "logout",
        "password_change",
        "password_reset",
        "password_reset_confirm",
        "set_language",
        "accounts:second_factor",
        "accounts:second_factor_setup",
        "accounts:second_factor_verify",
    }
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def writes_refused(user, method: str, url_name: str, url_kwargs: dict) -> bool:
    """Whether this request is a write the caller's role refuses outright (an inspector's).

    The commune or province in the URL is resolved first, so that another tenant's code still
    answers 404 like a missing one; then every unsafe method is refused (403), before any view
    code runs, whatever the view itself would check.
    """
    if method not in UNSAFE_METHODS or url_name in READ_ONLY_MAY_POST:
        return False
    if not scope_for(user).is_read_only:
        return False
    if "commune_code" in url_kwargs:
        access_commune_by_code(user, url_kwargs["commune_code"])
    elif "province_code" in url_kwargs:
        access_province_by_code(user, url_kwargs["province_code"])
    return True


def refuse_read_only(user) -> None:
    """A page that exists only to act (one's reminder settings, one's API tokens): 403 to a
    read-only person even for reading it, so that no form is offered."""
    if scope_for(user).is_read_only:
        raise PermissionDenied
