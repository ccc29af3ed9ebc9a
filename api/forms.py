from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import TokenScope
from api.services import TOKEN_LIFETIMES_DAYS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. «IOC of the province» or «village data import»."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_(
            "A token never does more than your role allows. Read only is enough to pull figures."
        ),
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(days, _("%(days)s days") % {"days": days}) for days in TOKEN_LIFETIMES_DAYS],
        initial=90,
    )
