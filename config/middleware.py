import logging
import re
import time
import uuid

from django.conf import settings
from django.utils import translation

from config.log import RequestContext, request_context_reset, request_context_set

access_log = logging.getLogger("portal.access")
# A request id from the proxy is kept only if it looks like one (no log injection).
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """A request id for every request (kept from X-Request-ID when sane, echoed back), the user and
    the commune on every log line written meanwhile, and one access line at the end."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request.request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex
        token = request_context_set(RequestContext(request_id=request.request_id))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            # Known only now: the user once authenticated, the commune once the URL resolved.
            request_context_set(self._context(request))
            response.headers["X-Request-ID"] = request.request_id
            access_log.info(
                "%s %s %s %.0f ms",
                request.method,
                request.get_full_path(),
                response.status_code,
                (time.monotonic() - started) * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_context_reset(token)

    @staticmethod
    def _context(request) -> RequestContext:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        commune = match.kwargs.get("commune_code") if match else None
        return RequestContext(
            request_id=request.request_id,
            user=user.get_username() if user is not None and user.is_authenticated else "-",
            commune=commune or "-",
        )


class CookieLocaleMiddleware:
    """Vietnamese unless the person chose another language with the switcher (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many commune PCs
    run an English browser: the portal must still speak Vietnamese to them by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
