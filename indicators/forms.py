import re

from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import Unit
from indicators.models import TARGET_YEARS, Indicator, IndicatorGroup, ProvinceIndicator
from indicators.targets import Comparator, target_parse

# A target that starts like a comparison must carry a number we can read.
_LOOKS_NUMERIC = re.compile(r"^\s*(≥|≤|>=|<=|=>|=<|[0-9])")


class IndicatorGroupForm(forms.ModelForm):
    class Meta:
        model = IndicatorGroup
        fields = ["numeral", "title", "order"]

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
        # Only the catalogue of the commune's own province.
        self.fields["province_indicator"].queryset = ProvinceIndicator.objects.filter(
            province_id=plan.commune.province_id
        )
        units = Unit.objects.filter(commune=plan.commune, is_active=True)
        self.fields["lead_units"].queryset = units
        self.fields["support_units"].queryset = units
        existing = {}
        if self.instance.pk:
            existing = {target.year: target.text for target in self.instance.targets.all()}
        last = max(plan.period_end, plan.vision_year or 0)
        years = {y for y in TARGET_YEARS if plan.period_start <= y <= last} | set(existing)
        self.target_years = sorted(years)
        for year in self.target_years:
            self.fields[f"target_{year}"] = forms.CharField(
                label=str(year), required=False, max_length=500, initial=existing.get(year, "")
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
        for year in self.target_years:
            name = f"target_{year}"
            text = (cleaned.get(name) or "").strip()
            if not text:
                continue
            if cleaned.get("is_heading"):
                self.add_error(name, _("A heading row has no targets of its own."))
                continue
            parsed = target_parse(text)
            if parsed.comparator == Comparator.TEXT and _LOOKS_NUMERIC.match(text):
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "«%(text)s» starts like a number but cannot be read. Write for example ≥ 70, 35,4%%, 2-3, X, - or Khuyến khích."
                        ),
                        params={"text": text},
                    ),
                )
        parent = cleaned.get("parent")
        if parent and parent.parent_id and parent.parent_id == self.instance.pk:
            self.add_error("parent", _("An indicator cannot sit under its own sub-indicator."))
        return cleaned

    def target_texts(self) -> dict[int, str]:
        return {year: self.cleaned_data.get(f"target_{year}", "") for year in self.target_years}
