"""Writes of the push: the province's endpoint, and each approved period recorded then delivered.

`push_period_record` runs inside `period_close`'s transaction (through
`reporting.signals.period_closed`): it inserts the period's delivery with ON CONFLICT DO
NOTHING under its unique key (commune, period, revision) and queues it after commit. The rows
are an outbox, the reminders' design (`reminders/services.py`): a broker that cannot take them
is logged, not raised; `push_sweep` (beat every 5 minutes) queues again the rows the broker
never took or lost, and those a dead worker left "sending". A delivery claims its row (pending →
sending) before it posts, so a row queued twice is posted once; a worker that dies after the
receiver took the body and before the row says "delivered" costs one repeat of the same body
with the same `Idempotency-Key`, which the receiver drops.

Failures: a timeout, a refused connection, 5xx, 408 and 429 are retried with exponential backoff
(`PUSH_RETRY_BASE_SECONDS` doubling, at most `PUSH_RETRY_MAX_SECONDS`, `PUSH_MAX_ATTEMPTS` in all);
any other 4xx (a wrong signature: 401) fails for good at once. The token is never logged.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from communes.audit import audit_record
from communes.models import AuditAction, Province
from push.models import PushDelivery, PushEndpoint, PushStatus
from push.payload import KEY_HEADER, SIGNATURE_HEADER, push_body, push_payload, push_signature
from reporting.models import ReportingPeriod

logger = logging.getLogger(__name__)

PUSH_TIMEOUT_SECONDS = 10
RETRYABLE_STATUSES = {408, 429}  # and every 5xx


class TransientPushError(Exception):
    """The receiver could not take the body now: try again after `delay` seconds."""

    def __init__(self, message: str, *, delay: int):
        super().__init__(message)
        self.delay = delay


def push_endpoint_save(
    *, actor, province: Province, url: str, token: str, is_active: bool
) -> PushEndpoint:
    """Set the province's endpoint; an empty `token` keeps the current one. The audit row says
    the token changed, never what it is."""
    with transaction.atomic():
        endpoint = PushEndpoint.objects.select_for_update().filter(province=province).first()
        created = endpoint is None
        endpoint = endpoint or PushEndpoint(province=province)
        old_url, old_active = endpoint.url, endpoint.is_active
        endpoint.url, endpoint.is_active, endpoint.updated_by = url, is_active, actor
        token_changed = bool(token) and token != endpoint.token
        if token_changed:
            endpoint.token = token
        endpoint.full_clean()
        endpoint.save()
        changes = [
            ("url", old_url, url),
            ("is_active", old_active, is_active),
        ]
        for field, old, new in changes:
            if created or old != new:
                audit_record(
                    actor=actor,
                    commune=None,
                    obj=endpoint,
                    action=AuditAction.CREATE if created else AuditAction.UPDATE,
                    field=field,
                    old=None if created else old,
                    new=new,
                )
        if token_changed:
            audit_record(actor=actor, commune=None, obj=endpoint, field="token", new="••••")
    return endpoint


def push_period_record(*, period: ReportingPeriod) -> PushDelivery | None:
    """Record the push of a period just closed (inside the close's transaction) and queue it on
    commit; None when the province pushes nowhere."""
    commune = period.commune
    endpoint = PushEndpoint.objects.filter(province_id=commune.province_id, is_active=True).first()
    if endpoint is None:
        return None
    previous = PushDelivery.objects.filter(commune=commune, period_code=period.code).aggregate(
        last=Max("revision")
    )["last"]
    revision = (previous or 0) + 1
    token = uuid.uuid4()
    body = push_body(push_payload(period=period, revision=revision))
    PushDelivery.objects.bulk_create(
        [
            PushDelivery(
                province_id=commune.province_id,
                commune=commune,
                period=period,
                period_code=period.code,
                revision=revision,
                body=body,
                inserted_by=token,
            )
        ],
        ignore_conflicts=True,
    )
    delivery = PushDelivery.objects.filter(inserted_by=token).first()
    if delivery is not None:
        transaction.on_commit(lambda: _deliveries_queue([delivery.pk]))
    return delivery


def push_dry_run(*, period: ReportingPeriod) -> str:
    """The body the next close of this period would send, as it would be sent; nothing is
    written, queued or sent."""
    previous = PushDelivery.objects.filter(
        commune_id=period.commune_id, period_code=period.code
    ).aggregate(last=Max("revision"))["last"]
    return push_body(push_payload(period=period, revision=(previous or 0) + 1))


def _deliveries_queue(ids: list[int]) -> int:
    """Queue the deliveries; the rows are committed already, so a broker that refuses is logged
    and the rest is left to the sweep."""
    from push.tasks import push_deliver_task

    queued = []
    for pk in ids:
        try:
            push_deliver_task.delay(pk)
        except Exception as error:  # the broker's errors vary by transport and client
            logger.warning(
                "Queue unreachable (%s: %s): %s pushes recorded and left for the sweep",
                type(error).__name__,
                error,
                len(ids) - len(queued),
            )
            break
        queued.append(pk)
    if queued:
        now = timezone.now()
        _waiting(PushDelivery.objects.filter(pk__in=queued), now=now).update(
            requeue_after=now + timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)
        )
    return len(queued)


def _claimable(rows, *, now):
    stuck_since = now - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)
    return rows.filter(
        Q(status=PushStatus.PENDING)
        | Q(status=PushStatus.SENDING)
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=stuck_since))
    )


def _waiting(rows, *, now):
    return _claimable(rows, now=now).filter(
        Q(requeue_after__isnull=True) | Q(requeue_after__lte=now)
    )


@dataclass(frozen=True)
class SweepResult:
    waiting: int
    queued: int


def push_sweep() -> SweepResult:
    """Queue again the pushes the broker never took or lost, and those a dead worker left
    "sending"; a delivery claims its row, so a row queued twice is posted once."""
    since = timezone.now() - timedelta(days=settings.OUTBOX_SWEEP_DAYS)
    ids = list(
        _waiting(PushDelivery.objects.filter(created_at__gte=since), now=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return SweepResult(waiting=0, queued=0)
    queued = _deliveries_queue(ids)
    logger.info("Push sweep: %s waiting, %s queued again", len(ids), queued)
    return SweepResult(waiting=len(ids), queued=queued)


def _claim(delivery_id: int) -> uuid.UUID | None:
    claim, now = uuid.uuid4(), timezone.now()
    claimed = _claimable(PushDelivery.objects.filter(pk=delivery_id), now=now).update(
        status=PushStatus.SENDING,
        claim=claim,
        claimed_at=now,
        requeue_after=None,
        next_attempt_at=None,
        attempts=F("attempts") + 1,
    )
    return claim if claimed else None


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` attempts: doubling from the base."""
    return min(
        settings.PUSH_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
        settings.PUSH_RETRY_MAX_SECONDS,
    )


def _post(url: str, *, body: bytes, headers: dict[str, str]) -> int:
    """POST the body; the HTTP status (4xx and 5xx included). Network errors raise OSError."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=PUSH_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def push_deliver(*, delivery_id: int) -> str:
    """Post one recorded push unless it is delivered, failed, or being posted by another worker.

    A retryable failure puts the row back to pending with its next attempt's time and raises
    `TransientPushError` (the task retries after its delay); the last attempt, or a refusal
    (4xx), is recorded as failed."""
    claim = _claim(delivery_id)
    if claim is None:
        return "skipped"
    claimed = PushDelivery.objects.filter(pk=delivery_id, claim=claim)
    delivery = claimed.select_related("commune").first()
    if delivery is None:  # another worker took it over since (its claim timed out)
        return "skipped"
    endpoint = PushEndpoint.objects.filter(province_id=delivery.province_id).first()
    if endpoint is None or not endpoint.is_active:
        claimed.update(status=PushStatus.FAILED, error="The province pushes nowhere any more.")
        return PushStatus.FAILED
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "commune-kpi-portal/push",
        SIGNATURE_HEADER: push_signature(
            token=endpoint.token, timestamp=int(time.time()), body=body
        ),
        KEY_HEADER: delivery.key,
    }
    status_code, error = None, ""
    try:
        status_code = _post(endpoint.url, body=body, headers=headers)
    except (OSError, ValueError) as exc:  # refused, reset, timed out, DNS; a malformed URL
        error = f"{type(exc).__name__}: {exc}"[:2000]
    if status_code is not None and 200 <= status_code < 300:
        claimed.update(
            status=PushStatus.DELIVERED,
            status_code=status_code,
            delivered_at=timezone.now(),
            error="",
        )
        return PushStatus.DELIVERED
    if status_code is not None:
        error = f"HTTP {status_code}"
    retryable = status_code is None or status_code >= 500 or status_code in RETRYABLE_STATUSES
    if retryable and delivery.attempts < settings.PUSH_MAX_ATTEMPTS:
        delay = retry_delay(delivery.attempts)
        next_at = timezone.now() + timedelta(seconds=delay)
        claimed.update(
            status=PushStatus.PENDING,
            status_code=status_code,
            error=error,
            claim=None,
            next_attempt_at=next_at,
            # The sweep leaves it to its retry, and takes it for lost once well past it.
            requeue_after=next_at + timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS),
        )
        raise TransientPushError(error, delay=delay)
    logger.warning(
        "Push %s to province %s failed for good: %s", delivery.key, delivery.province_id, error
    )
    claimed.update(status=PushStatus.FAILED, status_code=status_code, error=error)
    return PushStatus.FAILED
