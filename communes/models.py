"""Provinces, communes (the tenants), the units of a commune, the roles people hold in them
(memberships), the audit trail and in-app notifications."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommuneKind(models.TextChoices):
    COMMUNE = "xã", _("commune (xã)")
    WARD = "phường", _("ward (phường)")
    SPECIAL_ZONE = "đặc khu", _("special zone (đặc khu)")


class Commune(models.Model):
    """The tenant: every plan, indicator, task and figure belongs to exactly one commune."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    # The official administrative code where known, else a stable slug of the name.
    code = models.SlugField(_("code"), max_length=50, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CommuneKind.choices, default=CommuneKind.COMMUNE
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        indexes = [models.Index(fields=["province", "name"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display_short()} {self.name}"

    def get_kind_display_short(self) -> str:
        return {"xã": "Xã", "phường": "Phường", "đặc khu": "Đặc khu"}[self.kind]


class UnitKind(models.TextChoices):
    STANDING_OFFICE = "standing_office", _("standing office")
    DEPARTMENT = "department", _("department")
    POLICE = "police", _("police")
    HEALTH_STATION = "health_station", _("health station")
    PUBLIC_SERVICE_CENTRE = "public_service_centre", _("public-service centre")
    SCHOOL = "school", _("school")
    VILLAGE = "village", _("village")
    COMMITTEE = "committee", _("People's Committee or Party committee")
    EXTERNAL = "external", _("external organisation")


class Unit(models.Model):
    """A unit that leads or supports indicators and tasks: inside the commune or outside it."""

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="units", verbose_name=_("commune")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    name = models.CharField(_("full name of the unit"), max_length=200)
    short_name = models.CharField(
        _("short name"),
        max_length=100,
        help_text=_('The name the documents use, e.g. "Phòng VH-XH".'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["commune", "order", "short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "short_name"], name="unit_short_name_unique"
            ),
            models.UniqueConstraint(
                fields=["commune"],
                condition=models.Q(kind="standing_office"),
                name="unit_one_standing_office",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_external(self) -> bool:
        return self.kind == UnitKind.EXTERNAL


class UnitAlias(models.Model):
    """Another spelling of a unit's name found in the commune's documents ("Phòng VHXH",
    "Công an"): the seed loader writes the seed's aliases, the plan importer the names the
    standing office confirmed, and both resolve lead and support cells through them."""

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("unit")
    )
    name = models.CharField(_("name as printed"), max_length=300)
    key = models.CharField(_("matching key"), max_length=300, editable=False)

    class Meta:
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        constraints = [
            models.UniqueConstraint(fields=["commune", "key"], name="communes_unit_alias_key")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.unit}"

    def save(self, *args, **kwargs):
        from .names import name_key

        self.key = name_key(self.name)
        self.commune_id = self.unit.commune_id
        super().save(*args, **kwargs)


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    SUBMIT = "submit", _("submitted")
    RETURN = "return", _("returned")
    APPROVE = "approve", _("approved")
    REOPEN = "reopen", _("reopened")
    CLOSE = "close", _("closed")
    WITHDRAW = "withdraw", _("withdrawn by the unit")
    INVITE = "invite", _("invited")
    DEACTIVATE = "deactivate", _("deactivated")


class AuditEntry(models.Model):
    """Who changed what, when, from which value to which, and why. Written by the service that writes."""

    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(_("object"), max_length=300)
    field = models.CharField(_("field"), max_length=100, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["commune", "content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.object_repr}"


class UnitAssignment(models.Model):
    """Lead (chủ trì) and support (phối hợp) units of an indicator or a task: as printed, and resolved."""

    lead_units = models.ManyToManyField(
        Unit, related_name="led_%(class)ss", blank=True, verbose_name=_("lead units")
    )
    support_units = models.ManyToManyField(
        Unit, related_name="supported_%(class)ss", blank=True, verbose_name=_("support units")
    )
    lead_text = models.CharField(_("lead units as printed"), max_length=300, blank=True)
    support_text = models.CharField(_("support units as printed"), max_length=500, blank=True)

    class Meta:
        abstract = True


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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("commune"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "accounts_membership"  # its table since it lived in accounts
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
        Commune,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("commune"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("unit"),
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
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
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        db_table = "accounts_invitation"  # its table since it lived in accounts
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

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        db_table = "accounts_notification"  # its table since it lived in accounts
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
