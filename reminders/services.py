"""Writes of the reminders: record the day's reminders once, then deliver them.

`reminders_send` inserts one `Reminder` row per (recipient, subject, step) with
ON CONFLICT DO NOTHING (`bulk_create(ignore_conflicts=True)`) and sends only the rows this run
inserted, found by the run's token. Two runs at once (a second beat, a retried task, the
command run by hand) both try to insert; the database keeps one row per key, and only the run
that inserted it sends it. Delivery claims a row (pending → sending) before mailing, so a
retried delivery never mails twice either.

The rows are an outbox: they are committed before anything is queued, and queued after commit.
A broker that cannot take them (Redis down) is logged, not raised; `reminders_sweep` (beat
every few minutes, and `send_reminders` at its start and end) queues again every row still
waiting, and every row left "sending" by a worker that died (its claim older than
`OUTBOX_SENDING_TIMEOUT` may be claimed again). A worker that dies after the mail server took
the mail and before the row says "sent" costs one duplicate mail, with the same Message-ID.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.audit import audit_record
from communes.models import Commune, Notification
from communes.outbox import outbox_claimable, outbox_queue, outbox_waiting
from reminders.messages import digest_subject, digest_text, mail_text, reminder_body, reminder_title
from reminders.models import (
    Reminder,
    ReminderChannel,
    ReminderPolicy,
    ReminderPreference,
    ReminderStatus,
    ReminderSubject,
)
from reminders.selectors import DueReminder, reminders_due
from reporting.models import ReportingPeriod

logger = logging.getLogger(__name__)

NOTIFICATION_KIND = "deadline_reminder"
RUN_ORDER = ("user", "subject_key", "step")  # the order rows are inserted in: `reminder_sent_once`
MAIL_TIMEOUT_SECONDS = 30
# Celery's backoff between retries of a mail the server could not take (reminders/tasks.py):
# a row waiting for its retry is not taken for lost before the longest wait has passed.
MAIL_RETRY_BACKOFF_MAX = 3600


class TransientDeliveryError(Exception):
    """The mail server could not take the mail now (connection, timeout, 4xx): try again later."""


@dataclass
class SendResult:
    due: list[DueReminder]
    inserted: set[tuple[int, str, int]] = field(default_factory=set)  # (user, key, step)

    def is_new(self, due: DueReminder) -> bool:
        return (due.recipient.user_id, due.subject_key, due.step) in self.inserted


def reminders_send(
    *,
    on: date,
    commune: Commune | None = None,
    commune_ids: list[int] | None = None,
    dry_run: bool = False,
) -> SendResult:
    """Record the reminders due on `on` and send those no earlier run recorded.

    With `dry_run`, nothing is written or sent: the result lists what is due.
    """
    ids = [commune.pk] if commune is not None else commune_ids
    due = reminders_due(on, commune_ids=ids)
    if dry_run or not due:
        return SendResult(due=due)
    # A rerun the same day writes nothing: what is recorded is left out before any row is
    # built. The insert still ignores conflicts, for two runs at once.
    recorded = _recorded(due, on)
    fresh = [d for d in due if (d.recipient.user_id, d.subject_key, d.step) not in recorded]
    if not fresh:
        return SendResult(due=due)
    token = uuid.uuid4()
    # One order for every run (RUN_ORDER), so two runs inserting the same keys wait on each
    # other instead of deadlocking.
    fresh.sort(key=lambda d: (d.recipient.user_id, d.subject_key, d.step))
    with transaction.atomic():
        _periods_create_missing(fresh)
        _reminders_insert(_reminder_rows(fresh, token))
        inserted = list(
            Reminder.objects.filter(inserted_by=token).values(
                "pk", "user_id", "subject_key", "step", "channel"
            )
        )
        _notifications_copy(token)
        transaction.on_commit(lambda: _deliveries_queue(inserted))
    return SendResult(
        due=due, inserted={(row["user_id"], row["subject_key"], row["step"]) for row in inserted}
    )


def _recorded(due: list[DueReminder], on: date) -> set[tuple[int, str, int]]:
    """The (user, subject key, step) of `due` that some run recorded already (`reminder_sent_once`).
    A step falls on one day, its subject's last day plus the step (the key holds the last day),
    so only rows of that day can match: read by the (commune, run date) index, in batches of
    communes. (Should one be missed, the insert ignores it: the unique key is the guarantee.)"""
    communes = sorted({item.commune.pk for item in due})
    recorded = set()
    for batch in _batches(communes, 500):
        recorded.update(
            Reminder.objects.filter(commune_id__in=batch, run_date=on).values_list(
                "user_id", "subject_key", "step"
            )
        )
    return recorded


def _reminder_rows(due: list[DueReminder], token: uuid.UUID) -> list[dict]:
    """The rows to record, as field values. The words of a subject at a step are the same for
    each of its recipients (a unit's staff, the standing office): written once for all."""
    words: dict[tuple, tuple[str, str, str]] = {}
    rows = []
    for item in due:
        key = (item.subject_key, item.step, item.audience)
        if key not in words:
            words[key] = (reminder_title(item)[:300], reminder_body(item), item.url)
        title, body, url = words[key]
        digest = item.recipient.digest
        rows.append(
            {
                "user_id": item.recipient.user_id,
                "commune_id": item.commune.pk,
                "subject_key": item.subject_key,
                "subject": item.subject,
                "audience": item.audience,
                "step": item.step,
                "due_date": item.last_day,
                "run_date": item.on,
                "period_code": item.period_code,
                "unit_id": item.unit_id,
                "task_id": item.task_id,
                "proposal_id": item.proposal_id,
                "title": title,
                "body": body,
                "url": url,
                "channel": ReminderChannel.DIGEST if digest else ReminderChannel.EMAIL,
                "inserted_by": token,
            }
        )
    return rows


def _reminders_insert(rows: list[dict]) -> None:
    """Insert the rows, skipping those another run inserted first (`reminder_sent_once`), in
    the run's order (`RUN_ORDER`, as the caller sorted them). On PostgreSQL they are copied
    (COPY) into a scratch table and moved in one INSERT … ON CONFLICT DO NOTHING: the busiest
    day's 190,000 rows are the daily run's largest cost, and bulk_create spent most of it
    preparing each value of each row in Python. Other databases take them by bulk_create."""
    if connection.vendor != "postgresql":
        Reminder.objects.bulk_create(
            [Reminder(**row) for row in rows], ignore_conflicts=True, batch_size=500
        )
        return
    qn = connection.ops.quote_name
    fields = [field for field in Reminder._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    fixed = {
        field.attname: now if field.attname == "created_at" else field.get_default()
        for field in fields
        if field.attname not in rows[0]
    }
    columns = ", ".join(qn(field.column) for field in fields)
    names = [field.attname for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE reminder_new ON COMMIT DROP AS SELECT "
            f"{columns} FROM {qn(Reminder._meta.db_table)} WITH NO DATA"
        )
        with cursor.copy(f"COPY reminder_new ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] if name in row else fixed[name] for name in names])
        # One order for every run: two runs at once wait on each other instead of deadlocking.
        order = ", ".join(qn(Reminder._meta.get_field(name).column) for name in RUN_ORDER)
        cursor.execute(
            f"INSERT INTO {qn(Reminder._meta.db_table)} ({columns}) SELECT {columns} "
            f"FROM reminder_new ORDER BY {order} ON CONFLICT DO NOTHING"
        )
        cursor.execute("DROP TABLE reminder_new")


def _notifications_copy(token: uuid.UUID) -> None:
    """Each reminder this run recorded also shows under the bell: the notices are copied from
    the reminder rows by the database in one statement, not built as objects (150,000 on the
    busiest day of the country)."""
    qn = connection.ops.quote_name

    def columns(model, names) -> str:
        return ", ".join(qn(model._meta.get_field(name).column) for name in names)

    copied = ("user", "commune", "title", "body", "url")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(Notification._meta.db_table)} "
            f"({columns(Notification, (*copied, 'kind', 'created_at'))}) "
            f"SELECT {columns(Reminder, copied)}, %s, %s FROM {qn(Reminder._meta.db_table)} "
            f"WHERE {columns(Reminder, ['inserted_by'])} = %s ORDER BY {columns(Reminder, ['id'])}",
            [
                NOTIFICATION_KIND,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                Reminder._meta.get_field("inserted_by").get_db_prep_value(token, connection),
            ],
        )


def _periods_create_missing(due: list[DueReminder]) -> None:
    """Give a period reminded about before anyone opened it its row, so the mailed link works."""
    missing = {
        (item.commune.pk, item.period_code): item
        for item in due
        if item.subject == ReminderSubject.REPORT and item.period_id is None
    }
    ReportingPeriod.objects.bulk_create(
        [
            ReportingPeriod(
                commune_id=commune_id,
                kind=item.period_kind,
                code=code,
                window_start=item.window[0],
                window_end=item.window[1],
                deadline=item.deadline,
            )
            for (commune_id, code), item in sorted(missing.items())
        ],
        ignore_conflicts=True,
        batch_size=500,
    )


# Deliveries per Celery message: one broker round trip per batch, not per mail (150,000
# reminders a day at national scale), and a worker mails a batch over one SMTP connection.
DELIVERY_BATCH = 200


def _deliveries_queue(rows: list[dict]) -> int:
    """Queue the mails in batches of ids and the summaries in batches of their readers; return
    how many rows went.

    The rows are committed already: a broker that refuses (Redis down) is logged and the rest
    is left to the sweep, so neither the daily run nor a web request fails for it.
    """
    from reminders.tasks import reminder_deliver_task, reminders_digest_task

    mails = [row["pk"] for row in rows if row["channel"] != ReminderChannel.DIGEST]
    digests: dict[int, list[int]] = {}
    for row in rows:
        if row["channel"] == ReminderChannel.DIGEST:
            digests.setdefault(row["user_id"], []).append(row["pk"])
    readers = sorted(digests)
    jobs = [(reminder_deliver_task, batch, batch) for batch in _batches(mails, DELIVERY_BATCH)] + [
        (reminders_digest_task, batch, [pk for user_id in batch for pk in digests[user_id]])
        for batch in _batches(readers, DELIVERY_BATCH)
    ]
    queued = outbox_queue(
        [(partial(task.delay, argument), pks) for task, argument, pks in jobs],
        rows=Reminder.objects.all(),
        noun="reminders",
    )
    return len(queued)


def _batches(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@dataclass(frozen=True)
class SweepResult:
    waiting: int  # rows pending or stuck in sending that were due to be queued again
    queued: int  # of them, how many the broker took

    @property
    def left(self) -> int:
        return self.waiting - self.queued


def reminders_sweep() -> SweepResult:
    """Queue again the recent reminders the broker never took or lost, and those a dead worker
    left "sending"; deliveries claim their rows, so a row queued twice is still mailed once."""
    since = timezone.localdate() - timedelta(days=settings.OUTBOX_SWEEP_DAYS)
    rows = list(
        outbox_waiting(Reminder.objects.filter(run_date__gte=since), now=timezone.now())
        .order_by("pk")
        .values("pk", "user_id", "channel")
    )
    if not rows:
        return SweepResult(waiting=0, queued=0)
    queued = _deliveries_queue(rows)
    logger.info("Reminder sweep: %s waiting, %s queued again", len(rows), queued)
    return SweepResult(waiting=len(rows), queued=queued)


def _is_transient(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPException):
        return False
    return isinstance(error, OSError)  # refused, reset, timed out, DNS failure


def reminder_message_id(keys: list[str]) -> str:
    """The Message-ID of the mail of these reminder keys: the same for a mail sent again after a
    worker died between sending and recording, so that mail programs can show it once."""
    digest = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:40]
    domain = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"<reminder.{digest}@{domain}>"


def _reminder_key(reminder: Reminder) -> str:
    return f"{reminder.user_id}:{reminder.subject_key}:{reminder.step}"


def mail_connection():
    """A connection to the mail server, opened by the first mail sent over it."""
    return get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or MAIL_TIMEOUT_SECONDS)


