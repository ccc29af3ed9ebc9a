"""Reads: every endpoint by every role, another tenant's objects (404), lists' query counts."""

from __future__ import annotations

import pytest

from api.models import TokenScope
from communes.models import Commune, Role
from indicators.models import Indicator
from plans.models import Plan
from reporting.services import period_ensure, periods_open
from tasks.models import Task
from tests.api.conftest import (
    assert_flat_query_count,
    client_with_session,
    client_with_token,
)
from tests.api.factories import reports_approved
from tests.conftest import person

pytestmark = pytest.mark.django_db

READERS = ("standing_office", "leader", "kinh_te", "thanh_hoa")
MEMBERS = ("standing_office", "leader", "kinh_te")
STRANGERS = ("quang_ngai", "other_commune_office")


@pytest.fixture
def dien_quang(seeds):
    commune = seeds["dien-quang"]
    period_ensure(commune, "202506")
    return {
        "commune": commune,
        "plan": Plan.objects.get(commune=commune),
        "indicator": Indicator.objects.filter(commune=commune).first(),
        "task": Task.objects.filter(commune=commune).first(),
    }


def commune_urls(ctx) -> list[str]:
    base = "/api/v1/communes/dien-quang/"
    return [
        base,
        base + "units/",
        base + "plans/",
        base + f"plans/{ctx['plan'].pk}/",
        base + "indicator-groups/",
        base + "indicators/",
        base + f"indicators/{ctx['indicator'].pk}/",
        base + "targets/",
        base + "task-sections/",
        base + "tasks/",
        base + f"tasks/{ctx['task'].pk}/",
        base + "figures/?period=202506",
    ]


def member_urls() -> list[str]:
    base = "/api/v1/communes/dien-quang/"
    return [
        base + "schedule/",
        base + "periods/",
        base + "periods/202506/",
        base + "submissions/",
        base + "values/",
        base + "task-progress/",
    ]


@pytest.mark.parametrize("role", READERS)
def test_every_reader_of_the_commune_reads_its_plan(people, dien_quang, role):
    client = client_with_session(people[role])
    for url in commune_urls(dien_quang):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)


@pytest.mark.parametrize("role", STRANGERS)
def test_another_tenant_gets_404_everywhere_exactly_like_a_missing_commune(
    people, dien_quang, role
):
    client = client_with_session(people[role])
    for url in commune_urls(dien_quang) + member_urls():
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        missing = client.get(url.replace("dien-quang", "khong-co-xa-nay"))
        assert response.json() == missing.json()


@pytest.mark.parametrize("role", MEMBERS)
def test_members_read_the_reporting_endpoints(people, dien_quang, role):
    client = client_with_session(people[role])
    for url in member_urls():
        assert client.get(url).status_code == 200, url


def test_a_province_officer_reads_the_plan_and_figures_but_not_the_units_reports(
    people, dien_quang
):
    client = client_with_token(people["thanh_hoa"])
    for url in member_urls():
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "permission_denied"
    assert client.get("/api/v1/communes/dien-quang/figures/?period=202506").status_code == 200


