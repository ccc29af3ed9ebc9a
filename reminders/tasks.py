"""Celery tasks of the reminders: thin, named, idempotent; the work is in `reminders.services`.

Beat sends `reminders.daily` at 07:00 Asia/Ho_Chi_Minh (`config/celery.py`). It fans out one
`reminders.communes` task per batch of communes; each records its reminders (once: the unique
key) and queues one `reminders.deliver` per batch of mails and one `reminders.digest` per batch
of people who asked for a daily summary (`reminders.services.DELIVERY_BATCH`), each mailed over
one SMTP connection. A second beat, a redelivered message or a rerun finds the rows
already there and sends nothing again. `reminders.sweep` (beat, every 5 minutes) queues again
what the broker lost or a dead worker left (`reminders.services.reminders_sweep`).

No task's result is read: none is stored, so a result store that is down cannot stop a queueing.
"""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from communes.models import Commune
from reminders.services import (
    MAIL_RETRY_BACKOFF_MAX,
    TransientDeliveryError,
    deliveries_run,
    reminder_deliver,
    reminders_digest_deliver,
    reminders_send,
    reminders_sweep,
)

logger = logging.getLogger(__name__)

COMMUNES_PER_TASK = getattr(settings, "REMINDERS_COMMUNES_PER_TASK", 300)
# Retries of a mail the server could not take: after about 1, 2, 4, 8, 16 and 32 minutes
# (randomised so that a recovering server is not hit by every retry at once).
MAIL_RETRIES = 6
_mail_retry = dict(
    bind=True,
    autoretry_for=(TransientDeliveryError,),
    retry_backoff=60,
    retry_backoff_max=MAIL_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAIL_RETRIES,
    soft_time_limit=60,
    time_limit=90,  # well below settings.OUTBOX_SENDING_TIMEOUT: a live claim is never taken
    ignore_result=True,
)
# A batch of mails (reminders.services.DELIVERY_BATCH): each row's claim lasts one mail, so the
# batch may run longer than one mail's limit and still stays under OUTBOX_SENDING_TIMEOUT.
_batch_retry = {**_mail_retry, "soft_time_limit": 6 * 60, "time_limit": 7 * 60}


@shared_task(
    name="reminders.daily", soft_time_limit=10 * 60, time_limit=11 * 60, ignore_result=True
)
def reminders_daily_task(on: str | None = None) -> int:
    """The day's reminders for every commune, in batches; returns the number of batches.

    A batch the broker cannot take (it went down during the run) is recorded here instead: its
    mails then wait in the database for the sweep, rather than the day being lost.
    """
    day = date.fromisoformat(on) if on else timezone.localdate()
    ids = list(Commune.objects.order_by("pk").values_list("pk", flat=True))
    batches = [
        ids[start : start + COMMUNES_PER_TASK] for start in range(0, len(ids), COMMUNES_PER_TASK)
    ]
    for batch in batches:
        try:
            reminders_communes_task.delay(day.isoformat(), batch)
        except Exception as error:  # the broker's errors vary by transport and client
            logger.warning(
                "Queue unreachable (%s: %s): recording %s communes' reminders in this task",
                type(error).__name__,
                error,
                len(batch),
            )
            reminders_send(on=day, commune_ids=batch)
    return len(batches)


@shared_task(
    name="reminders.communes", soft_time_limit=10 * 60, time_limit=11 * 60, ignore_result=True
)
def reminders_communes_task(on: str, commune_ids: list[int]) -> int:
    """Record and queue the reminders of some communes for a day; returns how many were new."""
    result = reminders_send(on=date.fromisoformat(on), commune_ids=commune_ids)
    return len(result.inserted)


@shared_task(name="reminders.sweep", soft_time_limit=2 * 60, time_limit=3 * 60, ignore_result=True)
def reminders_sweep_task() -> int:
    """Queue again the reminders left waiting or stuck; returns how many were queued."""
    return reminders_sweep().queued


def _attempts(task, deliver) -> str:
    """Deliver; a transient failure is retried by Celery with backoff (autoretry_for). Run in
    process (no REDIS_URL, tests) there is no worker to retry later, so the retries run now."""
    retries = task.request.retries
    while True:
        try:
            return deliver(final_attempt=retries >= task.max_retries)
        except TransientDeliveryError:
            if not task.request.is_eager:
                raise
            retries += 1


def _batch(task, deliver, ids: list[int]) -> dict[str, int]:
    """One attempt at each delivery of a batch; one that failed for now goes on alone to the
    usual retries with backoff, counted from its second attempt (run at once in process, where
    no worker retries later); the rest of a stopped batch as a new batch. A broker that refuses
    them leaves the rows waiting for the sweep."""

    def queue(*args, **options):
        try:
            task.apply_async(args, countdown=task.retry_backoff, **options)
        except Exception as error:  # the broker's errors vary by transport and client
            logger.warning(
                "Queue unreachable (%s: %s): left for the sweep", type(error).__name__, error
            )

    result = deliveries_run(deliver, ids, retry=lambda item_id: queue(item_id, retries=1))
    if result.left:
        queue(result.left)
    return {**result.outcomes, "retry": len(result.retry), "left": len(result.left)}


@shared_task(name="reminders.deliver", **_batch_retry)
def reminder_deliver_task(self, reminder_ids: int | list[int]) -> str | dict[str, int]:
    """Mail a batch of reminders, or one (its retries, or a message queued before batching)."""
    if isinstance(reminder_ids, list):
        return _batch(
            self, lambda pk, **options: reminder_deliver(reminder_id=pk, **options), reminder_ids
        )
    return _attempts(
        self,
        lambda final_attempt: reminder_deliver(
            reminder_id=reminder_ids, final_attempt=final_attempt
        ),
    )


@shared_task(name="reminders.digest", **_batch_retry)
def reminders_digest_task(self, user_ids: int | list[int]) -> str | dict[str, int]:
    """Mail the daily summary of a batch of readers, or of one (its retries, or a message
    queued before batching)."""
    if isinstance(user_ids, list):
        return _batch(
            self, lambda pk, **options: reminders_digest_deliver(user_id=pk, **options), user_ids
        )
    return _attempts(
        self,
        lambda final_attempt: reminders_digest_deliver(
            user_id=user_ids, final_attempt=final_attempt
        ),
    )
