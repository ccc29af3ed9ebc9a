"""Every page and API view says at its top what each of its methods needs (`permissions`, a map of
`communes.access` capabilities), read by `communes.mixins.PermissionsMixin` and
`api.permissions.DeclaredPermission`; none is left to imperative checks in its body."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic import TemplateView

from communes.access import (
    INTERNAL,
    MANAGE,
    READ,
    Capability,
    capability_for,
    permissions_check,
)
from communes.mixins import CommuneMixin

# Views that decide nothing of a tenant or a role, each with its reason.
EXEMPT = {
    "communes.views.home": "sends each person to their home page, decides nothing",
    "config.health.healthz": "a probe, no user",
    "config.health.readyz": "a probe, no user",
    "django.views.i18n.set_language": "one's own language cookie",
    "accounts.views.InvitationAcceptView": "reached by the invitation's secret link",
    "accounts.views.InvitationLinkView": "reached by the invitation's secret link",
    "accounts.second_factor.SecondFactorView": "one's own second factor, at login",
    "accounts.second_factor.SecondFactorSetupView": "one's own second factor, at login",
    "accounts.second_factor.SecondFactorVerifyView": "one's own second factor, at login",
    "drf_spectacular.views.SpectacularAPIView": "the public schema",
    "drf_spectacular.views.SpectacularSwaggerSplitView": "the public schema's page",
}


# Not converted yet (they still decide through access.py in their bodies): none.
NOT_YET: tuple[str, ...] = ()


def _views():
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.callback

    for pattern, callback in walk(get_resolver().url_patterns):
        if pattern.startswith("admin/"):
            continue
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
        yield pattern, view, f"{view.__module__}.{view.__name__}"


def test_every_view_declares_what_each_of_its_methods_needs():
    undeclared = []
    for pattern, view, name in _views():
        if name in EXEMPT or name.startswith(("django.contrib.auth.", *NOT_YET)):
            continue
        declared = getattr(view, "permissions", None)
        if not isinstance(declared, dict) or not isinstance(view, type):
            undeclared.append(f"{pattern}: {name}")
            continue
        assert all(isinstance(capability, Capability) for capability in declared.values()), name
        permissions_check(view, declared)  # every handler of the view is declared
    assert undeclared == [], "\n".join(undeclared)


def test_head_and_options_ask_what_get_asks_and_an_undeclared_method_nothing():
    permissions = {"GET": INTERNAL, "POST": MANAGE}
    assert capability_for(permissions, "HEAD") is INTERNAL
    assert capability_for(permissions, "OPTIONS") is INTERNAL
    assert capability_for(permissions, "POST") is MANAGE
    assert capability_for(permissions, "DELETE") is None
    assert capability_for({"GET": READ}, "PUT") is None


def test_the_former_manage_flag_and_an_undeclared_handler_fail_when_defined():
    """The former flag (`manage = True`, every method needing MANAGE) is read by nothing: a view
    still saying it fails when it is defined, not silently as a reader's page."""
    with pytest.raises(ImproperlyConfigured, match="manage"):

        class FormerManagerPage(CommuneMixin, TemplateView):
            manage = True

    with pytest.raises(ImproperlyConfigured, match="declares no capability for POST"):

        class UndeclaredPost(CommuneMixin, TemplateView):
            permissions = {"GET": READ}

            def post(self, request, *args, **kwargs):
                raise AssertionError
