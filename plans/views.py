from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from communes.access import access_in_commune
from communes.mixins import CommuneMixin, CommuneObjectFormView
from plans.forms import PlanForm
from plans.models import Plan
from plans.selectors import plan_detail


class PlanDetailView(CommuneMixin, TemplateView):
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = access_in_commune(Plan.objects.all(), self.commune, self.kwargs["pk"])
        context["detail"] = plan_detail(plan)
        context["plan"] = plan
        return context


class PlanFormView(CommuneObjectFormView):
    model = Plan
    form_class = PlanForm
    template_name = "plans/plan_form.html"
    success_message = _("The plan was saved.")

    def get_success_url(self):
        return reverse("plans:detail", args=[self.commune.code, self.object.pk])
