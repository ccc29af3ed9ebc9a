"""A commune's plan, held as it was issued."""

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_FORCE = "in_force", _("in force")
    SUPERSEDED = "superseded", _("superseded")


class PlanStanding(models.TextChoices):
    """What a plan is on a given day: its stored status read against the calendar."""

    DRAFT = "draft", pgettext_lazy("plan status", "draft")
    UPCOMING = "upcoming", pgettext_lazy("plan status", "not yet in force")
    IN_FORCE = "in_force", pgettext_lazy("plan status", "in force")
    EXPIRED = "expired", pgettext_lazy("plan status", "expired")
    SUPERSEDED = "superseded", pgettext_lazy("plan status", "superseded")


def plan_standing(status: str, period_start: int, period_end: int, today: date) -> PlanStanding:
    """The one rule for a plan's displayed status: an issued plan is in force only within its
    years (Điền Quang's 2025 plan has expired in 2026); a draft or a superseded plan stays so."""
    if status == PlanStatus.DRAFT:
        return PlanStanding.DRAFT
    if status == PlanStatus.SUPERSEDED:
        return PlanStanding.SUPERSEDED
    if today.year < period_start:
        return PlanStanding.UPCOMING
    if today.year > period_end:
        return PlanStanding.EXPIRED
    return PlanStanding.IN_FORCE


class SigningAuthority(models.TextChoices):
    # The first line of the signature block (Decree 30/2020): on behalf of the committee, or as deputy.
    ON_BEHALF = "TM. ỦY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"
    DEPUTY = "KT. CHỦ TỊCH", "KT. CHỦ TỊCH"


# What describes the issued plan document: the office's form edits these, the API shows them.
PLAN_DOCUMENT_FIELDS = (
    "document_number",
    "document_type",
    "issue_date",
    "issue_date_text",
    "title",
    "issuing_body",
    "signing_authority",
    "signer_title",
    "signer_name",
    "implements",
    "period_start",
    "period_end",
    "vision_year",
    "status",
    "reporting_duty",
    "note",
)


class Plan(models.Model):
    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        related_name="plans",
        verbose_name=_("commune"),
    )
    key = models.SlugField(_("key"), max_length=60, help_text=_("A stable key within the commune."))
    document_number = models.CharField(
        _("document number"),
        max_length=60,
        help_text=_('As printed, e.g. "536/QĐ-UBND" or "28/KH-UBND".'),
    )
    document_type = models.CharField(_("document type"), max_length=10, default="KH")
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    issue_date_text = models.CharField(
        _("issue date as printed"),
        max_length=60,
        blank=True,
        help_text=_("Only when the printed date is blank or partial."),
    )
    title = models.TextField(_("title (trích yếu)"))
    issuing_body = models.CharField(_("issuing body"), max_length=150)
    signing_authority = models.CharField(
        _("signing authority"), max_length=40, choices=SigningAuthority.choices, blank=True
    )
    signer_title = models.CharField(_("signer's title"), max_length=60, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    implements = models.TextField(
        _("higher documents it implements"), blank=True, help_text=_("One document per line.")
    )
    period_start = models.PositiveSmallIntegerField(_("period start year"))
    period_end = models.PositiveSmallIntegerField(_("period end year"))
    vision_year = models.PositiveSmallIntegerField(_("vision to year"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    reporting_duty = models.TextField(_("reporting duty as printed"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["commune", "-period_start", "document_number"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "key"], name="plan_key_unique"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} — {self.title[:80]}"

    def standing_on(self, today: date) -> PlanStanding:
        return plan_standing(self.status, self.period_start, self.period_end, today)

    @property
    def standing(self) -> PlanStanding:
        """The status to display today (`plan_standing`)."""
        return self.standing_on(timezone.localdate())

    def is_in_force_in(self, year: int) -> bool:
        """`plans.selectors.plan_in_force_q` for one plan already read."""
        return self.status == PlanStatus.IN_FORCE and self.period_start <= year <= self.period_end

    @property
    def implements_list(self) -> list[str]:
        return [line.strip() for line in self.implements.splitlines() if line.strip()]

    @property
    def period_display(self) -> str:
        if self.period_start == self.period_end:
            text = str(self.period_start)
        else:
            text = f"{self.period_start}–{self.period_end}"
        if self.vision_year:
            text += " " + str(_("(vision to %(year)s)") % {"year": self.vision_year})
        return text
