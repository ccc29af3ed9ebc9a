"""View mixins that resolve the commune once, through the access rules, before anything else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic.edit import FormView

from communes.access import access_commune_by_code, access_in_commune, scope_for
from communes.services import model_form_save


class CommuneMixin(LoginRequiredMixin):
    """Sets `self.commune` from the URL's commune code: 404 for a commune the caller cannot read."""

    manage = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scope = scope_for(request.user)
        self.commune = access_commune_by_code(
            request.user, kwargs["commune_code"], manage=self.manage
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commune"] = self.commune
        context["can_manage"] = self.scope.can_manage_commune(self.commune)
        return context


class CommuneObjectFormView(CommuneMixin, FormView):
    """Create or edit one object of a commune the caller manages, through `model_form_save`.

    Subclasses name `model` (or override `get_queryset`), `form_class` and `template_name`;
    `object_pk_kwarg` is the URL kwarg of the object to edit (absent: create).
    """

    manage = True
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
