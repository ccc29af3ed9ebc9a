"""People and the roles they hold. What each role may do lives in `communes.access`."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("unit staff")
    STANDING_OFFICE = "standing_office", _("standing office reviewer (Phòng VH-XH)")
    COMMUNE_LEADER = "commune_leader", _("commune leader")
    PROVINCE_OFFICER = "province_officer", _("province officer")
    INSPECTOR = "inspector", _("inspector (read only)")
    ADMINISTRATOR = "administrator", _("administrator")


class Membership(models.Model):
    """One role of one person: staff of a unit, reviewer or leader of a commune, officer of a province,
    inspector (Ủy ban kiểm tra, Hội đồng nhân dân) of a commune or of a province."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    province = models.ForeignKey(
        "communes.Province",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("commune"),
    )
    unit = models.ForeignKey(
        "communes.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["commune", "role"])]
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    models.Q(
                        role="unit_staff",
                        unit__isnull=False,
                        commune__isnull=False,
                        province__isnull=True,
                    )
                    | models.Q(
                        role__in=["standing_office", "commune_leader"],
                        unit__isnull=True,
                        commune__isnull=False,
                        province__isnull=True,
                    )
                    | models.Q(
                        role="province_officer",
                        province__isnull=False,
                        commune__isnull=True,
                        unit__isnull=True,
                    )
                    | models.Q(
                        role="inspector",
                        unit__isnull=True,
                        commune__isnull=False,
                        province__isnull=True,
                    )
                    | models.Q(
                        role="inspector",
                        unit__isnull=True,
                        commune__isnull=True,
                        province__isnull=False,
                    )
                    | models.Q(
                        role="administrator",
                        province__isnull=True,
                        commune__isnull=True,
                        unit__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "province", "commune", "unit"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.commune or self.province or ""
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        if self.unit_id and self.commune_id and self.unit.commune_id != self.commune_id:
            raise ValidationError({"unit": _("The unit belongs to another commune.")})
        if self.role == Role.INSPECTOR and (
            self.unit_id or bool(self.commune_id) == bool(self.province_id)
        ):
            raise ValidationError(
                _("An inspector reads one commune or one province: choose either, not a unit.")
            )


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


class Notification(models.Model):
    """An in-app notice (the bell): a returned or approved report, a reminder of a deadline."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
