"""Emulation movements (phong trào thi đua): the criteria the standing office scores its units
and villages by, the marks it gives by hand, its adjustments and its rating thresholds.

The scores themselves are not stored: they are computed from approved figures each time
(`emulation.scoring`), so that a figure approved later counts at once.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.numbers import decimal_format_vi

POINTS = {"max_digits": 7, "decimal_places": 2}


class Audience(models.TextChoices):
    UNITS = "units", _("units")
    VILLAGES = "villages", _("villages")


class EvaluationKind(models.TextChoices):
    """What a criterion is evaluated over: a month, a year, or a phase of the movement."""

    MONTH = "month", _("month")
    YEAR = "year", _("year")
    PHASE = "phase", _("phase of the movement")


class Basis(models.TextChoices):
    INDICATOR_ACHIEVED = "indicator_achieved", _("indicator: target achieved")
    INDICATOR_SHARE = "indicator_share", _("indicator: share of the target reached")
    INDICATOR_RANK = "indicator_rank", _("indicator: rank among the units")
    TASK_ON_TIME = "task_on_time", _("task: done on time")
    REPORTS_ON_TIME = "reports_on_time", _("reporting: reports on time")
    REPORTS_COMPLETE = "reports_complete", _("reporting: reports complete (approved)")
    MANUAL = "manual", _("mark given by the standing office")


INDICATOR_BASES = {Basis.INDICATOR_ACHIEVED, Basis.INDICATOR_SHARE, Basis.INDICATOR_RANK}


class Movement(models.Model):
    """A movement of the commune, its years, phases and rating thresholds (on a 100-point scale:
    a unit's points over the points of its criteria, × 100)."""

    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        related_name="movements",
        verbose_name=_("commune"),
    )
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan launching it"),
    )
    name = models.CharField(_("name of the movement"), max_length=300)
    start_year = models.PositiveIntegerField(
        _("from year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveIntegerField(
        _("to year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    excellent_from = models.DecimalField(
        _("excellent from (points of 100)"), default=Decimal(90), **POINTS
    )
    good_from = models.DecimalField(_("good from (points of 100)"), default=Decimal(70), **POINTS)
    done_from = models.DecimalField(
        _("completed from (points of 100)"), default=Decimal(50), **POINTS
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("emulation movement")
        verbose_name_plural = _("emulation movements")
        ordering = ["commune", "-start_year", "pk"]
        indexes = [models.Index(fields=["commune", "start_year"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The movement cannot end before it starts.")
        thresholds = (self.excellent_from, self.good_from, self.done_from)
        if all(value is not None for value in thresholds):
            for name, value in zip(
                ("excellent_from", "good_from", "done_from"), thresholds, strict=True
            ):
                if not 0 <= value <= 100:
                    errors[name] = _("A threshold is between 0 and 100 points.")
            if not errors and not self.excellent_from > self.good_from > self.done_from:
                errors["__all__"] = _(
                    "The thresholds must go down: excellent above good, good above completed."
                )
        if errors:
            raise ValidationError(errors)


class MovementPhase(models.Model):
    """A phase of a movement ("Giai đoạn 2026 - 2027"): scored as one period."""

    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="phases")
    start_year = models.PositiveIntegerField(_("from year"))
    end_year = models.PositiveIntegerField(_("to year"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["movement", "start_year"]

    def __str__(self) -> str:
        return f"{self.start_year} - {self.end_year}"

    @property
    def code(self) -> str:
        return f"{self.start_year}-{self.end_year}"


class Criterion(models.Model):
    """A criterion: what earns points (an indicator, a task, the reports or a mark by hand), the
    points at full achievement, the most it may earn, and what it is evaluated over."""

    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    movement = models.ForeignKey(
        Movement, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("movement")
    )
    audience = models.CharField(
        _("scores"), max_length=20, choices=Audience.choices, default=Audience.UNITS
    )
    name = models.CharField(
        _("criterion"),
        max_length=300,
        help_text=_('As the scoring sheet prints it, e.g. "Chỉ tiêu 8: hồ sơ TTHC được số hóa".'),
    )
    basis = models.CharField(_("scored on"), max_length=30, choices=Basis.choices)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
    )
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task"),
        help_text=_("Leave empty to score every task the unit leads."),
    )
    points = models.DecimalField(_("points"), **POINTS)
    maximum = models.DecimalField(
        _("maximum points"),
        help_text=_("At most this much, e.g. beyond the target; at least the points."),
        **POINTS,
    )
    evaluated_over = models.CharField(
        _("evaluated over"),
        max_length=10,
        choices=EvaluationKind.choices,
        default=EvaluationKind.YEAR,
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("emulation criterion")
        verbose_name_plural = _("emulation criteria")
        ordering = ["movement", "audience", "order", "pk"]
        indexes = [models.Index(fields=["commune", "movement"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.points is not None and self.points <= 0:
            errors["points"] = _("The points must be more than 0.")
        if self.maximum is not None and self.maximum <= 0:
            errors["maximum"] = _("The maximum must be more than 0.")
        if (
            not errors
            and self.points is not None
            and self.maximum is not None
            and self.points > self.maximum
        ):
            errors["points"] = _(
                "The points (%(points)s) cannot be more than the maximum (%(maximum)s)."
            ) % {
                "points": decimal_format_vi(self.points),
                "maximum": decimal_format_vi(self.maximum),
            }
        if self.basis in INDICATOR_BASES and self.indicator_id is None:
            errors["indicator"] = _("Choose the indicator this criterion scores.")
        if self.basis not in INDICATOR_BASES and self.indicator_id is not None:
            errors["indicator"] = _("Only an indicator criterion names an indicator.")
        if self.basis != Basis.TASK_ON_TIME and self.task_id is not None:
            errors["task"] = _("Only a task criterion names a task.")
        if self.indicator_id and self.indicator.commune_id != self.commune_id:
            errors["indicator"] = _("Choose an indicator of the commune.")
        if self.task_id and self.task.commune_id != self.commune_id:
            errors["task"] = _("Choose a task of the commune.")
        if errors:
            raise ValidationError(errors)


class ManualMark(models.Model):
    """The standing office's mark of a unit on a criterion scored by hand, for a period."""

    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="marks")
    unit = models.ForeignKey("communes.Unit", on_delete=models.CASCADE, related_name="+")
    period_code = models.CharField(_("evaluated period"), max_length=20)
    points = models.DecimalField(_("points"), **POINTS)
    note = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "unit", "period_code"], name="emulation_mark_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion} · {self.unit} · {self.period_code}"


class ScoreAdjustment(models.Model):
    """Points the standing office adds to or takes from a unit's score for a period, and why."""

    commune = models.ForeignKey("communes.Commune", on_delete=models.CASCADE, related_name="+")
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey(
        "communes.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    period_code = models.CharField(_("evaluated period"), max_length=20)
    points = models.DecimalField(_("points added (negative: taken)"), **POINTS)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["commune", "movement", "period_code"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period_code} · {self.signed_points}"

    @property
    def signed_points(self) -> str:
        """ "+5", "-2,5": what the adjustment does to the score."""
        return ("+" if self.points > 0 else "") + decimal_format_vi(self.points)
