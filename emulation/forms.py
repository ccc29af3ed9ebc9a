"""Forms of the emulation pages. Points are typed the Vietnamese way ("8,5"), read by
`communes.numbers.decimal_parse_vi`; the rules (points within the maximum, thresholds in
order) live in the models' `clean` and in `emulation.services`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communes.numbers import NumberParseError, decimal_format_vi, decimal_parse_vi
from emulation.models import Criterion, Movement
from emulation.services import ScoringRefused, phases_parse, phases_text
from indicators.models import Indicator
from plans.models import Plan
from tasks.models import Task

MOST_POINTS = Decimal(1000)


class PointsField(forms.CharField):
    """A number of points typed as "8,5" (a dot groups thousands, never a decimal mark)."""

    def __init__(self, *args, allow_negative: bool = False, **kwargs):
        self.allow_negative = allow_negative
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(inputmode="decimal", maxlength="20")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return decimal_format_vi(value.normalize())
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            number = decimal_parse_vi(text, allow_percent=False)
        except NumberParseError as error:
            raise ValidationError(error.message, code=error.code, params=error.params) from error
        if number < 0 and not self.allow_negative:
            raise ValidationError(_("The points cannot be negative."), code="negative")
        if abs(number) > MOST_POINTS:
            raise ValidationError(_("At most 1.000 points."), code="too_many")
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(_("At most two decimals, e.g. 8,25."), code="decimals")
        return number


class MovementForm(forms.ModelForm):
    excellent_from = PointsField(label=_("Excellent (Hoàn thành xuất sắc) from"))
    good_from = PointsField(label=_("Good (Hoàn thành tốt) from"))
    done_from = PointsField(label=_("Completed (Hoàn thành) from"))
    phases = forms.CharField(
        label=_("Phases"),
        required=False,
        max_length=200,
        help_text=_('Each phase as «2026-2027», separated by «;», e.g. "2026-2027; 2028-2030".'),
    )

    class Meta:
        model = Movement
        fields = [
            "name",
            "plan",
            "start_year",
            "end_year",
            "excellent_from",
            "good_from",
            "done_from",
        ]

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        self.fields["plan"].queryset = Plan.objects.filter(commune=commune).order_by(
            "-period_start", "pk"
        )
        for name in ("excellent_from", "good_from", "done_from"):
            self.fields[name].help_text = _(
                "Points of 100 (the unit's points over its criteria's)."
            )
        if self.instance.pk:
            self.initial.setdefault("phases", phases_text(self.instance))
        else:
            self.initial.setdefault("excellent_from", Decimal(90))
            self.initial.setdefault("good_from", Decimal(70))
            self.initial.setdefault("done_from", Decimal(50))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and start <= end:
            try:
                data["phase_list"] = phases_parse(
                    data.get("phases", ""), start_year=start, end_year=end
                )
            except ScoringRefused as error:
                self.add_error("phases", error.message)
        return data


class CriterionForm(forms.ModelForm):
    points = PointsField(label=_("Points"), help_text=_("Earned at full achievement, e.g. 10."))
    maximum = PointsField(
        label=_("Maximum points"),
        help_text=_(
            "At most this much (beyond the target, or the first rank); at least the points."
        ),
    )

    class Meta:
        model = Criterion
        fields = [
            "audience",
            "name",
            "basis",
            "indicator",
            "task",
            "points",
            "maximum",
            "evaluated_over",
            "order",
        ]

    def __init__(self, *args, movement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.movement = movement
        self.instance.commune = movement.commune
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(commune=movement.commune, is_heading=False)
            .select_related("plan")
            .order_by("plan__period_start", "plan_id", "order")
        )
        self.fields["indicator"].label_from_instance = lambda indicator: (
            f"{indicator.code}. {indicator.name}"[:150]
        )
        self.fields["task"].queryset = (
            Task.objects.filter(commune=movement.commune, children__isnull=True)
            .select_related("section")
            .order_by("plan_id", "section__order", "order")
        )
        self.fields["task"].label_from_instance = lambda task: (
            f"{task.section.numeral + '.' if task.section_id else ''}{task.code}. {task.name}"[:150]
        )


class MarkForm(forms.Form):
    points = PointsField(label=_("Points"))
    note = forms.CharField(label=_("Reason"), required=False, max_length=500)


class AdjustmentForm(forms.Form):
    points = PointsField(
        label=_("Points added"),
        allow_negative=True,
        help_text=_("Negative to take points away, e.g. -2,5."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
