"""The «API tokens» page: each person creates and revokes their own tokens."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from api.forms import ApiTokenForm
from api.models import ApiToken
from api.selectors import tokens_of
from api.services import api_token_create, api_token_revoke
from communes.access import ACT, WRITE_OWN
from communes.mixins import PermissionsMixin


class TokenListView(PermissionsMixin, View):
    """GET: your tokens and the form. POST: a new token, whose secret this response shows once.

    The secret is rendered straight into the response to the POST and never stored, not even in
    the session: a reload asks the browser to send the form again rather than show it twice.
    A page only to act: refused to a read-only person even for reading.
    """

    permissions = {"GET": ACT, "POST": ACT}

    def get(self, request, *args, **kwargs):
        return token_list(request)

    post = get


def token_list(request):
    created, secret = None, None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created, secret = api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=timezone.now() + timedelta(days=form.cleaned_data["lifetime_days"]),
        )
        form = ApiTokenForm()
    tokens = tokens_of(request.user)
    response = render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "tokens": tokens,
            "created": created,
            "secret": secret,
            "now": timezone.now(),
            "api_base": request.build_absolute_uri("/api/v1/"),
        },
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


class TokenRevokeView(PermissionsMixin, View):
    permissions = {"POST": WRITE_OWN}
    other_methods_first = True  # POST only: 405 to any other method, first

    def post(self, request, *args, **kwargs):
        return token_revoke(request, kwargs["pk"])


def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, user=request.user, pk=pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(
        request,
        _("The token «%(name)s» was revoked: it no longer opens the API.") % {"name": token.name},
    )
    return HttpResponseRedirect(reverse("api:tokens"))
