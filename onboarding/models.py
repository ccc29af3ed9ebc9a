"""An uploaded plan file and what was read from it; how a commune maps headers it printed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Unit aliases live with the units (communes), shared by the seed loader and the importer.
from communes.models import UnitAlias  # noqa: F401


class PlanImport(models.Model):
    """One uploaded plan file, what the portal read from it (edited in review), and its draft."""

    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        related_name="plan_imports",
        verbose_name=_("commune"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"), editable=False)
    result = models.JSONField(_("what was read"), default=dict)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Set by the retention rule (onboarding.retention), which empties the file and the rows.
    pruned_at = models.DateTimeField(_("cleaned up at"), null=True, blank=True, editable=False)
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("draft plan"),
    )

    class Meta:
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class ColumnMapping(models.Model):
    """How a person mapped the columns of a table header the portal did not recognise: the next
    file of the commune with the same header (same words, any case or diacritics) is read with it.
    """

    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("commune"),
    )
    header_key = models.CharField(_("header (normalised)"), max_length=1000)
    header_text = models.CharField(_("header as printed"), max_length=1000)
    # onboarding.headers.ColumnMap.as_json(); {"kind": "ignore"} for a table that is not a plan's
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("mapped by"),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "header_key"], name="column_mapping_header_unique"
            )
        ]

    def __str__(self) -> str:
        return self.header_text[:80]
