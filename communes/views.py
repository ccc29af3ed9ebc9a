from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from communes.access import (
    MANAGE,
    READ,
    communes_readable,
    provinces_readable,
    scope_for,
)
from communes.excel import XLSX, commune_template_workbook
from communes.forms import CommuneCreateForm, CommuneImportForm, UnitForm
from communes.mixins import CommuneMixin, CommuneObjectFormView, ProvinceMixin
from communes.models import Commune, Unit
from communes.selectors import communes_belonged_to, units_with_staff_counts
from communes.services import CommunesInvalid, commune_create, communes_import_excel
from communes.slugs import slug_vi


@login_required
def home(request):
    """Send each person where their role belongs; a person with several places chooses."""
    scope = scope_for(request.user)
    communes = communes_belonged_to(scope)
    provinces = [p for p in provinces_readable(request.user) if scope.can_manage_province(p)]
    # Each person's home is the work in front of them ("Việc cần làm", the `todo` app); an
    # inspector's is what there is to read.
    destinations = [reverse("todo:commune", args=[c.code]) for c in communes]
    destinations += [reverse("todo:province", args=[p.code]) for p in provinces]
    if scope.is_inspector:
        destinations.append(reverse("todo:inspection"))
    if len(destinations) == 1 and not scope.is_admin:
        return redirect(destinations[0])
    return render(
        request,
        "communes/home.html",
        {"communes": communes, "provinces": provinces, "scope": scope},
    )


def _created_message(request, communes: list[Commune], *, email: str = "") -> None:
    if email:
        (commune,) = communes
        text = gettext(
            "%(commune)s was created (code %(code)s) with its Phòng Văn hóa - Xã hội; the "
            "invitation was sent to %(email)s."
        ) % {
            "commune": commune,
            "code": commune.code,
            "email": email,
        }
    else:
        text = ngettext(
            "%(count)s commune was created, each with its Phòng Văn hóa - Xã hội; each "
            "standing office was sent its invitation.",
            "%(count)s communes were created, each with its Phòng Văn hóa - Xã hội; each "
            "standing office was sent its invitation.",
            len(communes),
        ) % {"count": len(communes)}
    messages.success(request, text)


class ProvinceDetailView(ProvinceMixin, FormView):
    """The province's communes; its officers add one with the form below the list."""

    permissions = {"GET": READ, "POST": MANAGE}
    template_name = "communes/province_detail.html"
    form_class = CommuneCreateForm

    def form_valid(self, form):
        try:
            commune = commune_create(
                actor=self.request.user, province=self.province, **form.cleaned_data
            )
        except CommunesInvalid as exc:
            for error in exc.errors:
                field = error.field if error.field in form.fields else None
                form.add_error(field, capfirst(error.message))
            return self.form_invalid(form)
        _created_message(
            self.request, [commune], email=form.cleaned_data["office_email"].strip().lower()
        )
        return HttpResponseRedirect(f"{self.province_url()}#commune-{commune.code}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        communes = (
            communes_readable(self.request.user)
            .filter(province=self.province)
            .annotate(
                plan_count=Count("plans", distinct=True),
                unit_count=Count("units", distinct=True),
            )
        )
        # In the order of the Vietnamese alphabet: "Điền Quang" among the D, not after "Quảng Phú".
        context["communes"] = sorted(
            communes, key=lambda commune: (slug_vi(commune.name), commune.name)
        )
        return context


class CommuneTemplateView(ProvinceMixin, View):
    """The Excel template of the list of new communes."""

    permissions = {"GET": MANAGE}

    def get(self, request, *args, **kwargs):
        response = HttpResponse(commune_template_workbook(self.province), content_type=XLSX)
        name = f"mau-danh-sach-xa-{slug_vi(self.province.name)}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CommuneImportView(ProvinceMixin, FormView):
    """Upload the filled template: every commune is created, or none and the errors by row."""

    permissions = {"GET": MANAGE, "POST": MANAGE}
    template_name = "communes/commune_import.html"
    form_class = CommuneImportForm

    def form_valid(self, form):
        try:
            communes = communes_import_excel(
                actor=self.request.user, province=self.province, upload=form.cleaned_data["file"]
            )
        except CommunesInvalid as exc:
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    errors=exc.errors,
                    by_row=any(error.row for error in exc.errors),
                    file_name=form.cleaned_data["file"].name,
                )
            )
        _created_message(self.request, communes)
        return HttpResponseRedirect(self.province_url())


class UnitListView(CommuneMixin, TemplateView):
    permissions = {"GET": MANAGE}
    template_name = "communes/unit_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["units"] = units_with_staff_counts(self.commune)
        return context


class UnitFormView(CommuneObjectFormView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    model = Unit
    form_class = UnitForm
    success_message = _("The unit was saved.")

    def get_success_url(self):
        return reverse("communes:units", args=[self.commune.code])