def _mail(*, subject: str, text: str, to: str, message_id: str, connection=None) -> None:
    connection = connection or mail_connection()
    EmailMessage(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        connection=connection,
        headers={"Message-ID": message_id},
    ).send()


def _claim(rows) -> uuid.UUID | None:
    claim = uuid.uuid4()
    now = timezone.now()
    claimed = outbox_claimable(rows, now=now).update(
        status=ReminderStatus.SENDING,
        claim=claim,
        claimed_at=now,
        requeue_after=None,  # the message arrived; from now on the claim's age tells
        attempts=F("attempts") + 1,
    )
    return claim if claimed else None


def _deliver(
    claimed,
    *,
    subject: str,
    text: str,
    to: str,
    message_id: str,
    final_attempt: bool,
    connection=None,
) -> str:
    """Mail the claimed rows; record the outcome on them."""
    if not to:
        claimed.update(
            status=ReminderStatus.FAILED, error=_("The recipient has no e-mail address.")
        )
        return ReminderStatus.FAILED
    if settings.NO_MAIL:
        # An installation without mail (NO_MAIL): the reminder is recorded as not sent, never
        # as sent; the bell still shows it in the portal.
        claimed.update(
            status=ReminderStatus.FAILED, error=_("Not sent: this portal runs without mail.")
        )
        return ReminderStatus.FAILED
    try:
        _mail(subject=subject, text=text, to=to, message_id=message_id, connection=connection)
    except Exception as error:
        if connection is not None:
            connection.close()  # opened again by the next mail: a broken one is not reused
        message = f"{type(error).__name__}: {error}"[:2000]
        if _is_transient(error) and not final_attempt:
            # Celery retries it within the backoff; the sweep leaves it alone until then.
            retry_by = timezone.now() + timedelta(
                seconds=MAIL_RETRY_BACKOFF_MAX + settings.OUTBOX_REQUEUE_SECONDS
            )
            claimed.update(
                status=ReminderStatus.PENDING, claim=None, error=message, requeue_after=retry_by
            )
            raise TransientDeliveryError(message) from error
        logger.warning("Reminder mail to %s failed for good: %s", to, message)
        claimed.update(status=ReminderStatus.FAILED, error=message)
        return ReminderStatus.FAILED
    claimed.update(status=ReminderStatus.SENT, sent_at=timezone.now(), error="")
    return ReminderStatus.SENT


