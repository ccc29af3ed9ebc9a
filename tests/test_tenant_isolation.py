"""Tenant isolation over every route, generated from the URL resolver (the API's routes included).

Each route with an object id or code is requested by each role of Điền Quang (Thanh Hóa) with
the objects of Trường Giang (Quảng Ngãi), by every method, two ways: under the other commune's
(or province's) code, and under the caller's own code with the other commune's object ids. The
answer must be exactly the answer to the same request for a missing object, and never a success:
another tenant's object is indistinguishable from one that does not exist.

A new route is covered without being listed here. A route whose parameter the test does not
know fails the test, naming it: add one line to PARAMETERS or OBJECT_SEGMENTS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import Membership, Notification, Role, User
from api.models import ApiToken, TokenScope
from api.services import api_token_create
from communes.models import Commune, Unit
from indicators.models import Indicator, IndicatorGroup
from plans.models import Plan
from reporting.models import Submission, TaskProgress
from reporting.services import period_ensure, submission_for
from reports.models import Report, ReportKind
from tasks.models import Task, TaskSection

pytestmark = pytest.mark.django_db

# Routes with no tenant object in them.
SKIPPED = (re.compile(r"^admin/"), re.compile(r"^accounts/reset/<uidb64>/<token>/$"))
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


def _routes() -> list[Route]:
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.name or ""

    routes = []
    for pattern, name in walk(get_resolver().url_patterns):
        parameters = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
        if parameters and not any(skip.search(pattern) for skip in SKIPPED):
            routes.append(Route(pattern, name, parameters))
    return routes


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


def _request(client, method: str, url: str, is_api: bool):
    if is_api:
        return getattr(client, method)(url, data={}, content_type="application/json")
    return getattr(client, method)(url, {} if method == "post" else None)


@pytest.fixture
def worlds(seeds):
    return {"own": World(seeds["dien-quang"]), "foreign": World(seeds["truong-giang"])}


def test_every_route_answers_for_another_tenant_as_for_a_missing_object(
    client, people, worlds, capsys
):
    routes = _routes()
    assert len(routes) > 60  # the resolver really was read
    own, foreign = worlds["own"], worlds["foreign"]
    leaks, requests = [], 0
    for role in ("kinh_te", "standing_office", "leader", "thanh_hoa"):
        client.force_login(people[role])
        for route in routes:
            objects = [p for p in route.parameters if p not in SCOPE_PARAMETERS | NOT_OBJECTS]
            # 1. Under the other tenant's code, with its objects.
            values = {p: foreign.value(route, p) for p in route.parameters}
            missing = {
                p: values[p]
                if p == "action"
                else MISSING_CODE
                if p.endswith("code")
                else MISSING_ID
                for p in route.parameters
            }
            variants = [("foreign scope", values, missing)]
            # 2. Under the caller's own code, with the other tenant's object ids.
            if objects and SCOPE_PARAMETERS & set(route.parameters):
                values = {
                    p: own.value(route, p)
                    if p in SCOPE_PARAMETERS | NOT_OBJECTS
                    else foreign.value(route, p)
                    for p in route.parameters
                }
                missing = {
                    p: values[p] if p in SCOPE_PARAMETERS | NOT_OBJECTS else MISSING_ID
                    for p in route.parameters
                }
                variants.append(("own scope, foreign object", values, missing))
            for variant, values, missing in variants:
                for method in API_METHODS if route.is_api else BROWSER_METHODS:
                    answer = _request(client, method, route.url(values), route.is_api)
                    reference = _request(client, method, route.url(missing), route.is_api)
                    requests += 2
                    if (
                        answer.status_code != reference.status_code
                        or 200 <= answer.status_code < 300
                    ):
                        leaks.append(
                            f"{role} {method.upper()} {route.url(values)} ({variant}): "
                            f"{answer.status_code}, a missing object {reference.status_code}"
                        )
    with capsys.disabled():
        print(f"\ntenant isolation: {len(routes)} routes, {requests} requests, {len(leaks)} leaks")
    assert leaks == [], "\n".join(leaks)
