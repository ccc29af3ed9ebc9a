from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import Unit, UnitKind


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["short_name", "name", "kind", "is_active", "order"]

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune
        self.instance.commune = commune

    def clean_short_name(self):
        short_name = self.cleaned_data["short_name"].strip()
        clash = Unit.objects.filter(commune=self.commune, short_name__iexact=short_name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(
                _("The commune already has a unit called %(name)s."), params={"name": short_name}
            )
        return short_name

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if kind == UnitKind.STANDING_OFFICE:
            other = Unit.objects.filter(
                commune=self.commune, kind=UnitKind.STANDING_OFFICE
            ).exclude(pk=self.instance.pk)
            if other.exists():
                raise forms.ValidationError(
                    _("The commune already has its standing office (%(name)s)."),
                    params={"name": other.first()},
                )
        return kind
