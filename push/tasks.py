"""Celery tasks of the push: thin, named, idempotent; the work is in `push.services`.

`push.deliver` posts one recorded period (its row's claim makes a redelivered message a no-op)
and retries a retryable failure after the delay the service set (exponential backoff);
`push.sweep` (beat, every 5 minutes) queues again what the broker lost or a dead worker left.
"""

from __future__ import annotations

from celery import shared_task

from push.services import TransientPushError, push_deliver, push_sweep

# Attempts in a row when the task runs in process (a request waits for them).
EAGER_ATTEMPTS = 3


@shared_task(
    name="push.deliver",
    bind=True,
    max_retries=None,  # the row counts the attempts (settings.PUSH_MAX_ATTEMPTS)
    soft_time_limit=60,
    time_limit=90,  # well below settings.OUTBOX_SENDING_TIMEOUT: a live claim is never taken
    ignore_result=True,
)
def push_deliver_task(self, delivery_id: int) -> str:
    for _attempt in range(EAGER_ATTEMPTS):
        try:
            return push_deliver(delivery_id=delivery_id)
        except TransientPushError as error:
            if not self.request.is_eager:
                raise self.retry(countdown=error.delay, exc=error) from error
            # Run in process (no REDIS_URL, tests), no worker retries later: retry now, a few
            # times only, since the request that closed the period waits; the row stays pending
            # for the sweep after that.
    return "pending"


@shared_task(name="push.sweep", soft_time_limit=2 * 60, time_limit=3 * 60, ignore_result=True)
def push_sweep_task() -> int:
    return push_sweep().queued
