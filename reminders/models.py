"""Deadline reminders: each commune's policy, each person's preference, and every reminder sent.

A `Reminder` row is written before anything is sent. Its key (recipient, subject, step) is
unique in the database, so a second run of the daily job, a worker retry, a second beat or two
workers racing can only find the row already there: nothing is sent twice.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.outbox import OutboxRow

# Days relative to the last on-time day: 7, 3 and 1 before, the day itself, 1, 3 and 7 late.
DEFAULT_STEPS = [-7, -3, -1, 0, 1, 3, 7]
DEFAULT_OFFICE_FROM_STEP = 1  # Phòng VH-XH is copied from the first late step
DEFAULT_LEADER_FROM_STEP = 7  # the commune leader from a week late
MAX_STEP_DAYS = 60


def default_steps() -> list[int]:
    return list(DEFAULT_STEPS)


class ReminderPolicy(models.Model):
    """When a commune's reminders go out and who is copied; absent, the defaults apply."""

    commune = models.OneToOneField(
        "communes.Commune",
        on_delete=models.CASCADE,
        related_name="reminder_policy",
        verbose_name=_("commune"),
    )
    is_active = models.BooleanField(_("send reminders"), default=True)
    # Days relative to the last on-time day of a report or task: negative before, positive late.
    steps = models.JSONField(_("reminder days"), default=default_steps)
    office_from_step = models.SmallIntegerField(
        _("standing office copied from day"), default=DEFAULT_OFFICE_FROM_STEP
    )
    leader_from_step = models.SmallIntegerField(
        _("commune leader copied from day"), default=DEFAULT_LEADER_FROM_STEP
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self) -> str:
        return f"{self.commune} · {self.steps}"

    def clean(self) -> None:
        steps = self.steps
        if (
            not isinstance(steps, list)
            or not steps
            or not all(isinstance(step, int) and not isinstance(step, bool) for step in steps)
        ):
            raise ValidationError({"steps": _("Give at least one whole number of days.")})
        if any(abs(step) > MAX_STEP_DAYS for step in steps):
            raise ValidationError(
                {
                    "steps": _("Reminder days must lie within %(days)s days of the deadline.")
                    % {"days": MAX_STEP_DAYS}
                }
            )
        self.steps = sorted(set(steps))

    @classmethod
    def default_for(cls, commune) -> "ReminderPolicy":
        return cls(commune=commune)


class ReminderPreference(models.Model):
    """A person's choice: a mail per reminder (the default) or one summary a day."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("user"),
    )
    daily_digest = models.BooleanField(
        _("one summary mail a day"),
        default=False,
        help_text=_("Receive the day's reminders in one mail instead of one mail each."),
    )

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user} · {'digest' if self.daily_digest else 'each'}"


class ReminderSubject(models.TextChoices):
    REPORT = "report", _("unit report")
    TASK = "task", _("task deadline")
    PROPOSAL = "proposal", _("answer to a proposal")


class ReminderAudience(models.TextChoices):
    UNIT = "unit", _("responsible unit")
    SUPPORT = "support", _("support unit")
    STANDING_OFFICE = "standing_office", _("standing office")
    LEADER = "leader", _("commune leader")
    ADDRESSEE = "addressee", _("addressee of a proposal")


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    DIGEST = "digest", _("daily summary")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Reminder(OutboxRow):
    """One reminder to one person about one report or task at one step, sent at most once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    # "report:<commune>:<period code>:<unit or *>:<last day>", "task:<task>:<last day>" or
    # "proposal:<proposal>:<answer due by>": never null, so the unique key below holds on SQLite
    # and PostgreSQL alike.
    subject_key = models.CharField(max_length=200)
    subject = models.CharField(_("about"), max_length=20, choices=ReminderSubject.choices)
    audience = models.CharField(_("sent as"), max_length=20, choices=ReminderAudience.choices)
    step = models.SmallIntegerField(_("day relative to the deadline"))
    due_date = models.DateField(_("last on-time day"))
    run_date = models.DateField(_("reminder date"))
    period_code = models.CharField(_("period code"), max_length=20, blank=True)
    unit = models.ForeignKey(
        "communes.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("task"),
    )
    proposal = models.ForeignKey(
        "reporting.Proposal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("proposal"),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=ReminderChannel.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReminderStatus.choices,
        default=ReminderStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # inserted_by, claim, claimed_at, requeue_after: the outbox's (communes/outbox.py).

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-run_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subject_key", "step"], name="reminder_sent_once"
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "run_date"]),
            models.Index(fields=["inserted_by"]),
            models.Index(fields=["user", "channel", "status"]),
            models.Index(
                fields=["run_date"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="reminder_outbox_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_date:%d/%m/%Y} {self.user}: {self.title}"
