from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from communes.access import MANAGE, READ, access_in_commune
from communes.mixins import CommuneMixin
from communes.selectors import units_of
from plans.models import Plan, PlanStanding
from plans.selectors import plans_with_counts
from plans.services import PlanStatusError, plan_put_in_force


class CommuneDetailView(CommuneMixin, TemplateView):
    """A commune's page: its plans and its units."""

    permissions = {"GET": READ}
    template_name = "communes/commune_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = plans_with_counts(self.commune)
        context["units"] = units_of(self.commune)
        context["is_province_reader"] = self.scope.is_province_reader_of(self.commune)
        return context


class PlanInForceView(CommuneMixin, View):
    """POST: the office puts a draft plan in force (the button on a draft's page)."""

    permissions = {"POST": MANAGE}
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        plan = access_in_commune(Plan.objects.all(), self.commune, kwargs["pk"])
        try:
            plan = plan_put_in_force(actor=request.user, plan=plan)
        except PlanStatusError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("The plan is now in force."))
            if plan.standing != PlanStanding.IN_FORCE:
                messages.info(
                    request,
                    gettext(
                        "Its period (%(period)s) is not today's, so it shows as «%(standing)s»."
                    )
                    % {"period": plan.period_display, "standing": plan.standing.label},
                )
        return redirect("reporting:plan", self.commune.code, plan.pk)