def test_anonymous_requests_get_401_everywhere(db, dien_quang):
    from rest_framework.test import APIClient

    client = APIClient()
    for url in commune_urls(dien_quang) + member_urls() + ["/api/v1/notifications/"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["error"]["code"] == "not_authenticated"


def test_another_communes_objects_are_404_through_ones_own_commune(people, seeds):
    client = client_with_session(people["standing_office"])
    foreign_indicator = Indicator.objects.filter(commune=seeds["truong-giang"]).first()
    foreign_task = Task.objects.filter(commune=seeds["truong-giang"]).first()
    foreign_plan = Plan.objects.filter(commune=seeds["truong-giang"]).first()
    base = "/api/v1/communes/dien-quang/"
    for url in (
        f"{base}indicators/{foreign_indicator.pk}/",
        f"{base}tasks/{foreign_task.pk}/",
        f"{base}plans/{foreign_plan.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    # A filter naming another commune's plan matches nothing (and says nothing about it).
    response = client.get(f"{base}indicators/", {"plan": foreign_plan.pk})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_a_province_officers_read_only_token_lists_exactly_its_provinces_communes_and_cannot_write(
    people, seeds
):
    """The issue's acceptance test: the Thanh Hóa officer's token sees Điền Quang and An Nông."""
    client = client_with_token(people["thanh_hoa"], TokenScope.READ)
    response = client.get("/api/v1/communes/")
    assert response.status_code == 200
    codes = {commune["code"] for commune in response.json()["results"]}
    expected = set(
        Commune.objects.filter(province=seeds["dien-quang"].province).values_list("code", flat=True)
    )
    assert codes == expected == {"dien-quang", "an-nong"}
    assert response.json()["count"] == 2
    provinces = client.get("/api/v1/provinces/").json()["results"]
    assert [(p["code"], p["commune_count"]) for p in provinces] == [("38", 2)]
    assert client.get("/api/v1/communes/truong-giang/").status_code == 404

    # The same token cannot write: not the list, not a report, not a notification.
    assert client.post("/api/v1/communes/", {"code": "x"}, format="json").status_code == 403
    assert (
        client.post(
            "/api/v1/communes/dien-quang/submissions/",
            {"period": "202506", "unit": 1},
            format="json",
        ).status_code
        == 403
    )
    assert client.post("/api/v1/notifications/read/", {}, format="json").status_code == 403
    assert client.delete("/api/v1/communes/dien-quang/").status_code == 403
    # Even a read-and-write token of a province officer writes nothing: the role reads only.
    writer = client_with_token(people["thanh_hoa"], TokenScope.READ_WRITE)
    assert writer.post("/api/v1/communes/", {}, format="json").status_code == 405
    assert (
        writer.post(
            "/api/v1/communes/dien-quang/submissions/",
            {"period": "202506", "unit": 1},
            format="json",
        ).status_code
        == 403
    )


def test_commune_people_see_their_commune_and_an_administrator_sees_all(people, seeds):
    office = client_with_session(people["standing_office"]).get("/api/v1/communes/").json()
    assert [c["code"] for c in office["results"]] == ["dien-quang"]
    assert (
        client_with_session(people["standing_office"]).get("/api/v1/provinces/").json()["results"]
        == []
    )
    admin = person(Role.ADMINISTRATOR)
    everything = client_with_session(admin).get("/api/v1/communes/").json()
    assert {c["code"] for c in everything["results"]} >= {"dien-quang", "an-nong", "truong-giang"}


def test_filters_and_ordering_are_the_declared_ones(people, seeds):
    client = client_with_session(people["thanh_hoa"])
    base = "/api/v1/communes/an-nong/"
    plan = Plan.objects.get(commune=seeds["an-nong"], document_number__startswith="28")
    indicators = client.get(base + "indicators/", {"plan": plan.pk, "page_size": 200}).json()
    assert {row["plan"] for row in indicators["results"]} == {plan.pk}
    assert {"3a", "3b", "3c", "3d"} <= {row["code"] for row in indicators["results"]}
    ratio = next(row for row in indicators["results"] if row["code"] == "8")
    assert ratio["is_ratio"] and ratio["numerator_definition"] and ratio["lead_units"]
    by_code = client.get(base + "indicators/", {"code": "3a"}).json()["results"]
    assert [row["code"] for row in by_code] == ["3a"]
    descending = client.get(base + "tasks/", {"ordering": "-due_date", "page_size": 200}).json()
    dates = [row["due_date"] for row in descending["results"] if row["due_date"]]
    assert dates == sorted(dates, reverse=True)
    # An undeclared parameter is not a filter: it changes nothing.
    everything = client.get(base + "indicators/").json()["count"]
    assert (
        client.get(base + "indicators/", {"name__icontains": "zzz"}).json()["count"] == everything
    )
    bad = client.get(base + "indicators/", {"measure_kind": "nonsense"})
    assert bad.status_code == 400 and "measure_kind" in bad.json()["error"]["fields"]
    targets = client.get(base + "targets/", {"year": 2026, "page_size": 200}).json()["results"]
    assert targets and {row["year"] for row in targets} == {2026}


def test_pages_have_a_size_parameter_with_a_maximum(people, seeds):
    client = client_with_session(people["standing_office"])
    url = "/api/v1/communes/dien-quang/indicators/"
    first = client.get(url, {"page_size": 5}).json()
    assert first["count"] == 21 and len(first["results"]) == 5 and first["next"]
    second = client.get(url, {"page_size": 5, "page": 2}).json()
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}
    assert len(client.get(url, {"page_size": 100000}).json()["results"]) == 21  # capped at 200
    assert client.get(url, {"page": 99}).status_code == 404


# ---- query counts: the same number of queries whatever the page size


@pytest.fixture
def an_nong_reported(seeds):
    """An Nông's June 2026 reports: filled in, submitted, approved (one returned); the periods
    due opened by the nightly task (the API lists the periods that have their row)."""
    periods_open()
    return reports_approved(seeds["an-nong"], "202606")


# An Nông has the reports and most rows; Điền Quang has more indicator groups (5 against 1).
LIST_ENDPOINTS = [
    ("units/", {}),
    ("plans/", {}),
    ("indicator-groups/", {"commune": "dien-quang"}),
    ("indicators/", {}),
    ("targets/", {}),
    ("task-sections/", {}),
    ("tasks/", {}),
    ("schedule/", {}),
    ("periods/", {}),
    ("submissions/", {}),
    ("values/", {}),
    ("task-progress/", {}),
    ("figures/", {"period": "202606"}),
]


@pytest.mark.parametrize("path,params", LIST_ENDPOINTS, ids=[p for p, _ in LIST_ENDPOINTS])
def test_commune_lists_run_the_same_queries_for_any_page_size(
    an_nong_reported, seeds, path, params
):
    params = dict(params)
    code = params.pop("commune", "an-nong")
    office = person(Role.STANDING_OFFICE, commune=seeds[code])
    url = f"/api/v1/communes/{code}/{path}"
    large = 4 if path == "schedule/" else 50
    for client in (client_with_session(office), client_with_token(office)):
        count = assert_flat_query_count(client, url, large=large, **params)
        assert count <= 15, f"{url}: {count} queries"


def test_global_lists_run_the_same_queries_for_any_page_size(an_nong_reported, seeds):
    admin = person(Role.ADMINISTRATOR)
    client = client_with_token(admin)
    assert_flat_query_count(client, "/api/v1/provinces/", large=50)
    assert_flat_query_count(client, "/api/v1/communes/", large=50)
    clerk_unit = seeds["an-nong"].units.get(short_name="Trung tâm phục vụ hành chính công")
    clerk = person(Role.UNIT_STAFF, commune=seeds["an-nong"], unit=clerk_unit)
    from communes.models import Notification

    Notification.objects.bulk_create(
        Notification(user=clerk, commune=seeds["an-nong"], kind="test", title=f"Thông báo {n}")
        for n in range(5)
    )
    assert_flat_query_count(client_with_token(clerk), "/api/v1/notifications/", large=50)