def reminder_deliver(*, reminder_id: int, final_attempt: bool = False, connection=None) -> str:
    """Mail one reminder unless it was mailed, is being mailed, or goes in the daily summary.

    A transient failure puts the row back to pending and raises `TransientDeliveryError` (the
    task retries it); a permanent one, or a transient one on the final attempt, is recorded.
    """
    rows = Reminder.objects.filter(pk=reminder_id, channel=ReminderChannel.EMAIL)
    claim = _claim(rows)
    if claim is None:
        return "skipped"
    claimed = Reminder.objects.filter(pk=reminder_id, claim=claim)
    reminder = claimed.select_related("user").first()
    user = reminder.user
    return _deliver(
        claimed,
        subject=reminder.title,
        text=mail_text(name=str(user), body=reminder.body, url=reminder.url),
        to=user.email,
        message_id=reminder_message_id([_reminder_key(reminder)]),
        final_attempt=final_attempt,
        connection=connection,
    )


def reminders_digest_deliver(*, user_id: int, final_attempt: bool = False, connection=None) -> str:
    """Mail one summary of a person's pending digest reminders (every day not yet mailed)."""
    rows = Reminder.objects.filter(user_id=user_id, channel=ReminderChannel.DIGEST)
    claim = _claim(rows)
    if claim is None:
        return "skipped"
    claimed = Reminder.objects.filter(claim=claim)
    reminders = list(
        claimed.select_related("user", "commune").order_by(
            "run_date", "commune__name", "due_date", "id"
        )
    )
    user = reminders[0].user
    return _deliver(
        claimed,
        subject=digest_subject(len(reminders), max(r.run_date for r in reminders)),
        text=digest_text(name=str(user), items=[(r.title, r.body, r.url) for r in reminders]),
        to=user.email,
        message_id=reminder_message_id(["digest"] + [_reminder_key(r) for r in reminders]),
        final_attempt=final_attempt,
        connection=connection,
    )


