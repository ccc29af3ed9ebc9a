"""The second factor's pages: set up the authenticator app, verify a code, recovery codes."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts.security import (
    SECOND_FACTOR_ENROLLED_SESSION_KEY,
    second_factor_required_by_role,
    session_verified,
)
from accounts.services import (
    recovery_codes_left,
    recovery_codes_regenerate,
    second_factor_confirm,
    second_factor_device_to_scan,
    second_factor_disable,
)

# The key being set up, kept in the session until its first right code (nothing stored before).
SETUP_KEY_SESSION_KEY = "_second_factor_setup_key"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=6)
    return mark_safe(image.to_string(encoding="unicode"))  # our own SVG: no user input in markup


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _device_accepting(user, code: str):
    """The device that accepts this code: six digits are the app's, others a recovery code.
    Each device counts its own wrong codes and slows down after them (django-otp throttling)."""
    code = code.strip().replace(" ", "").lower()
    if len(code) == 6 and code.isdigit():
        device = _confirmed_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    return verify_token(user, device.persistent_id, code)


def _verified(request, device) -> None:
    request.session.cycle_key()  # a new session id for the more trusted session
    otp_login(request, device)
    request.session[SECOND_FACTOR_ENROLLED_SESSION_KEY] = True


class SecondFactorView(LoginRequiredMixin, View):
    """Settings: whether the second factor is on, recovery codes left, turn it off (if allowed)."""

    def get(self, request):
        return render(
            request,
            "accounts/second_factor.html",
            {
                "device": _confirmed_device(request.user),
                "required": second_factor_required_by_role(request.user),
                "codes_left": recovery_codes_left(request.user),
            },
        )

    def post(self, request):
        action = request.POST.get("action")
        if action == "recovery_codes" and _confirmed_device(request.user):
            codes = recovery_codes_regenerate(user=request.user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        if action == "disable" and not second_factor_required_by_role(request.user):
            second_factor_disable(actor=request.user, user=request.user)
            request.session[SECOND_FACTOR_ENROLLED_SESSION_KEY] = False
            messages.success(request, _("The second factor is turned off."))
        return HttpResponseRedirect(reverse("accounts:second_factor"))


class SecondFactorSetupView(LoginRequiredMixin, View):
    """Scan the QR code (or type the key), then confirm with the app's first code."""

    template_name = "accounts/second_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        # Someone who already has a device replaces it only from a verified session: otherwise
        # a stolen password would be enough to add a device of the thief's own.
        if (
            request.user.is_authenticated
            and _confirmed_device(request.user)
            and not session_verified(request)
        ):
            return HttpResponseRedirect(reverse("accounts:second_factor_verify"))
        return super().dispatch(request, *args, **kwargs)

    def device(self, request) -> TOTPDevice:
        key = request.session.get(SETUP_KEY_SESSION_KEY)
        if not key:
            key = request.session[SETUP_KEY_SESSION_KEY] = default_key()
        return second_factor_device_to_scan(user=request.user, key=key)

    def render_page(self, request, form, status=200):
        device = self.device(request)
        key = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "uri": device.config_url,
                "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
                "qr": _qr_svg(device.config_url),
                "required": second_factor_required_by_role(request.user),
                "next": _next_url(request),
            },
            status=status,
        )

    def get(self, request):
        return self.render_page(request, TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        device = self.device(request)
        codes = (
            second_factor_confirm(user=request.user, device=device, token=form.data["token"])
            if form.is_valid()
            else None
        )
        if codes is None:
            form.add_error(
                "token", _("This code is not right: type the six digits the app shows now.")
            )
            return self.render_page(request, form, status=400)
        request.session.pop(SETUP_KEY_SESSION_KEY, None)
        device.refresh_from_db()
        _verified(request, device)
        return render(
            request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
        )


class SecondFactorVerifyView(LoginRequiredMixin, View):
    """A code from the app, or one of the recovery codes, once per session."""

    template_name = "accounts/second_factor_verify.html"

    def get(self, request):
        if _confirmed_device(request.user) is None:
            return HttpResponseRedirect(
                reverse("accounts:second_factor_setup") + "?" + request.GET.urlencode()
            )
        return render(
            request, self.template_name, {"form": TokenForm(), "next": _next_url(request)}
        )

    def post(self, request):
        form = TokenForm(request.POST)
        device = None
        if form.is_valid():
            device = _device_accepting(request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error(
                "token",
                _(
                    "This code is not right, or too many wrong codes were tried: wait a moment and try again."
                ),
            )
            return render(
                request, self.template_name, {"form": form, "next": _next_url(request)}, status=400
            )
        _verified(request, device)
        if device.persistent_id.startswith("otp_static"):
            messages.warning(
                request,
                _(
                    "You used a recovery code: %(left)s left. Make new ones on the second factor page."
                )
                % {"left": recovery_codes_left(request.user)},
            )
        return HttpResponseRedirect(_next_url(request))
