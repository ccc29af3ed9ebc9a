"""The API's permissions: what each view declares its methods need (`permissions`, a map of
`communes.access` capabilities), and what a token's scope allows on top of its owner's roles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from api.models import ApiToken
from communes.access import capability_for, refusal, scope_for, undeclared_refusal, writes_refused


def _place(view):
    """The commune or province the view resolved from its URL (before any permission runs)."""
    return getattr(view, "commune", None) or getattr(view, "province", None)


class DeclaredPermission(permissions.BasePermission):
    """The one reader of an API view's `permissions` ({method: capability}): the rules decide
    in `communes.access`. The commune or province of the URL is resolved first (404 outside
    the caller's scope); then the method's capability on it (403, with its sentence); the
    object's part of the capability once the view has found the object (`check_object_permissions`)."""

    message = exceptions.PermissionDenied.default_detail

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return True  # IsAuthenticated answers
        declared = getattr(view, "permissions", {})
        capability = capability_for(declared, request.method)
        scope = scope_for(request.user)
        if capability is None:  # no handler: 405, once the caller holds what the view needs
            why = undeclared_refusal(scope, declared, _place(view))
        else:
            why = refusal(scope, capability, _place(view))
            if why is not None and capability.hidden:
                raise exceptions.NotFound
        if why is not None:
            self.message = why or self.message
            return False
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        capability = capability_for(getattr(view, "permissions", {}), request.method)
        if capability is None:
            return True
        why = refusal(scope_for(request.user), capability, _place(view), obj)
        if why is not None:
            self.message = why or self.message
            return False
        return True


class TokenScopePermission(permissions.BasePermission):
    """A read-only token reads; it never writes, whatever its owner's role (a method whose
    capability changes no data, such as asking for a report file, is a read)."""

    message = _("This API token is read-only: create a read-and-write token to make changes.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        capability = capability_for(getattr(view, "permissions", {}), request.method)
        if capability is not None and not capability.changes_data:
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
