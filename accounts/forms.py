from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.services import COMMUNE_ROLES
from communes.models import Unit, UnitKind


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"))
    full_name = forms.CharField(label=_("full name"), max_length=150)
    role = forms.ChoiceField(
        label=_("role"),
        choices=[(role.value, role.label) for role in COMMUNE_ROLES],
        initial=Role.UNIT_STAFF,
    )
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(commune=commune, is_active=True).exclude(
            kind=UnitKind.EXTERNAL
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.UNIT_STAFF and not cleaned.get("unit"):
            self.add_error("unit", _("Choose the unit this person reports for."))
        return cleaned