# Transient failures in a row after which a batch stops: the server is down for the rest too,
# and each further mail would wait for its timeout.
TRANSIENT_FAILURES_BEFORE_STOP = 5


@dataclass
class BatchResult:
    outcomes: dict[str, int] = field(default_factory=dict)  # sent, failed, skipped: how many
    retry: list[int] = field(default_factory=list)  # failed for now: each retried on its own
    left: list[int] = field(default_factory=list)  # not tried: the batch stopped before them


def deliveries_run(deliver, ids: list[int], *, retry) -> BatchResult:
    """Deliver a batch (`deliver`: `reminder_deliver` by reminder id, `reminders_digest_deliver`
    by reader id) over one mail connection, one attempt each.

    Each row is claimed as it is mailed, so a batch queued twice mails none twice. A transient
    failure leaves its row waiting and hands its id to `retry` at once (a delivery of its own,
    with the usual backoff); after a few in a row the batch stops and lists the rest in `left`.
    """
    result = BatchResult()
    in_a_row = 0
    connection = mail_connection()
    try:
        for position, item_id in enumerate(ids):
            try:
                outcome = deliver(item_id, final_attempt=False, connection=connection)
            except TransientDeliveryError:
                result.retry.append(item_id)
                retry(item_id)
                in_a_row += 1
                if in_a_row >= TRANSIENT_FAILURES_BEFORE_STOP:
                    result.left = ids[position + 1 :]
                    break
                continue
            in_a_row = 0
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
    finally:
        connection.close()
    return result


