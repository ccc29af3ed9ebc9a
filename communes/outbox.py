"""The outbox the reminders and the push share: a row is recorded first, handed to the broker
after commit, claimed by the one delivery that sends it, and queued again by a sweep when the
broker lost it or the worker that claimed it died. What each row is (a mail, a post) and how it
is sent stay with its app; the bookkeeping is here once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

PENDING, SENDING = "pending", "sending"


class OutboxRow(models.Model):
    """The outbox's bookkeeping on a row whose `status` is pending, sending or final: the run
    that inserted it (rows another run inserted first keep that run's token: how each run finds
    exactly the rows that are its to send), the delivery that claimed it and when (a "sending"
    row older than the timeout belongs to a worker that died), and after when a row handed to
    the broker and still waiting is taken for lost and queued again (null: never handed, e.g.
    the broker was down)."""

    inserted_by = models.UUIDField(editable=False)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    requeue_after = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def outbox_claimable(rows: QuerySet, *, now) -> QuerySet:
    """Rows a delivery may claim: pending, or claimed longer ago than the timeout (the worker
    that claimed them died: killed, out of memory, its machine gone)."""
    stuck_since = now - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)
    return rows.filter(
        Q(status=PENDING)
        | Q(status=SENDING) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=stuck_since))
    )


def outbox_waiting(rows: QuerySet, *, now) -> QuerySet:
    """Rows due to be queued: claimable, and not handed to the broker or a retry lately."""
    return outbox_claimable(rows, now=now).filter(
        Q(requeue_after__isnull=True) | Q(requeue_after__lte=now)
    )


def outbox_queue(
    jobs: Iterable[tuple[Callable[[], object], list[int]]], *, rows: QuerySet, noun: str
) -> list[int]:
    """Hand each job (`send()`, the ids of the rows it carries) to the broker; the ids handed.

    The rows are committed already: a broker that refuses (Redis down) is logged and the rest
    is left to the sweep, so neither a daily run nor a web request fails for it. The rows handed
    and still waiting are stamped with the time after which the sweep takes them for lost."""
    jobs = list(jobs)
    total = sum(len(ids) for _send, ids in jobs)
    queued: list[int] = []
    for send, ids in jobs:
        try:
            send()
        except Exception as error:  # the broker's errors vary by transport and client
            logger.warning(
                "Queue unreachable (%s: %s): %s %s recorded and left for the sweep",
                type(error).__name__,
                error,
                total - len(queued),
                noun,
            )
            break
        queued.extend(ids)
    if queued:
        now = timezone.now()
        # Only rows still waiting: not one a worker has claimed meanwhile, nor over the later
        # time a failed attempt set (its retry is on its way).
        outbox_waiting(rows.filter(_ids_q(queued)), now=now).update(
            requeue_after=now + timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)
        )
    return queued


def _ids_q(ids: list[int]) -> Q:
    """`pk__in=ids`, said as ranges when the ids come in runs, as a daily run's rows do (one
    range for 190,000 reminders instead of a list of 190,000 numbers to send)."""
    ordered = sorted(set(ids))
    ranges, start = [], 0
    for index in range(1, len(ordered) + 1):
        if index == len(ordered) or ordered[index] != ordered[index - 1] + 1:
            ranges.append((ordered[start], ordered[index - 1]))
            start = index
    if len(ranges) > 50:
        return Q(pk__in=ordered)
    condition = Q()
    for first, last in ranges:
        condition |= Q(pk__range=(first, last))
    return condition
