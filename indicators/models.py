"""Indicators (chỉ tiêu) of a plan and their yearly targets."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.models import UnitAssignment
from indicators.targets import Comparator, target_shown

TARGET_YEARS = range(2025, 2046)


class MeasureKind(models.TextChoices):
    PERCENT = "percent", _("percent")
    COUNT = "count", _("count")
    RATE_PER_10K = "rate_per_10k", _("rate per 10,000 people")
    SHARE_BUDGET = "share_budget", _("share of the budget")
    SHARE_GRDP = "share_grdp", _("share of GRDP")
    MILESTONE = "milestone", _("milestone (done / not done)")
    TEXT = "text", _("report or text")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")
    NONE = "none", _("no direction")


class ProvinceIndicator(models.Model):
    """An indicator of the province's own plan, which the communes' indicators roll up into.

    Commune plans word and number the same national indicator differently ("Tỉ lệ" / "Tỷ lệ",
    "18" / "14"); the province consolidates and compares communes through this catalogue.
    """

    province = models.ForeignKey(
        "communes.Province",
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("province"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.TextField(_("name"))
    group = models.CharField(_("group"), max_length=200)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60, blank=True)
    measure_kind = models.CharField(
        _("kind of measure"),
        max_length=20,
        choices=MeasureKind.choices,
        default=MeasureKind.PERCENT,
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("province indicator")
        verbose_name_plural = _("province indicators")
        ordering = ["province", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "code"], name="province_indicator_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name[:80]}"


class IndicatorGroup(models.Model):
    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.CASCADE,
        related_name="indicator_groups",
        verbose_name=_("plan"),
    )
    numeral = models.CharField(_("numeral"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        ordering = ["plan", "order"]
        indexes = [models.Index(fields=["commune", "plan"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "numeral"], name="indicator_group_numeral_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.numeral}. {self.title}" if self.numeral else self.title


class FigureSource(models.TextChoices):
    """How a figure is obtained, which tells the standing office what checking it means."""

    SELF_REPORTED = "self_reported", _("self-reported by the unit")
    SYSTEM = "system", _("measured from an information system")


class Indicator(UnitAssignment):
    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan")
    )
    group = models.ForeignKey(
        IndicatorGroup, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("group")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(
        _("code"), max_length=20, help_text=_('As printed: "1.1", "3a", "9.1".')
    )
    province_indicator = models.ForeignKey(
        ProvinceIndicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commune_indicators",
        verbose_name=_("province indicator"),
        help_text=_("The indicator of the province's plan this one counts towards."),
    )
    name = models.TextField(_("name"))
    is_heading = models.BooleanField(
        _("heading row"), default=False, help_text=_("A heading row without targets of its own.")
    )
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60, blank=True)
    measure_kind = models.CharField(
        _("kind of measure"),
        max_length=20,
        choices=MeasureKind.choices,
        default=MeasureKind.PERCENT,
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    numerator_definition = models.TextField(_("numerator (a)"), blank=True)
    denominator_definition = models.TextField(_("denominator (b)"), blank=True)
    formula = models.CharField(_("formula"), max_length=300, blank=True)
    data_source = models.TextField(_("data source"), blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    verification_criteria = models.TextField(
        _("verification criteria"),
        blank=True,
        help_text=_("What evidence proves the figure (tiêu chí kiểm chứng)."),
    )
    figure_source = models.CharField(
        _("source of the figure"),
        max_length=20,
        choices=FigureSource.choices,
        default=FigureSource.SELF_REPORTED,
    )
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "order"]
        indexes = [models.Index(fields=["commune", "plan", "order"])]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name[:80]}"

    @property
    def is_ratio(self) -> bool:
        return bool(self.numerator_definition and self.denominator_definition)


class Target(models.Model):
    """The target of one year: the printed text, kept verbatim, and its parsed form."""

    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # Empty only for a milestone row that prints no value (Comparator.EXISTS).
    text = models.CharField(_("target as printed"), max_length=500, blank=True)
    comparator = models.CharField(_("comparator"), max_length=12, choices=Comparator.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField(
        _("upper value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    is_percent = models.BooleanField(_("printed with %"), default=False)
    # "Mỗi năm có …": the target holds for each year from `year` to this one (the plan's end).
    until_year = models.PositiveSmallIntegerField(_("every year until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_year_unique"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2025, year__lte=2045), name="target_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.text}"

    def save(self, *args, **kwargs):
        # The commune is its indicator's (targets are read by commune; the admin's inline sets
        # only the indicator).
        if self.indicator_id is not None:
            self.commune_id = self.indicator.commune_id
        super().save(*args, **kwargs)

    # What `parsed_apply` derives from the text.
    PARSED_FIELDS = ("comparator", "value", "value_max", "is_percent", "note", "until_year")

    @property
    def shown_text(self) -> str:
        """As printed; "must exist by <year>" for a milestone row that prints no value."""
        return target_shown(self)

    @property
    def is_every_year(self) -> bool:
        return self.until_year is not None

    def covers(self, year: int) -> bool:
        """Set for `year`, or an every-year target running through it."""
        if self.until_year is None:
            return self.year == year
        return self.year <= year <= self.until_year

    def parsed_apply(self, parsed, *, horizon: int | None) -> None:
        """Copy a `ParsedTarget` onto the parsed fields; `horizon` is the plan's end year, up
        to which an every-year target holds."""
        self.comparator = parsed.comparator
        self.value = parsed.value
        self.value_max = parsed.value_max
        self.is_percent = parsed.is_percent
        self.note = parsed.note
        self.until_year = max(horizon or self.year, self.year) if parsed.every_year else None
