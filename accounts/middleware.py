"""Who must verify a second factor sees nothing else until the session is verified."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.security import session_second_factor_required, session_verified

# Reachable before the second factor: the pages that set it up or check it, and the way out.
OPEN_URL_NAMES = (
    "accounts:second_factor_verify",
    "accounts:second_factor_setup",
    "logout",
    "set_language",
)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in OPEN_URL_NAMES)
        return self._open_paths

    def __call__(self, request):
        if self.must_verify(request):
            return self.refuse(request)
        return self.get_response(request)

    def must_verify(self, request) -> bool:
        if not request.user.is_authenticated:
            return False
        path = request.path_info
        if path in self.open_paths() or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return False
        if path.startswith("/api/") and request.headers.get("Authorization"):
            return False  # a token is its own credential, checked by the API
        return session_second_factor_required(request) and not session_verified(request)

    def refuse(self, request):
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": "second_factor_required",
                        "message": _(
                            "Verify your second factor (authenticator code) on the portal first."
                        ),
                    }
                },
                status=403,
            )
        target = reverse("accounts:second_factor_verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
