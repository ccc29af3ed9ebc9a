from django.conf import settings
from django.utils import translation


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
