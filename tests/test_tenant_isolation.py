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

import pytest

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


def test_every_route_answers_for_another_tenant_as_for_a_missing_object(
    client, people, worlds, capsys
):
    every_route = routes()
    assert len(every_route) > 60  # the resolver really was read
    own, foreign = worlds["own"], worlds["foreign"]
    leaks, requests = [], 0
    for role in ("kinh_te", "standing_office", "leader", "thanh_hoa"):
        client.force_login(people[role])
        for route in every_route:
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
        print(
            f"\ntenant isolation: {len(every_route)} routes, {requests} requests, {len(leaks)} leaks"
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
