"""How long the record of sent reminders is kept."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from reminders.models import Reminder, ReminderStatus


def reminders_prune(*, older_than_days: int, today=None) -> int:
    """Delete reminders whose reminder date is more than `older_than_days` past.

    Only finished rows go: pending and sending ones are the outbox of mails still owed. The
    default keeps over a year, long past the last step (7 days late) that could recreate a key.
    """
    cutoff = (today or timezone.localdate()) - timedelta(days=older_than_days)
    finished = Reminder.objects.filter(run_date__lt=cutoff).exclude(
        status__in=(ReminderStatus.PENDING, ReminderStatus.SENDING)
    )
    _total, by_model = finished.delete()
    return by_model.get(Reminder._meta.label, 0)
