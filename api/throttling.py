"""A rate limit for token clients (the province's systems); people in a browser are not throttled."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """`settings.API_TOKEN_RATE` requests per token, counted in the cache (Redis in production).

    Redis down, the cache (`config.cache.DegradingRedisCache`) reads as empty and drops writes:
    the throttle cannot count and lets the request through, with a warning in the log.
    """

    scope = "api_token"

    def get_rate(self) -> str:
        return settings.API_TOKEN_RATE

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        # The prefix rather than the id: ids of deleted tokens (and rolled-back test rows) recur.
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
