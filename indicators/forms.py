from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import Unit
from indicators.models import (
    TARGET_YEARS,
    Indicator,
    IndicatorGroup,
    ProvinceIndicator,
    Target,
)
from indicators.targets import Comparator, target_problem

_VALUE = Target._meta.get_field("value")
# A target's numbers must fit its column.
TARGET_COLUMN = {
    "max_whole_digits": _VALUE.max_digits - _VALUE.decimal_places,
    "max_decimals": _VALUE.decimal_places,
}


class IndicatorGroupForm(forms.ModelForm):
    class Meta:
        model = IndicatorGroup
        fields = ["numeral", "title", "order"]

    def clean_figure_source(self):
        return self.cleaned_data.get("figure_source") or self.instance.figure_source

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.instance.commune = plan.commune


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "group",
            "parent",
            "code",
            "name",
            "province_indicator",
            "is_heading",
            "unit_of_measure",
            "measure_kind",
            "direction",
            "formula",
            "numerator_definition",
            "denominator_definition",
            "data_source",
            "figure_source",
            "verification_criteria",
            "guidance",
            "legal_basis",
            "lead_units",
            "lead_text",
            "support_units",
            "support_text",
            "note",
            "order",
        ]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 2}),
            "numerator_definition": forms.Textarea(attrs={"rows": 2}),
            "denominator_definition": forms.Textarea(attrs={"rows": 2}),
            "data_source": forms.Textarea(attrs={"rows": 2}),
            "verification_criteria": forms.Textarea(attrs={"rows": 2}),
            "guidance": forms.Textarea(attrs={"rows": 4}),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "lead_units": forms.CheckboxSelectMultiple,
            "support_units": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        self.instance.commune = plan.commune
        self.fields["group"].queryset = IndicatorGroup.objects.filter(plan=plan)
        parents = Indicator.objects.filter(plan=plan)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        # A form (or an older client) that leaves the source out keeps the indicator's own.
        self.fields["figure_source"].required = False
        # Only the catalogue of the commune's own province.
        self.fields["province_indicator"].queryset = ProvinceIndicator.objects.filter(
            province_id=plan.commune.province_id
        )
        units = Unit.objects.filter(commune=plan.commune, is_active=True)
        self.fields["lead_units"].queryset = units
        self.fields["support_units"].queryset = units
        existing, exists_by = {}, None
        if self.instance.pk:
            for target in self.instance.targets.all():
                existing[target.year] = target.text
                if target.comparator == Comparator.EXISTS:
                    exists_by = target.year
        self.existing_targets = existing
        last = max(plan.period_end, plan.vision_year or 0)
        years = {y for y in TARGET_YEARS if plan.period_start <= y <= last} | set(existing)
        self.target_years = sorted(years)
        for year in self.target_years:
            self.fields[f"target_{year}"] = forms.CharField(
                label=str(year), required=False, max_length=500, initial=existing.get(year, "")
            )
        self.fields["exists_by"] = forms.TypedChoiceField(
            label=_("Must exist by"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "—"), *((year, str(year)) for year in self.target_years)],
            initial=exists_by,
            help_text=_(
                "For a row that prints no target under a milestone: the thing (a centre, a report) must exist by that year. It is achieved when reported done."
            ),
        )

    def target_fields(self):
        return [self[f"target_{year}"] for year in self.target_years]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Indicator.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Another indicator of this plan already has the code %(code)s."),
                params={"code": code},
            )
        return code

    def clean(self):
        cleaned = super().clean()
        measure_kind = cleaned.get("measure_kind") or self.instance.measure_kind
        kind_changed = bool(self.instance.pk) and measure_kind != self.initial.get("measure_kind")
        exists_by = cleaned.get("exists_by")
        if exists_by and cleaned.get("is_heading"):
            self.add_error("exists_by", _("A heading row has no targets of its own."))
        for year in self.target_years:
            name = f"target_{year}"
            text = (cleaned.get(name) or "").strip()
            if not text:
                continue
            if year == exists_by:
                self.add_error(
                    name,
                    _(
                        "%(year)s is chosen as the year the thing must exist by: leave its target empty, or choose no year there."
                    )
                    % {"year": year},
                )
                continue
            if cleaned.get("is_heading"):
                self.add_error(name, _("A heading row has no targets of its own."))
                continue
            unchanged = self.existing_targets.get(year) == text and not kind_changed
            problem = None if unchanged else target_problem(text, measure_kind, **TARGET_COLUMN)
            if problem:
                self.add_error(name, problem)
        parent = cleaned.get("parent")
        if parent and parent.parent_id and parent.parent_id == self.instance.pk:
            self.add_error("parent", _("An indicator cannot sit under its own sub-indicator."))
        return cleaned

    def target_texts(self) -> dict[int, str]:
        return {year: self.cleaned_data.get(f"target_{year}", "") for year in self.target_years}
