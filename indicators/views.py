from django.utils.translation import gettext_lazy as _

from communes.access import MANAGE
from indicators.forms import IndicatorForm, IndicatorGroupForm
from indicators.models import Indicator, IndicatorGroup
from indicators.services import indicator_targets_set
from plans.mixins import PlanChildFormView


class IndicatorGroupFormView(PlanChildFormView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
    model = IndicatorGroup
    form_class = IndicatorGroupForm
    success_message = _("The indicator group was saved.")

    def success_anchor(self):
        return f"#group-{self.object.pk}"


class IndicatorFormView(PlanChildFormView):
    permissions = {"GET": MANAGE, "POST": MANAGE}
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
