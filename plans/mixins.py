"""The form view of what belongs to a plan: indicators, their groups, tasks and sections."""

from __future__ import annotations

from django.urls import reverse

from communes.access import MANAGE, access_in_commune
from communes.mixins import CommuneObjectFormView
from plans.models import Plan


class PlanChildFormView(CommuneObjectFormView):
    """A form for an object that belongs to a plan (indicator, group, task, section)."""

    permissions = {"GET": MANAGE, "POST": MANAGE}

    def setup_object(self):
        super().setup_object()
        if self.object is not None:
            self.plan = self.object.plan
        else:
            self.plan = access_in_commune(Plan.objects.all(), self.commune, self.kwargs["plan_pk"])

    def get_form_extra_kwargs(self) -> dict:
        return {"plan": self.plan}

    def get_success_url(self):
        return self.plan_url() + self.success_anchor()

    def plan_url(self) -> str:
        return reverse("reporting:plan", args=[self.commune.code, self.plan.pk])

    def success_anchor(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        return context
