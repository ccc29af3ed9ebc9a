"""Tenant isolation over every route, generated from the URL resolver (the API's routes included).

Each route with an object id or code is requested by each role of Điền Quang (Thanh Hóa) with
the objects of Trường Giang (Quảng Ngãi), by every method, two ways: under the other commune's
(or province's) code, and under the caller's own code with the other commune's object ids. The
answer must be exactly the answer to the same request for a missing object, and never a success:
another tenant's object is indistinguishable from one that does not exist.

A new route is covered without being listed here (tests/routes.py reads them all).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from communes.access import READ_ONLY_MAY_POST
from tests.routes import (
    API_METHODS,
    BROWSER_METHODS,
    MISSING_CODE,
    MISSING_ID,
    NOT_OBJECTS,
    SCOPE_PARAMETERS,
    World,
    routes,
)

pytestmark = pytest.mark.django_db


def _request(client, method: str, url: str, is_api: bool):
    if is_api:
        return getattr(client, method)(url, data={}, content_type="application/json")
    return getattr(client, method)(url, {} if method == "post" else None)


@pytest.fixture
def worlds(seeds):
    return {"own": World(seeds["dien-quang"]), "foreign": World(seeds["truong-giang"])}


# One test per caller, so that the workers share the walk.
CALLERS = ("kinh_te", "standing_office", "leader", "thanh_hoa", "inspector", "inspector_thanh_hoa")


@pytest.mark.parametrize("role", CALLERS)
def test_every_route_answers_for_another_tenant_as_for_a_missing_object(
    client, people, inspectors, worlds, figures, role
):
    every_route = routes()
    assert len(every_route) > 60  # the resolver really was read
    assert set(inspectors) <= set(CALLERS)  # every inspector is walked
    own, foreign = worlds["own"], worlds["foreign"]
    leaks, requests = [], 0
    callers = {**people, **inspectors}
    client.force_login(callers[role])
    for route in every_route:
        objects = [p for p in route.parameters if p not in SCOPE_PARAMETERS | NOT_OBJECTS]
        # 1. Under the other tenant's code, with its objects.
        values = {p: foreign.value(route, p) for p in route.parameters}
        missing = {
            p: values[p] if p == "action" else MISSING_CODE if p.endswith("code") else MISSING_ID
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
                if answer.status_code != reference.status_code or 200 <= answer.status_code < 300:
                    leaks.append(
                        f"{role} {method.upper()} {route.url(values)} ({variant}): "
                        f"{answer.status_code}, a missing object {reference.status_code}"
                    )
    figures(
        f"tenant isolation ({role}): {len(every_route)} routes, {requests} requests, "
        f"{len(leaks)} leaks"
    )
    assert leaks == [], "\n".join(leaks)


def test_every_path_of_the_api_schema_is_among_the_routes_tried(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    tried = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.pattern).replace("{pk}", "{id}")
        for route in routes()
    }
    with_ids = [path for path in schema["paths"] if "{" in path]
    assert len(with_ids) > 20
    assert [path for path in with_ids if path not in tried] == []


# ---- the read-only inspector: reads its scope, writes nothing, sees nothing outside it

# What a read-only person may still post: its own session, password and language.
INSPECTOR_MAY_POST = READ_ONLY_MAY_POST
# The API's description answers 405 to any write, whoever asks.
NO_WRITES_AT_ALL = {"schema", "docs"}


class _PageActions(HTMLParser):
    """The post forms and the links of a page."""

    def __init__(self):
        super().__init__()
        self.post_forms, self.links = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.post_forms.append(attrs.get("action") or "")
        elif tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"])


def _route_name(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return ""


@pytest.mark.parametrize("who", ["inspector", "inspector_thanh_hoa"])
def test_an_inspector_reads_its_scope_and_writes_nothing(
    client, people, inspectors, worlds, who, figures
):
    """Every route of the resolver, as an inspector of Điền Quang (the commune) or of Thanh Hóa
    (its province), with Điền Quang's objects: a GET answers as it answers the commune's leader (a
    reader of every unit report; for province routes, the province officer), except the pages
    that act, which answer 403; outside the scope 404; every unsafe method 403; and no page the
    inspector reads offers a form or a link to act."""
    own = worlds["own"]
    inspector = inspectors[who]
    province_scoped = who == "inspector_thanh_hoa"
    references = {}
    every_route = routes(with_parameters_only=False)
    for reference_role in ("leader", "thanh_hoa"):
        client.force_login(people[reference_role])
        for route in every_route:
            url = route.url({p: own.value(route, p) for p in route.parameters})
            references[reference_role, route.pattern] = client.get(url).status_code
    client.force_login(inspector)
    problems, read, refused = [], 0, 0
    pages, action_routes = {}, set()
    for route in every_route:
        url = route.url({p: own.value(route, p) for p in route.parameters})
        in_province = "province_code" in route.parameters
        answer = client.get(url)
        if in_province and not province_scoped:
            # Another scope: like a missing province (a POST-only address answers 405 first).
            expected = {405} if references["thanh_hoa", route.pattern] == 405 else {404}
        elif route.name == "inspection":
            expected = {200}  # the inspector's home
        else:
            reference = references["thanh_hoa" if in_province else "leader", route.pattern]
            # A page that acts (the office's forms, the officer's commune import, the push's dry
            # run) answers 403, before it would read its parameters (the reference's 400).
            expected = {reference, 403} if reference in (200, 400) else {reference}
            if route.name in ("home", "set_language"):
                expected = {302}
        if answer.status_code not in expected:
            problems.append(f"GET {url}: {answer.status_code}, expected {sorted(expected)}")
        if answer.status_code == 200:
            read += 1
            if "html" in answer.get("Content-Type", ""):
                pages[url] = answer.content.decode()
        elif answer.status_code in (403, 405):
            action_routes.add(_route_name(url))
        methods = [m for m in (API_METHODS if route.is_api else BROWSER_METHODS) if m != "get"]
        for method in methods if _route_name(url) not in INSPECTOR_MAY_POST else ():
            response = _request(client, method, url, route.is_api)
            expected_write = 404 if in_province and not province_scoped else 403
            if route.name in NO_WRITES_AT_ALL:
                expected_write = 405
            if response.status_code != expected_write:
                problems.append(
                    f"{method.upper()} {url}: {response.status_code}, expected {expected_write}"
                )
            refused += 1
    for url, html in pages.items():
        parser = _PageActions()
        parser.feed(html)
        for action in parser.post_forms:
            if _route_name(action or url) not in INSPECTOR_MAY_POST:
                problems.append(f"{url}: a form to act ({action or 'this page'})")
        for link in parser.links:
            if _route_name(link) in action_routes:
                problems.append(f"{url}: a link to act ({link})")
    figures(
        f"{who}: {len(every_route)} routes, {read} read (200), {refused} writes refused, "
        f"{len(pages)} pages checked for actions, {len(problems)} problems"
    )
    assert read > 40
    assert problems == [], "\n".join(problems)
