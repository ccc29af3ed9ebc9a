from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from communes.access import access_in_commune
from communes.audit import audit_rows, audit_trail_for
from communes.mixins import CommuneMixin, PlanChildFormView
from dashboards.views import indicator_progress_context
from indicators.forms import IndicatorForm, IndicatorGroupForm
from indicators.models import Indicator, IndicatorGroup
from indicators.services import indicator_targets_set


class IndicatorGroupFormView(PlanChildFormView):
    model = IndicatorGroup
    form_class = IndicatorGroupForm
    success_message = _("The indicator group was saved.")

    def success_anchor(self):
        return f"#group-{self.object.pk}"


class IndicatorFormView(PlanChildFormView):
    model = Indicator
    form_class = IndicatorForm
    template_name = "indicators/indicator_form.html"
    success_message = _("The indicator was saved.")

    def after_save(self, form):
        indicator_targets_set(
            actor=self.request.user,
            indicator=self.object,
            texts=form.target_texts(),
            exists_by=form.cleaned_data.get("exists_by"),
        )

    def success_anchor(self):
        return f"#indicator-{self.object.pk}"


class IndicatorDetailView(CommuneMixin, TemplateView):
    template_name = "indicators/indicator_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = Indicator.objects.select_related("plan", "group", "parent").prefetch_related(
            "lead_units", "support_units", "targets"
        )
        indicator = access_in_commune(queryset, self.commune, self.kwargs["pk"])
        context.update(
            indicator=indicator,
            plan=indicator.plan,
            audit_entries=audit_rows(audit_trail_for(indicator)[:100]),
        )
        # Its figures per period against the target path, and who reported them (issue 6).
        context.update(
            indicator_progress_context(self.request, indicator=indicator, commune=self.commune)
        )
        return context
