"""The plan's own pages: its page, with the commune's figures from approved reports, and its
form, which sets up the reporting schedules its duty names. They sit here, above `plans`, because
they show and write reporting; the commune page and putting a plan in force are `plans.views`."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from communes.access import MANAGE, READ, access_in_commune
from communes.mixins import CommuneMixin, CommuneObjectFormView
from plans.forms import PlanForm
from plans.models import Plan
from plans.selectors import plan_detail
from reporting.duty import schedules_to_complete_message
from reporting.selectors import commune_figures, periods_with_approved_reports
from reporting.services import schedules_from_duty


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
        return reverse("reporting:plan", args=[self.commune.code, self.object.pk])
