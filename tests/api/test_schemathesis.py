"""Schemathesis against /api/schema/ on the seeded database, with a token: no server error, no
response the schema does not describe (status code, content type, headers, body).

Every operation of the schema gets property-based requests through the WSGI application in
process: valid ones, invalid ones (negative mode), and valid ones aimed at real objects (An Nông,
its June 2026 reports), since generated commune codes and ids hardly ever name something that
exists. The token's owner is both the standing office of An Nông and staff of the unit whose report
was returned, with a read-and-write token, so that every action is reachable.

Schemathesis' pytest plugin (`from_fixture(...).parametrize()`) does not run under pytest 9
(it writes `Node._nodeid`), so the test drives its Python API with Hypothesis directly.
"""

from __future__ import annotations

import logging
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import TokenScope
from communes.models import Membership, Role
from config.wsgi import application
from reporting.models import Submission, SubmissionStatus
from tests.api.conftest import token_for
from tests.api.factories import reports_approved
from tests.conftest import person

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _quiet_request_log():
    """Thousands of expected 4xx answers would each log a warning."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def _connection_kept_between_requests():
    """The WSGI application closes the database connection after each request when it sees a
    transaction open (on PostgreSQL): that would close the test's own. Django's test client
    disconnects the same handlers for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_api(seeds, settings):
    settings.API_TOKEN_RATE = "1000000/minute"  # the throttle has its own test
    commune = seeds["an-nong"]
    reports_approved(commune, "202606")
    # The returned report is the one its unit may edit again: saves and submits get through.
    submission = Submission.objects.get(commune=commune, status=SubmissionStatus.RETURNED)
    user = person(Role.STANDING_OFFICE, commune=commune)
    Membership.objects.create(
        user=user, role=Role.UNIT_STAFF, commune=commune, unit=submission.unit
    )
    _row, secret = token_for(user, TokenScope.READ_WRITE)
    return {
        "headers": {"Authorization": f"Bearer {secret}"},
        "real": {
            "commune_code": "an-nong",
            "province_code": "38",
            "period_code": "202606",
            "id": submission.pk,
        },
    }


def _strategies(operation, real: dict):
    names = {p.name for p in operation.path_parameters}
    yield "positive", operation.as_strategy(GenerationMode.POSITIVE)
    yield "negative", operation.as_strategy(GenerationMode.NEGATIVE)
    if names:
        aimed = {name: real[name] for name in names if name in real}
        if "/notifications/" in operation.path:
            aimed.pop("id", None)  # a submission id means nothing there
        yield "real objects", operation.as_strategy(GenerationMode.POSITIVE, path_parameters=aimed)


def test_the_api_honours_its_schema(seeded_api):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    failures, statuses, operations = [], Counter(), 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for label, strategy in _strategies(operation, seeded_api["real"]):

            @EXAMPLES
            @given(case=strategy)
            def run(case):
                response = case.call_and_validate(headers=seeded_api["headers"], checks=CHECKS)
                statuses[response.status_code] += 1

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # collect every failure, then report
                failures.append(f"{operation.method.upper()} {operation.path} ({label}): {exc}")
    print(f"\nschemathesis: {operations} operations, responses by status {dict(statuses)}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
    assert statuses[200] > 0 and not any(code >= 500 for code in statuses)
