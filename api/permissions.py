"""What a token's scope allows on top of its owner's roles (the roles live in `communes.access`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken
from communes.access import writes_refused


class TokenScopePermission(permissions.BasePermission):
    """A read-only token reads; it never writes, whatever its owner's role."""

    message = _("This API token is read-only: create a read-and-write token to make changes.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "POST" and getattr(view, "read_only_tokens_may_post", False):
            return True  # requesting a report file changes no data
        token = request.auth
        return not isinstance(token, ApiToken) or token.can_write


class ReadOnlyRolePermission(permissions.BasePermission):
    """An inspector reads and never writes, by token or session (the rule is `communes.access`)."""

    message = _("Your role reads the portal: it cannot change anything.")

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return True  # IsAuthenticated answers
        # Not even a report file request: it makes a file, and the acceptance says every write.
        name = request.resolver_match.view_name if request.resolver_match else ""
        return not writes_refused(request.user, request.method, name, view.kwargs)
