"""Pushing a commune's approved period to the province's system (its IOC or reporting system).

The province sets one endpoint and a shared token. Each close of a commune's period records one
`PushDelivery`: the body exactly as it will be signed and sent, under a key (commune, period,
revision) unique in the database, so a delivery is recorded once per close whatever retries,
redelivered messages or racing workers do; a period reopened and closed again gets the next
revision. The rows are an outbox like the reminders' (`reminders/services.py`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PAYLOAD_VERSION = 1  # the shape of the body (README, "Push to the province")


class PushEndpoint(models.Model):
    """Where a province's system takes the pushed periods, and the secret that signs them."""

    province = models.OneToOneField(
        "communes.Province",
        on_delete=models.CASCADE,
        related_name="push_endpoint",
        verbose_name=_("province"),
    )
    url = models.URLField(_("endpoint address"), max_length=500)
    # Kept as given: the portal needs it to sign each body (HMAC-SHA256). Never shown back
    # whole, never written to the logs or the audit trail.
    token = models.CharField(_("shared token"), max_length=200)
    is_active = models.BooleanField(_("push approved periods"), default=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("push endpoint")
        verbose_name_plural = _("push endpoints")

    def __str__(self) -> str:
        return f"{self.province}: {self.url}"

    @property
    def token_hint(self) -> str:
        """Enough to recognise the token, not to use it: its last four characters."""
        return "••••" + self.token[-4:] if len(self.token) > 8 else "••••"


class PushStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("being sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class PushDelivery(models.Model):
    """One approved period of one commune, pushed once per revision."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.CASCADE, related_name="+", verbose_name=_("province")
    )
    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    period = models.ForeignKey(
        "reporting.ReportingPeriod",
        on_delete=models.CASCADE,
        related_name="push_deliveries",
        verbose_name=_("period"),
    )
    period_code = models.CharField(_("period code"), max_length=20)
    revision = models.PositiveIntegerField(_("revision"))
    payload_version = models.PositiveSmallIntegerField(
        _("payload version"), default=PAYLOAD_VERSION
    )
    body = models.TextField(_("body sent"))  # the JSON exactly as signed: every attempt sends it
    status = models.CharField(
        _("status"), max_length=10, choices=PushStatus.choices, default=PushStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # The outbox's bookkeeping, as on reminders.Reminder: who inserted the row, which delivery
    # claimed it and when, and after when a row handed to the broker is taken for lost.
    inserted_by = models.UUIDField(editable=False)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    requeue_after = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("push delivery")
        verbose_name_plural = _("push deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "period_code", "revision"], name="push_delivery_once"
            ),
        ]
        indexes = [
            models.Index(fields=["province", "-created_at"]),
            models.Index(fields=["inserted_by"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="push_outbox_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id}:{self.period_code}:r{self.revision}"

    @property
    def key(self) -> str:
        """The idempotency key the receiver dedupes on: the same for every attempt."""
        return f"{self.commune.code}:{self.period_code}:{self.revision}"
