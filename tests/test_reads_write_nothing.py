"""A GET writes nothing: every route of the resolver, read by each role of a commune.

Pages and API reads show what exists; a period nobody has written to yet is shown as not started
(`reporting.selectors.periods_due`) and gets its row from the first write or the nightly
`reporting.periods_open`. The only rows a read may touch are the session's (its idle clock).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reporting.models import ReportingPeriod, Submission
from reporting.periods import PeriodKind, period_containing
from tests.routes import World, routes

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# The session's row: the idle clock and the login's own keys, not the portal's data.
ALLOWED_TABLES = ("django_session",)


def _writes(queries) -> list[str]:
    return [
        query["sql"][:160]
        for query in queries
        if WRITE.match(query["sql"]) and not any(t in query["sql"] for t in ALLOWED_TABLES)
    ]


@pytest.mark.parametrize(
    "role",
    [
        "kinh_te",
        "standing_office",
        "leader",
        "thanh_hoa",
        "inspector",
        "inspector_thanh_hoa",
    ],
)
def test_no_get_of_a_commune_writes_a_row(client, people, inspectors, seeds, role, capsys):
    commune = seeds["dien-quang"]
    own = World(commune)
    # A period due that nobody has opened: its pages must read it without creating it.
    this_month = period_containing(PeriodKind.MONTH, timezone.localdate()).code
    ReportingPeriod.objects.filter(commune=commune, code=this_month).delete()
    periods_before = ReportingPeriod.objects.count()
    submissions_before = Submission.objects.count()
    client.force_login({**people, **inspectors}[role])
    problems, read = [], 0
    for route in routes(with_parameters_only=False):
        values = {p: own.value(route, p) for p in route.parameters}
        codes = [own.period.code, this_month] if "period_code" in route.parameters else [None]
        for code in codes:
            if code is not None:
                values["period_code"] = code
            url = route.url(values)
            with CaptureQueriesContext(connection) as queries:
                answer = client.get(url)
            read += answer.status_code == 200
            if writes := _writes(queries.captured_queries):
                problems.append(f"GET {url} ({answer.status_code}): {writes}")
    with capsys.disabled():
        print(f"\n{role}: {read} pages read (200), {len(problems)} wrote")
    assert read > 30
    assert problems == [], "\n".join(problems)
    assert ReportingPeriod.objects.count() == periods_before
    assert Submission.objects.count() == submissions_before
    assert not ReportingPeriod.objects.filter(commune=commune, code=this_month).exists()