@transaction.atomic
def reminder_policy_save(
    *,
    actor,
    commune: Commune,
    steps: list[int],
    office_from_step: int,
    leader_from_step: int,
    is_active: bool,
) -> ReminderPolicy:
    policy = ReminderPolicy.objects.filter(commune=commune).first() or ReminderPolicy.default_for(
        commune
    )
    before = {
        "is_active": policy.is_active,
        "steps": list(policy.steps),
        "office_from_step": policy.office_from_step,
        "leader_from_step": policy.leader_from_step,
    }
    policy.is_active = is_active
    policy.steps = steps
    policy.office_from_step = office_from_step
    policy.leader_from_step = leader_from_step
    policy.full_clean()
    policy.save()
    for name, old in before.items():
        new = getattr(policy, name)
        if old != new:
            label = ReminderPolicy._meta.get_field(name).verbose_name
            audit_record(
                actor=actor, commune=commune, obj=policy, field=str(label), old=old, new=new
            )
    return policy


def reminder_preference_save(*, user, daily_digest: bool) -> ReminderPreference:
    preference, _created = ReminderPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": daily_digest}
    )
    if not daily_digest:
        # What was waiting for tomorrow's summary now goes as separate mails.
        waiting = Reminder.objects.filter(
            user=user, channel=ReminderChannel.DIGEST, status=ReminderStatus.PENDING
        )
        ids = list(waiting.values_list("pk", flat=True))
        if ids:
            waiting.update(channel=ReminderChannel.EMAIL)
            transaction.on_commit(
                lambda: _deliveries_queue(
                    [{"pk": pk, "user_id": user.pk, "channel": ReminderChannel.EMAIL} for pk in ids]
                )
            )
    return preference
