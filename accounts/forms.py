from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communes.invitations import COMMUNE_ROLES
from communes.models import Role, Unit, UnitKind


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


class InvitationPasswordForm(forms.Form):
    """A new account's password, chosen when accepting an invitation (Django's validators)."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password confirmation"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            candidate = User(
                username=self.invitation.email,
                email=self.invitation.email,
                full_name=self.invitation.full_name,
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
