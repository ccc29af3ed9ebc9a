from django import forms
from django.utils.translation import gettext_lazy as _

from push.models import PushEndpoint

TOKEN_MIN_LENGTH = 16


class PushEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint address"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The address of the province's system (its IOC or reporting system) that takes the periods, e.g. https://ioc.example.gov.vn/kpi/push."
        ),
    )
    token = forms.CharField(
        label=_("Shared token"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "The secret both systems keep: the portal signs each body with it (HMAC-SHA256) and the receiver checks the signature. Leave empty to keep the current token."
        ),
    )
    is_active = forms.BooleanField(label=_("Push each approved period"), required=False)

    def __init__(self, *args, endpoint: PushEndpoint | None = None, **kwargs):
        self.endpoint = endpoint
        if endpoint is not None:
            kwargs.setdefault("initial", {"url": endpoint.url, "is_active": endpoint.is_active})
        else:
            kwargs.setdefault("initial", {"is_active": True})
        super().__init__(*args, **kwargs)

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not token and (self.endpoint is None or not self.endpoint.token):
            raise forms.ValidationError(_("Give the token the receiving system will check."))
        if token and len(token) < TOKEN_MIN_LENGTH:
            raise forms.ValidationError(
                _("The token must have at least %(count)s characters.")
                % {"count": TOKEN_MIN_LENGTH}
            )
        return token


class PushDryRunForm(forms.Form):
    commune = forms.ChoiceField(label=_("Commune"))
    period = forms.CharField(
        label=_("Period code"), max_length=20, help_text=_("E.g. 2025, 2025S1, 202506.")
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(commune.code, str(commune)) for commune in communes]
