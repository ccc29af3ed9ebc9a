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

Views say at their top what each method needs, as a map of named capabilities
(`permissions = {"GET": READ, "POST": MANAGE}`, below), read by one mixin for the pages
(`communes.mixins.PermissionsMixin`) and one permission class for the API
(`api.permissions.DeclaredPermission`); both decide here (`capability_for`, `allowed`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Membership, Province, Role, Unit


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

    def can_read_proposal(self, commune: Commune, *, to_province: bool) -> bool:
        """One tracked proposal: every one to the commune's members and inspectors, those
        addressed to the province to the province's readers (`commune_proposals_readable` is
        the same rule as a filter)."""
        return self.reads_every_proposal_of(commune) or (
            to_province and self.reads_province_proposals_of(commune)
        )

    def holds(self, role: str, place_id: int) -> bool:
        """Whether the caller holds this role on this commune (on this province, for a province
        officer); administrators hold every role. Who must hold which role for a step is the
        step's rule (a proposal's addressee: `reporting.proposals.answerer_key`)."""
        if self.is_admin:
            return True
        held = {
            Role.UNIT_STAFF: self.unit_commune_ids,
            Role.STANDING_OFFICE: self.managed_commune_ids,
            Role.COMMUNE_LEADER: self.led_commune_ids,
            Role.PROVINCE_OFFICER: self.province_ids,
        }
        return place_id in held.get(role, frozenset())

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


# ---- Declared permissions ------------------------------------------------------------------


def _unit_id(obj) -> int:
    """The unit an object of a unit's report belongs to (a unit, a report, one of its rows)."""
    return obj.pk if isinstance(obj, Unit) else obj.unit_id


def _always(scope: Scope, place, obj=None) -> bool:
    return True


@dataclass(frozen=True)
class Capability:
    """A named right a view's method needs. `place` is the commune or province of the URL
    (resolved first: outside the caller's scope it is a 404 whatever the capability), or None
    for a page of the person's own; `obj`, when the rule needs it, the object acted on (a unit,
    a unit's report), checked once it is found (a missing one is a 404 first)."""

    name: str
    place: Callable[[Scope, object], bool] = _always
    obj: Callable[[Scope, object, object], bool] | None = None
    changes_data: bool = True  # False: a read-only API token may use it (a report file request)
    hidden: bool = False  # refused as 404 (the country: like a province one may not read)
    place_message: str = ""  # the API's 403 sentence when `place` refuses
    message: str = ""  # the API's 403 sentence when `obj` refuses

    def __str__(self) -> str:
        return self.name


def _manages(scope: Scope, place, obj=None) -> bool:
    if isinstance(place, Province):
        return scope.can_manage_province(place)
    return scope.can_manage_commune(place)


INTERNAL_MESSAGE = _(
    "Unit reports are the commune's internal work: province officers read the commune's figures "
    "from approved reports."
)

# Reading the commune or province of the URL: its lookup is the check (404 outside the scope).
READ = Capability("read", changes_data=False)
# Asking for a report file of what one reads: no data changes (a read-only token may).
REQUEST_FILE = Capability("request a report file", changes_data=False)
# The commune's internal work (unit reports, their review): its members and inspectors.
INTERNAL = Capability(
    "read the internal work",
    place=lambda scope, commune, obj=None: scope.reads_internal_work_of(commune),
    place_message=INTERNAL_MESSAGE,
)
# One unit's report: its staff, the standing office, the leaders, the inspectors.
READ_UNIT_REPORT = Capability(
    "read a unit's report",
    place=INTERNAL.place,
    obj=lambda scope, commune, obj: scope.can_read_unit_report(commune, _unit_id(obj)),
    place_message=INTERNAL_MESSAGE,
)
# Writing, submitting or withdrawing a unit's report: the unit's staff.
WRITE_UNIT_REPORT = Capability(
    "write a unit's report",
    place=INTERNAL.place,
    obj=lambda scope, commune, obj: scope.can_write_for_unit(_unit_id(obj)),
    place_message=INTERNAL_MESSAGE,
    message=_("Only the unit's staff write its report."),
)
# Returning, approving, reopening a unit's report: the standing office.
REVIEW = Capability(
    "review the units' reports",
    place=INTERNAL.place,
    obj=lambda scope, commune, obj: scope.can_manage_commune(commune),
    place_message=INTERNAL_MESSAGE,
    message=_("Only the standing office reviews the units' reports."),
)
# The official report of a commune or province, once found: its texts saved or compiled again,
# its signed file uploaded (the standing office; the province's officers).
OFFICIAL_REPORT = Capability(
    "write the official report", obj=lambda scope, place, obj: _manages(scope, place)
)
# Managing the commune (the standing office) or creating the province's communes (its officers).
MANAGE = Capability("manage", place=_manages)
# Changing what is one's own (marking one's notifications read): anyone signed in; a write all
# the same for a read-only token and for the read-only roles' rule (`writes_refused`).
WRITE_OWN = Capability("change one's own")
# A page of one's own that exists only to act (reminder settings, API tokens): not read-only.
ACT = Capability("act for oneself", place=lambda scope, place, obj=None: not scope.is_read_only)
# The country as a whole: administrators; anyone else is answered as for a missing page.
COUNTRY = Capability(
    "read the country", place=lambda scope, place, obj=None: scope.can_read_country, hidden=True
)

# Verifying or questioning an approved figure, once found: the standing office (kiểm chứng).
VERIFY_FIGURES = Capability(
    "verify the figures",
    place=INTERNAL.place,
    obj=lambda scope, commune, obj: scope.can_verify_figures(commune),
    place_message=INTERNAL_MESSAGE,
)
# Answering the office's question about a figure, once found: the staff of the unit that
# reported it (`obj`: its report, or one of its rows).
ANSWER_FOR_FIGURE = Capability(
    "answer for a figure",
    place=INTERNAL.place,
    obj=lambda scope, commune, obj: scope.can_answer_for_figure(_unit_id(obj)),
    place_message=INTERNAL_MESSAGE,
)
# Marking and adjusting the emulation scores, once the unit's score is found (a missing
# movement, period or unit is a 404 first): the standing office.
SCORE = Capability(
    "score the emulation",
    place=INTERNAL.place,
    obj=lambda scope, commune, obj: scope.can_manage_commune(commune),
    place_message=INTERNAL_MESSAGE,
)
# A tracked proposal (kiến nghị), once found: its readers (`Scope.can_read_proposal`).
READ_PROPOSAL = Capability(
    "read a proposal",
    changes_data=False,
    obj=lambda scope, commune, proposal: scope.can_read_proposal(
        commune, to_province=proposal.is_for_province
    ),
)
# Recording a proposal to follow: the standing office.
RECORD_PROPOSAL = Capability(
    "record a proposal",
    place=lambda scope, commune, obj=None: scope.can_manage_commune(commune),
    place_message=_("Only the standing office records the proposals to follow."),
)
# Answering a proposal, once found: its addressee. Who that is is the proposal's own rule
# (`Proposal.answerer_key`, from `reporting.proposals.answerer_key`, which also finds the people
# to tell); here only whether the caller holds that role.
ANSWER_PROPOSAL = Capability(
    "answer a proposal",
    obj=lambda scope, commune, proposal: scope.holds(*proposal.answerer_key),
    message=_("Only the addressee answers a proposal."),
)
# Closing a proposal, once found: the standing office.
CLOSE_PROPOSAL = Capability(
    "close a proposal",
    obj=lambda scope, commune, proposal: scope.can_manage_commune(commune),
    message=_("Only the standing office closes a proposal."),
)

# An inspector's home: inspectors only; anyone else is answered as for a missing page.
INSPECT = Capability(
    "inspect", place=lambda scope, place, obj=None: scope.is_inspector, hidden=True
)

SAME_AS_GET = frozenset({"HEAD", "OPTIONS"})


def capability_for(permissions: dict[str, Capability], method: str) -> Capability | None:
    """What a view's `permissions` map asks for this method (HEAD and OPTIONS as GET); None
    for a method the view does not declare (it has no handler either: 405)."""
    if method in SAME_AS_GET and method not in permissions:
        method = "GET"
    return permissions.get(method)


def permissions_check(view_class, permissions: dict[str, Capability]) -> None:
    """Every handler of the view is declared: a method without a capability is a mistake. (A
    form's PUT, Django's alias of its POST, is not a handler of the view's own: answered 405.)"""
    from django.views.generic.edit import ProcessFormView

    for method in getattr(view_class, "http_method_names", ()):
        if method.upper() in SAME_AS_GET:
            continue
        handler = getattr(view_class, method, None)
        if handler is None or handler is ProcessFormView.put:
            continue
        if method.upper() not in permissions:
            raise ImproperlyConfigured(
                f"{view_class.__name__}.permissions declares no capability for {method.upper()}"
            )


def allowed(scope: Scope, capability: Capability, place=None, obj=None) -> bool:
    return refusal(scope, capability, place, obj) is None


def refusal(scope: Scope, capability: Capability, place=None, obj=None) -> str | None:
    """None if the caller holds the capability, else the sentence that says why not (may be
    empty: the API's generic one)."""
    if not capability.place(scope, place):
        return str(capability.place_message)
    if obj is not None and capability.obj is not None and not capability.obj(scope, place, obj):
        return str(capability.message)
    return None


def undeclared_refusal(scope: Scope, permissions: dict[str, Capability], place=None) -> str | None:
    """A method the view does not declare answers 405, once the caller holds what every declared
    method needs on the place (a reader learns nothing of a manager's page)."""
    for capability in permissions.values():
        if (why := refusal(scope, capability, place)) is not None:
            return why
    return None


def require(scope: Scope, capability: Capability, place=None, obj=None) -> None:
    """403 (404 for a hidden capability) unless the caller holds the capability."""
    if not allowed(scope, capability, place, obj):
        raise Http404 if capability.hidden else PermissionDenied


def access_commune_for(user, code: str, capability: Capability = READ) -> Commune:
    """The commune with this code if the caller may read it (404 otherwise, like a missing one),
    and holds the capability on it (403 for a reader without it)."""
    commune = get_object_or_404(communes_readable(user), code=code)
    require(scope_for(user), capability, commune)
    return commune


def access_province_for(user, code: str, capability: Capability = READ) -> Province:
    """The province with this code if the caller may read it (404 otherwise), and holds the
    capability on it (403 for a reader without it)."""
    province = get_object_or_404(provinces_readable(user), code=code)
    require(scope_for(user), capability, province)
    return province


def access_commune_by_code(user, code: str, *, manage: bool = False) -> Commune:
    """`access_commune_for` with READ, or MANAGE when `manage`."""
    return access_commune_for(user, code, MANAGE if manage else READ)


def access_province_by_code(user, code: str, *, manage: bool = False) -> Province:
    """`access_province_for` with READ, or MANAGE when `manage`."""
    return access_province_for(user, code, MANAGE if manage else READ)


def access_country(user) -> None:
    """The country as a whole: 404 for anyone but an administrator, as for a province the caller
    may not read (a province officer reads one province, not the country)."""
    require(scope_for(user), COUNTRY)


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
    require(scope_for(user), ACT)
