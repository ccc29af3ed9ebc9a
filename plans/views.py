from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from communes.access import MANAGE, READ, access_in_commune
from communes.mixins import CommuneMixin, CommuneObjectFormView
from communes.selectors import units_of
from plans.forms import PlanForm
from plans.models import Plan, PlanStanding
from plans.selectors import plan_detail, plans_with_counts
from plans.services import PlanStatusError, plan_put_in_force
from reporting.duty import schedules_to_complete_message
from reporting.selectors import commune_figures, periods_with_approved_reports
from reporting.services import schedules_from_duty


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


class PlanDetailView(CommuneMixin, TemplateView):
    permissions = {"GET": READ}
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = access_in_commune(Plan.objects.all(), self.commune, self.kwargs["pk"])
        context["detail"] = plan_detail(plan)
        context["plan"] = plan
        context.update(self.figures(plan))
        return context

    def figures(self, plan) -> dict:
        """The commune's figures for a period, derived from approved unit reports only."""
        periods = periods_with_approved_reports(self.commune, limit=24)
        chosen = next((p for p in periods if p.code == self.request.GET.get("period")), None)
        chosen = chosen or (periods[0] if periods else None)
        if chosen is None:
            return {"figure_period": None, "figures": {}, "figure_periods": []}
        return {
            "figure_period": chosen,
            "figures": commune_figures(self.commune, chosen),
            "figure_periods": periods,
        }


class PlanFormView(CommuneObjectFormView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    model = Plan
    form_class = PlanForm
    template_name = "plans/plan_form.html"
    success_message = _("The plan was saved.")

    def after_save(self, form) -> None:
        # A duty without days ("định kỳ hàng năm hoặc đột xuất") leaves the schedule to complete.
        created = schedules_from_duty(commune=self.commune, text=self.object.reporting_duty)
        if created:
            messages.warning(self.request, schedules_to_complete_message(created))

    def get_success_url(self):
        return reverse("plans:detail", args=[self.commune.code, self.object.pk])


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
        return redirect("plans:detail", self.commune.code, plan.pk)
