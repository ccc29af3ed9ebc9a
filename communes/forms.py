from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import CommuneKind, Unit, UnitKind


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


class CommuneCreateForm(forms.Form):
    """One new commune of the province; the rules are `communes.services.communes_check`'s."""

    name = forms.CharField(
        label=_("Name of the commune"),
        max_length=120,
        help_text=_('Without "Xã", e.g. "Điền Quang".'),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=CommuneKind.choices, initial=CommuneKind.COMMUNE
    )
    code = forms.CharField(
        label=_("Official code"),
        max_length=50,
        required=False,
        help_text=_("Where known (e.g. 16108); left empty, the portal makes one from the name."),
    )
    # Checked by the service, with the Excel list's message.
    office_email = forms.CharField(
        label=_("E-mail of the standing office (Phòng Văn hóa - Xã hội)"),
        max_length=254,
        widget=forms.EmailInput,
        help_text=_("The invitation to the portal goes to this address."),
    )
    office_name = forms.CharField(
        label=_("Person invited"),
        max_length=150,
        required=False,
        help_text=_("Full name of the officer, if known."),
    )


class CommuneImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel list of communes (.xlsx)"),
        help_text=_("The portal's template, one row a commune."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
