"""Every route of the portal, read from the URL resolver, and one tenant's objects to fill them.

The cross-tenant test (tests/test_tenant_isolation.py) and the browser's page checks
(tests/browser/test_csp.py) use them, so that a new route is covered without being listed. A
route whose parameter is not known here fails those tests, naming it: add one line to
OBJECT_SEGMENTS or to World.value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken, TokenScope
from api.services import api_token_create
from communes.invitations import staff_invite
from communes.models import Commune, Invitation, Membership, Notification, Role, Unit
from emulation.models import Basis, Criterion, Movement
from indicators.models import Indicator, IndicatorGroup
from onboarding.models import PlanImport
from plans.models import Plan
from reporting.models import (
    DeadlineExtension,
    IndicatorValue,
    Proposal,
    Submission,
    TaskProgress,
)
from reporting.services import period_ensure, submission_for
from reports.models import NationalReport, Report, ReportKind
from tasks.models import Task, TaskSection

# Routes with no tenant object in them: the admin, and links whose secret token is the key.
SKIPPED = (
    re.compile(r"^admin/"),
    re.compile(r"^accounts/reset/<uidb64>/<token>/$"),
    re.compile(r"invitations/<str:token>/$"),
)
# The object a `pk` names, by the path segment just before it.
OBJECT_SEGMENTS = {
    "staff": Membership,
    "units": Unit,
    "plans": Plan,
    "groups": IndicatorGroup,
    "indicators": Indicator,
    "sections": TaskSection,
    "tasks": Task,
    "evidence": TaskProgress,
    "files": Report,
    "reports": Report,
    "submissions": Submission,
    "notifications": Notification,
    "tokens": ApiToken,
    "invitations": Invitation,
    "import": PlanImport,
    "extensions": DeadlineExtension,
    "consolidated": NationalReport,  # national/consolidated/<pk>/: administrators only
    "proposals": Proposal,
    "figures": IndicatorValue,
    "movements": Movement,
    "criteria": Criterion,
}
BROWSER_METHODS = ("get", "post")
API_METHODS = ("get", "post", "put", "patch", "delete")
MISSING_ID, MISSING_CODE = 987654321, "khong-co-noi-nay"


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    parameters: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    def url(self, values: dict[str, object]) -> str:
        def value(match):
            return str(values[match.group(2)])

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, self.pattern)

    def object_model(self, parameter: str):
        before = self.pattern.split(f"<int:{parameter}>")[0].rstrip("/").rsplit("/", 1)[-1]
        return OBJECT_SEGMENTS.get(before)


def routes(*, with_parameters_only: bool = True) -> list[Route]:
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.name or ""

    found = []
    for pattern, name in walk(get_resolver().url_patterns):
        parameters = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
        if any(skip.search(pattern) for skip in SKIPPED) or "(?" in pattern or "^" in pattern:
            continue
        if parameters or not with_parameters_only:
            found.append(Route(pattern, name, parameters))
    return found


class World:
    """The objects of one tenant that routes can name."""

    def __init__(self, commune: Commune):
        self.commune, self.province = commune, commune.province
        self.unit = commune.units.order_by("order").first()
        self.plan = Plan.objects.filter(commune=commune).first()
        self.period = period_ensure(commune, "2025")
        self.submission = submission_for(self.period, self.unit)
        task = Task.objects.filter(commune=commune).first()
        user = User.objects.create(username=f"isolation-{commune.code}")
        membership = Membership.objects.create(
            user=user, role=Role.UNIT_STAFF, commune=commune, unit=self.unit
        )
        token, _secret = api_token_create(
            user=user,
            name="IOC",
            scope=TokenScope.READ,
            expires_at=timezone.now() + timedelta(days=9),
        )
        section = TaskSection.objects.filter(commune=commune).first() or TaskSection.objects.create(
            commune=commune, plan=self.plan, numeral="Z", title="Thử"
        )
        self.objects = {
            Membership: membership,
            Unit: self.unit,
            Plan: self.plan,
            IndicatorGroup: IndicatorGroup.objects.filter(commune=commune).first(),
            Indicator: Indicator.objects.filter(commune=commune).first(),
            TaskSection: section,
            Task: task,
            TaskProgress: TaskProgress.objects.create(
                commune=commune, submission=self.submission, task=task, result="Thử"
            ),
            Submission: self.submission,
            Notification: Notification.objects.create(
                user=user, commune=commune, kind="t", title="t"
            ),
            ApiToken: token,
            Invitation: staff_invite(
                actor=None,
                commune=commune,
                email=f"moi@{commune.code}.example.vn",
                full_name="Người được mời",
                role=Role.STANDING_OFFICE,
            ),
            DeadlineExtension: DeadlineExtension.objects.create(
                commune=commune,
                unit=self.unit,
                submission=self.submission,
                original_date=self.period.last_day,
                requested_date=self.period.last_day + timedelta(days=7),
                reason="Thử",
            ),
            NationalReport: NationalReport.objects.create(period_code="2025", format="pdf"),
            # Addressed to the province: its officers read it, so the foreign officer's 404 is
            # the scope's, not the role's.
            Proposal: Proposal.objects.create(
                commune=commune,
                unit=self.unit,
                period=self.period,
                submission=self.submission,
                text="Thử",
                addressee="province",
                due_date=self.period.last_day,
            ),
            IndicatorValue: IndicatorValue.objects.create(
                commune=commune,
                submission=self.submission,
                indicator=Indicator.objects.filter(commune=commune, is_heading=False).first(),
                text="Thử",
            ),
            Movement: (
                movement := Movement.objects.create(
                    commune=commune, name="Phong trào thi đua", start_year=2025, end_year=2026
                )
            ),
            Criterion: Criterion.objects.create(
                commune=commune,
                movement=movement,
                name="Báo cáo đúng hạn",
                basis=Basis.REPORTS_ON_TIME,
                points=10,
                maximum=10,
            ),
            PlanImport: PlanImport.objects.create(
                commune=commune, file_name="kh.docx", data=b"PK", result={}, plan=self.plan
            ),
        }
        self.commune_report = Report.objects.create(
            kind=ReportKind.COMMUNE,
            province=self.province,
            commune=commune,
            period=self.period,
            period_code="2025",
            format="pdf",
        )
        self.province_report = Report.objects.create(
            kind=ReportKind.PROVINCE, province=self.province, period_code="2025", format="pdf"
        )

    def value(self, route: Route, parameter: str):
        simple = {
            "commune_code": self.commune.code,
            "province_code": self.province.code,
            "period_code": self.period.code,
            "unit_pk": self.unit.pk,
            "plan_pk": self.plan.pk,
            "action": "deactivate",
        }
        if parameter in simple:
            return simple[parameter]
        model = route.object_model(parameter)
        if model is Report:
            return (self.province_report if "province" in route.pattern else self.commune_report).pk
        if model is None:
            pytest.fail(f"{route.pattern}: the test does not know what «{parameter}» names")
        return self.objects[model].pk


SCOPE_PARAMETERS = {"commune_code", "province_code"}
# Not ids: an action's name, and codes that are keys within the commune (every commune has a
# period "2025"), so they name no other tenant's object under the caller's own code.
NOT_OBJECTS = {"action", "period_code"}
