from django import forms
from django.utils.translation import gettext_lazy as _

from communes.slugs import slug_vi
from plans.models import PLAN_DOCUMENT_FIELDS, Plan


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = list(PLAN_DOCUMENT_FIELDS)
        widgets = {
            "issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "title": forms.Textarea(attrs={"rows": 2}),
            "implements": forms.Textarea(attrs={"rows": 4}),
            "reporting_duty": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune
        self.instance.commune = commune

    def clean(self):
        cleaned = super().clean()
        start, end, vision = (
            cleaned.get("period_start"),
            cleaned.get("period_end"),
            cleaned.get("vision_year"),
        )
        for name in ("period_start", "period_end", "vision_year"):
            year = cleaned.get(name)
            if year is not None and not 2000 <= year <= 2100:
                self.add_error(name, _("Enter a year between 2000 and 2100."))
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if vision and end and vision < end:
            self.add_error("vision_year", _("The vision year comes after the end of the period."))
        if not self.instance.key and cleaned.get("document_number"):
            base = slug_vi(f"{cleaned['document_number']}-{start or ''}") or "plan"
            key, n = base[:50], 2
            while Plan.objects.filter(commune=self.commune, key=key).exists():
                key, n = f"{base[:50]}-{n}", n + 1
            self.instance.key = key
        return cleaned
