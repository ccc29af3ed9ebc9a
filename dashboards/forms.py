"""The dashboards' filters: a GET form that works without JavaScript."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.ontrack import Track


class CommuneFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    period = forms.ChoiceField(label=_("Period"), required=False)
    group = forms.TypedChoiceField(label=_("Indicator group"), coerce=int, required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False)
    track = forms.ChoiceField(label=_("Standing"), required=False)

    def __init__(self, data, *, years, periods, groups, units):
        super().__init__(data)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["period"].choices = [(p.code, p.label) for p in periods]
        self.fields["group"].choices = [("", _("All groups"))] + [(g.pk, str(g)) for g in groups]
        self.fields["unit"].choices = [("", _("All units"))] + [(u.pk, u.short_name) for u in units]
        self.fields["track"].choices = [("", _("All")), *Track.choices]

    def value(self, name):
        """The cleaned value, or None when absent or not one of the choices (never an error)."""
        if not self.is_bound:
            return None
        field = self.fields[name]
        raw = self.data.get(name)
        if raw in (None, ""):
            return None
        try:
            value = field.clean(raw)
        except forms.ValidationError:
            return None
        return value if value not in ("", None) else None


class ProvinceFilterForm(CommuneFilterForm):
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, data, *, years, periods, groups):
        forms.Form.__init__(self, data)
        del self.fields["unit"], self.fields["track"]
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["period"].choices = [(p.code, p.label) for p in periods]
        self.fields["group"] = forms.ChoiceField(
            label=_("Indicator group"),
            required=False,
            choices=[("", _("All groups"))] + [(name, name) for name in groups],
        )
        self.fields["sort"].choices = [
            ("rank", _("rank")),
            ("name", _("name")),
            ("achieved", _("indicators achieved")),
            ("reporting", _("reports on time")),
            ("overdue", _("overdue tasks")),
        ]
