"""What every API view shares: the request's language, the commune resolved once, scoped querysets."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, generics
from rest_framework.views import APIView

from communes.access import READ, access_commune_for, scope_for


class ApiMixin:
    """Vietnamese unless the portal's language switch (cookie) or `Accept-Language` asks for English.

    Each view declares what its methods need (`permissions`, read by
    `api.permissions.DeclaredPermission`); reading is the default."""

    permissions = {"GET": READ}

    def initial(self, request, *args, **kwargs):
        language = translation.get_language_from_request(request._request)
        translation.activate(language)
        request._request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ["Accept-Language", "Cookie", "Authorization"])
        return response


class CommuneApiMixin(ApiMixin):
    """`self.commune` from the URL's commune code, resolved once, before any other check.

    A commune the caller may not read answers 404 exactly like a missing one, whatever the method,
    so that a code reveals nothing; then the view's declared `permissions` are checked (views of
    the commune's internal reporting work declare INTERNAL: 403 to a province officer, who may
    read the commune but not its units' reports — the rule of the browser's reporting pages).
    """

    def check_permissions(self, request):
        if request.user and request.user.is_authenticated:
            self.scope = scope_for(request.user)
            self.commune = access_commune_for(request.user, self.kwargs["commune_code"])
        super().check_permissions(request)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "members_only" in cls.__dict__:  # the former flag is read by nothing any more
            raise ImproperlyConfigured(
                f'{cls.__name__}: declare permissions = {{"GET": INTERNAL}} instead of members_only'
            )


class ScopedQuerysetMixin:
    """`get_queryset` is `scoped_queryset()`; while the schema is generated, the empty class queryset."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.scoped_queryset()

    def scoped_queryset(self):
        raise NotImplementedError


class ApiListView(ApiMixin, ScopedQuerysetMixin, generics.ListAPIView):
    pass


class ApiRetrieveView(ApiMixin, ScopedQuerysetMixin, generics.RetrieveAPIView):
    filter_backends = []


class CommuneScopedListView(CommuneApiMixin, ScopedQuerysetMixin, generics.ListAPIView):
    pass


class CommuneScopedRetrieveView(CommuneApiMixin, ScopedQuerysetMixin, generics.RetrieveAPIView):
    filter_backends = []


class NotFoundView(ApiMixin, APIView):
    """Any other address under /api/v1/: the API's 404, not the portal's HTML page."""

    permissions = dict.fromkeys(("GET", "POST", "PUT", "PATCH", "DELETE"), READ)  # a 404 to all
    permission_classes = []
    authentication_classes = []
    throttle_classes = []
    schema = None

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound(_("Nothing is published at this address of the API."))

    post = put = patch = delete = get
