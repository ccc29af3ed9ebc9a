"""The push of an approved period to the province's system, against a receiving test server.

In process (tests run Celery tasks eagerly): a retry runs at once instead of after its delay,
so each test sees the whole life of a delivery. The worker on Redis is in test_push_worker.py.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from communes.models import AuditEntry, Role
from push.models import PushDelivery, PushEndpoint, PushStatus
from push.payload import push_signature, push_signature_valid
from push.services import push_sweep, retry_delay
from reporting.selectors import commune_figures
from reporting.services import period_close, period_reopen
from tests.conftest import person
from tests.push.conftest import TOKEN, endpoint_for, one_report_approved
from tests.push.receiver import Receiver
from tests.queries import assert_flat, queries_of_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def dien_quang(seeds):
    return seeds["dien-quang"]


def _close(client, commune, period, office, capture):
    """The standing office closes the period from its page, confirmed, as in the browser."""
    client.force_login(office)
    with capture(execute=True):
        answer = client.post(
            reverse("reporting:period_close", args=[commune.code, period.code]), {"confirmed": "1"}
        )
    assert answer.status_code == 302
    period.refresh_from_db()
    assert period.is_closed


def test_closing_a_period_pushes_its_figures_and_task_states_once_signed(
    client, dien_quang, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(dien_quang.province, receiver.url)
    period = one_report_approved(dien_quang, "2025")
    office = person(Role.STANDING_OFFICE, commune=dien_quang)
    _close(client, dien_quang, period, office, django_capture_on_commit_callbacks)

    assert receiver.requests == 1 and receiver.refused == 0
    key = f"dien-quang:{period.code}:1"
    assert list(receiver.taken) == [key]
    body = receiver.taken[key]
    assert (body["version"], body["revision"], body["event"]) == (1, 1, "period.approved")
    assert body["commune"]["code"] == "dien-quang" and body["province"]["code"] == "38"
    assert body["period"]["code"] == "2025" and body["period"]["closed_at"]
    # The figures are the API's figures resource for the period, decimals as strings.
    expected = commune_figures(dien_quang, period)
    assert expected and len(body["figures"]) == len(expected)
    api = client.get(
        reverse("api:commune_figures", args=[dien_quang.code]), {"period": period.code}
    ).json()
    assert body["figures"] == api["results"]
    first = body["figures"][0]
    figure = expected[first["indicator"]]
    assert Decimal(first["value"]) == figure.value.quantize(Decimal("0.0001"))
    assert set(first) == {
        "indicator", "code", "name", "measure_kind", "value", "numerator", "denominator",
        "is_done", "text", "units",
    }  # fmt: skip
    # Every task in force with its state at the end of the period (Appendix II's states).
    assert body["tasks"] and {task["state"] for task in body["tasks"]} <= {
        "done", "done_late", "in_progress", "overdue", "not_started", "cancelled",
    }  # fmt: skip
    assert any(task["percent"] == 40 for task in body["tasks"])  # the approved progress

    delivery = PushDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at and delivery.error == ""
    # Nothing is posted twice: the sweep and a repeated delivery find nothing to do.
    assert push_sweep().waiting == 0
    from push.tasks import push_deliver_task

    assert push_deliver_task.delay(delivery.pk).get() == "skipped"
    assert receiver.requests == 1


def test_a_receiver_that_fails_twice_gets_the_body_on_the_third_attempt(
    dien_quang, django_capture_on_commit_callbacks
):
    receiver = Receiver(TOKEN, fail_first=2)
    try:
        endpoint_for(dien_quang.province, receiver.url)
        period = one_report_approved(dien_quang, "2025")
        with django_capture_on_commit_callbacks(execute=True):
            period_close(actor=None, period=period)
        assert (receiver.requests, receiver.failed, len(receiver.taken)) == (3, 2, 1)
        delivery = PushDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.status_code) == ("delivered", 3, 200)
        assert delivery.next_attempt_at is None and delivery.error == ""
    finally:
        receiver.close()
    # The waits double from the base (30 s in production), capped.
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(20) == 30 * 60


def test_a_failure_for_now_is_recorded_with_its_next_attempt(
    dien_quang, settings, django_capture_on_commit_callbacks
):
    receiver = Receiver(TOKEN, fail_first=99)
    settings.PUSH_MAX_ATTEMPTS = 3
    try:
        endpoint_for(dien_quang.province, receiver.url)
        period = one_report_approved(dien_quang, "2025")
        with django_capture_on_commit_callbacks(execute=True):
            period_close(actor=None, period=period)
    finally:
        receiver.close()
    delivery = PushDelivery.objects.get()
    # Three attempts, then failed for good: not retried forever.
    assert (delivery.status, delivery.attempts, delivery.status_code) == ("failed", 3, 503)
    assert delivery.error == "HTTP 503" and receiver.requests == 3


def test_a_body_signed_with_a_wrong_token_is_refused_and_failed_not_retried(
    client, dien_quang, receiver, caplog, django_capture_on_commit_callbacks
):
    wrong = "mot-token-khac-cua-ai-do-2026"
    endpoint_for(dien_quang.province, receiver.url, token=wrong)
    period = one_report_approved(dien_quang, "2025")
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        period_close(actor=None, period=period)
    assert (receiver.requests, receiver.refused, receiver.taken) == (1, 1, {})
    delivery = PushDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.status_code) == ("failed", 1, 401)
    assert delivery.error == "HTTP 401"
    assert push_sweep().waiting == 0  # a failed delivery is not queued again
    assert wrong not in caplog.text and TOKEN not in caplog.text
    # The province officer reads it in the log.
    client.force_login(person(Role.PROVINCE_OFFICER, province=dien_quang.province))
    page = client.get(reverse("push:deliveries", args=[dien_quang.province.code]))
    html = page.content.decode()
    assert page.status_code == 200 and "Lỗi" in html and "HTTP 401" in html


def test_a_reopened_and_closed_again_period_is_pushed_as_its_next_revision(
    dien_quang, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(dien_quang.province, receiver.url)
    period = one_report_approved(dien_quang, "2025")
    with django_capture_on_commit_callbacks(execute=True):
        period_close(actor=None, period=period)
    period_reopen(actor=None, period=period, reason="Bổ sung số liệu")
    with django_capture_on_commit_callbacks(execute=True):
        period_close(actor=None, period=period)
    assert sorted(receiver.taken) == ["dien-quang:2025:1", "dien-quang:2025:2"]
    assert [d.revision for d in PushDelivery.objects.order_by("revision")] == [1, 2]
    assert receiver.taken["dien-quang:2025:2"]["revision"] == 2


def test_no_endpoint_no_push_and_another_province_pushes_nothing_of_this_one(
    seeds, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(seeds["truong-giang"].province, receiver.url)  # Quảng Ngãi's endpoint only
    period = one_report_approved(seeds["dien-quang"], "2025")
    with django_capture_on_commit_callbacks(execute=True):
        period_close(actor=None, period=period)
    assert PushDelivery.objects.count() == 0 and receiver.requests == 0


def test_the_dry_run_shows_the_body_and_sends_nothing(client, dien_quang, receiver):
    endpoint_for(dien_quang.province, receiver.url)
    period = one_report_approved(dien_quang, "2025")
    client.force_login(person(Role.PROVINCE_OFFICER, province=dien_quang.province))
    page = client.get(
        reverse("push:dry_run", args=[dien_quang.province.code]),
        {"commune": "dien-quang", "period": "2025"},
    )
    assert page.status_code == 200
    body = json.loads(page.context["body"])
    assert body["key"] == "dien-quang:2025:1" and len(body["figures"]) == len(
        commune_figures(dien_quang, period)
    )
    assert "Không có gì được ghi nhận hay gửi đi" in page.content.decode()
    assert receiver.requests == 0 and PushDelivery.objects.count() == 0
    # A commune of another province is not among the choices, a missing period is a 404.
    assert (
        client.get(
            reverse("push:dry_run", args=[dien_quang.province.code]),
            {"commune": "truong-giang", "period": "2025"},
        ).status_code
        == 400
    )
    assert (
        client.get(
            reverse("push:dry_run", args=[dien_quang.province.code]),
            {"commune": "dien-quang", "period": "2031"},
        ).status_code
        == 404
    )


def test_the_settings_keep_the_token_secret(client, dien_quang):
    officer = person(Role.PROVINCE_OFFICER, province=dien_quang.province)
    client.force_login(officer)
    url = reverse("push:settings", args=[dien_quang.province.code])
    answer = client.post(url, {"url": "https://ioc.thanhhoa.gov.vn/kpi", "token": "ngan"})
    assert answer.status_code == 400 and PushEndpoint.objects.count() == 0
    answer = client.post(
        url, {"url": "https://ioc.thanhhoa.gov.vn/kpi", "token": TOKEN, "is_active": "on"}
    )
    assert answer.status_code == 302
    endpoint = PushEndpoint.objects.get()
    assert (endpoint.url, endpoint.token, endpoint.is_active) == (
        "https://ioc.thanhhoa.gov.vn/kpi",
        TOKEN,
        True,
    )
    html = client.get(url).content.decode()
    assert TOKEN not in html and "••••" + TOKEN[-4:] in html
    # An empty token keeps the current one; the audit trail never holds it.
    client.post(url, {"url": "https://ioc2.thanhhoa.gov.vn/kpi", "token": ""})
    endpoint.refresh_from_db()
    assert endpoint.token == TOKEN and not endpoint.is_active
    trail = " ".join(
        f"{entry.old_value} {entry.new_value}" for entry in AuditEntry.objects.filter(field="token")
    )
    assert trail and TOKEN not in trail


@pytest.mark.parametrize("role", ["standing_office", "leader", "kinh_te", "quang_ngai"])
def test_only_the_province_officers_reach_the_push_pages(client, people, role):
    client.force_login(people[role])
    for name in ("push:settings", "push:deliveries", "push:dry_run"):
        assert client.get(reverse(name, args=["38"])).status_code == 404


def test_the_signature_is_checked_as_the_readme_says():
    body = '{"a":"Điền Quang"}'.encode()
    now = int(timezone.now().timestamp())
    header = push_signature(token=TOKEN, timestamp=now, body=body)
    assert push_signature_valid(token=TOKEN, header=header, body=body, now=now)
    assert not push_signature_valid(token="khac" + TOKEN, header=header, body=body, now=now)
    assert not push_signature_valid(token=TOKEN, header=header, body=body + b" ", now=now)
    assert not push_signature_valid(token=TOKEN, header=header, body=body, now=now + 301)


def _deliveries(commune, count: int) -> None:
    period = one_report_approved(commune, "2025") if not PushDelivery.objects.exists() else None
    period = period or PushDelivery.objects.first().period
    start = PushDelivery.objects.count()
    PushDelivery.objects.bulk_create(
        PushDelivery(
            province=commune.province,
            commune=commune,
            period=period,
            period_code=period.code,
            revision=start + number + 1,
            body="{}",
            status=PushStatus.FAILED if number % 2 else PushStatus.DELIVERED,
            attempts=2,
            status_code=503,
            error="HTTP 503",
            inserted_by="00000000-0000-0000-0000-000000000000",
        )
        for number in range(count)
    )


def test_the_delivery_log_reads_the_same_queries_at_two_sizes(client, dien_quang):
    officer = person(Role.PROVINCE_OFFICER, province=dien_quang.province)
    client.force_login(officer)
    url = reverse("push:deliveries", args=[dien_quang.province.code])
    counts = []
    for size in (3, 40):
        _deliveries(dien_quang, size - PushDelivery.objects.count())
        client.get(url)  # the session warmed
        counts.append(queries_of_get(client, url))
        page = client.get(url)
        assert page.content.decode().count('data-testid="delivery-row"') == size
    assert_flat(counts[0], counts[1], "delivery log")
