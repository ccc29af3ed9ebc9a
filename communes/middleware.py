"""The read-only roles' wall: a write by an inspector is refused before any view runs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from communes.access import writes_refused


class ReadOnlyRoleMiddleware:
    """Browser writes (POST) of a read-only person answer 403, after the URL's commune or
    province is resolved (404 outside the scope). The API refuses them itself
    (`api.permissions.ReadOnlyRolePermission`) in its own error shape, token callers included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "cls", None) is not None:  # a DRF view
            return None
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if writes_refused(request.user, request.method, match.view_name, view_kwargs):
            raise PermissionDenied
        return None
