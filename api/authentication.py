"""`Authorization: Bearer kpi_…`: personal API tokens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiToken
from api.services import api_token_mark_used, token_matches, token_split


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _sep, token = header.strip().partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None  # another scheme (e.g. Basic): not ours to judge
        token = token.strip()
        parts = token_split(token) if token and " " not in token else None
        if parts is None:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must read «Bearer <token>».")
            )
        row = ApiToken.objects.select_related("user").filter(prefix=parts[0]).first()
        if row is None or not token_matches(row, token):
            raise exceptions.AuthenticationFailed(_("This API token is not valid."))
        if row.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API token was revoked."))
        if row.is_expired:
            raise exceptions.AuthenticationFailed(
                _("This API token has expired: create a new one on the «API tokens» page.")
            )
        if not row.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("The account of this API token is deactivated.")
            )
        api_token_mark_used(token=row)
        return row.user, row

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'
