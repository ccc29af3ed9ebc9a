from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from communes.access import (
    access_province_by_code,
    communes_readable,
    provinces_readable,
    scope_for,
)
from communes.forms import UnitForm
from communes.mixins import CommuneMixin, CommuneObjectFormView
from communes.models import Commune, Unit
from plans.selectors import plans_of_commune


@login_required
def home(request):
    """Send each person where their role belongs; a person with several places chooses."""
    scope = scope_for(request.user)
    communes = list(Commune.objects.filter(pk__in=scope.commune_ids).select_related("province"))
    provinces = list(provinces_readable(request.user))
    destinations = [reverse("communes:detail", args=[c.code]) for c in communes]
    destinations += [reverse("communes:province", args=[p.code]) for p in provinces]
    if len(destinations) == 1 and not scope.is_admin:
        return redirect(destinations[0])
    return render(
        request,
        "communes/home.html",
        {"communes": communes, "provinces": provinces, "scope": scope},
    )


class CommuneDetailView(CommuneMixin, TemplateView):
    template_name = "communes/commune_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = plans_of_commune(self.commune).annotate(
            indicator_count=Count(
                "indicators", filter=Q(indicators__is_heading=False), distinct=True
            ),
            task_count=Count("tasks", distinct=True),
        )
        context["units"] = Unit.objects.filter(commune=self.commune).order_by("order", "short_name")
        context["is_province_reader"] = self.scope.is_province_reader_of(self.commune)
        return context


class ProvinceDetailView(TemplateView):
    template_name = "communes/province_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        province = access_province_by_code(self.request.user, self.kwargs["province_code"])
        context["province"] = province
        context["communes"] = (
            communes_readable(self.request.user)
            .filter(province=province)
            .annotate(
                plan_count=Count("plans", distinct=True),
                unit_count=Count("units", distinct=True),
            )
            .order_by("name")
        )
        return context


class UnitListView(CommuneMixin, TemplateView):
    manage = True
    template_name = "communes/unit_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["units"] = (
            Unit.objects.filter(commune=self.commune)
            .annotate(staff_count=Count("memberships", filter=Q(memberships__is_active=True)))
            .order_by("order", "short_name")
        )
        return context


class UnitFormView(CommuneObjectFormView):
    model = Unit
    form_class = UnitForm
    success_message = _("The unit was saved.")

    def get_success_url(self):
        return reverse("communes:units", args=[self.commune.code])
