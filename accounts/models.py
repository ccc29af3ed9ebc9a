"""People and the offers of a role sent to them. The roles they hold (`Membership`) belong to the
tenancy, in `communes.models`; what each role may do lives in `communes.access`."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Role


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Invitation(models.Model):
    """An offer of one commune role to an e-mail address, sent by the commune's standing office.

    It changes no account: the membership is created only when the person who holds the address
    accepts it, logged in as themselves or by choosing a password for a new account. The link's
    token is stored as a SHA-256 digest only, and the invitation expires.
    """

    email = models.EmailField(_("e-mail"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("commune"),
    )
    unit = models.ForeignKey(
        "communes.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("unit"),
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["commune", "accepted_at"])]

    def __str__(self) -> str:
        return f"{self.email} · {self.get_role_display()}" + (
            f" · {self.unit}" if self.unit_id else ""
        )

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
