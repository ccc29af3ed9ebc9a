"""View mixins that resolve the commune once, through the access rules, before anything else,
and check what the view declares each method needs (`permissions`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic.edit import FormView

from communes.access import (
    MANAGE,
    READ,
    Capability,
    access_commune_for,
    access_in_commune,
    access_province_for,
    allowed,
    capability_for,
    permissions_check,
    require,
    scope_for,
)
from communes.services import model_form_save


class PermissionsMixin(LoginRequiredMixin):
    """The one reader of a page's declared `permissions`: {method: capability} (`communes.access`).

    Anonymous callers are sent to the login page; the place of the URL (a commune or a province,
    `resolve_place`) is resolved first, 404 outside the caller's scope; then the method's
    capability is checked, 403 without it. A method the view does not declare answers 405 once
    the caller holds what every declared method needs (before anything else with
    `other_methods_first`: the pages that were `require_POST`). `self.require(capability, obj)`
    checks a capability on an object once it is found.
    """

    permissions: dict[str, Capability] | None = None
    other_methods_first = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "manage" in cls.__dict__:  # the former flag is read by nothing any more
            raise ImproperlyConfigured(
                f'{cls.__name__}: declare permissions = {{"GET": MANAGE, "POST": MANAGE}} '
                "instead of manage = True"
            )
        if "permissions" in cls.__dict__:
            permissions_check(cls, cls.permissions)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        method = request.method.lower()
        if self.other_methods_first and not hasattr(self, method):
            return self.http_method_not_allowed(request, *args, **kwargs)
        if self.permissions is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no permissions")
        self.scope = scope_for(request.user)
        capability = capability_for(self.permissions, request.method)
        self.place = self.resolve_place(request, kwargs, capability or READ)
        if capability is None:
            # Not declared (no handler, or a form's PUT, Django's alias of its POST): 405, once
            # the caller holds what every declared method needs, as before for a manager's page.
            for declared in self.permissions.values():
                self.require(declared)
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def resolve_place(self, request, kwargs, capability: Capability):
        require(self.scope, capability)
        return None

    def require(self, capability: Capability, obj=None) -> None:
        require(self.scope, capability, self.place, obj)

    def allows(self, capability: Capability, obj=None) -> bool:
        return allowed(self.scope, capability, self.place, obj)


class CommuneMixin(PermissionsMixin):
    """Sets `self.commune` from the URL's commune code: 404 for a commune the caller cannot read,
    403 without the capability the method declares."""

    def resolve_place(self, request, kwargs, capability: Capability):
        self.commune = access_commune_for(request.user, kwargs["commune_code"], capability)
        return self.commune

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commune"] = self.commune
        context["can_manage"] = self.scope.can_manage_commune(self.commune)
        return context


class ProvinceMixin(PermissionsMixin):
    """Sets `self.province` from the URL: 404 for a province the caller cannot read, 403 without
    the capability the method declares."""

    def resolve_place(self, request, kwargs, capability: Capability):
        self.province = access_province_for(request.user, kwargs["province_code"], capability)
        return self.province

    def province_url(self) -> str:
        return reverse("communes:province", args=[self.province.code])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["province"] = self.province
        context["can_manage"] = self.scope.can_manage_province(self.province)
        return context


class CommuneObjectFormView(CommuneMixin, FormView):
    """Create or edit one object of a commune the caller manages, through `model_form_save`.

    Subclasses name `model` (or override `get_queryset`), `form_class` and `template_name`;
    `object_pk_kwarg` is the URL kwarg of the object to edit (absent: create).
    """

    permissions = {"GET": MANAGE, "POST": MANAGE}
    model = None
    object_pk_kwarg = "pk"
    template_name = "communes/object_form.html"
    success_message = ""

    def get_queryset(self):
        return self.model.objects.all()

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def setup_object(self):
        pk = self.kwargs.get(self.object_pk_kwarg)
        if pk is not None:
            self.object = access_in_commune(self.get_queryset(), self.commune, pk)

    def get(self, request, *args, **kwargs):
        self.setup_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        kwargs.update(self.get_form_extra_kwargs())
        return kwargs

    def get_form_extra_kwargs(self) -> dict:
        return {"commune": self.commune}

    def form_valid(self, form):
        self.object = model_form_save(actor=self.request.user, commune=self.commune, form=form)
        self.after_save(form)
        messages.success(self.request, self.success_message or _("Saved."))
        return HttpResponseRedirect(self.get_success_url())

    def after_save(self, form) -> None:
        pass

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        name = self.model._meta.verbose_name
        if self.object is None:
            context["title"] = _("New %(thing)s") % {"thing": name}
        else:
            context["title"] = _("Edit %(thing)s: %(object)s") % {
                "thing": name,
                "object": self.object,
            }
        return context
