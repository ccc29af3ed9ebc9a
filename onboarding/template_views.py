"""The plan template download of the standing office (onboarding.template writes it)."""

from django.http import HttpResponse
from django.views import View

from communes.access import MANAGE
from communes.mixins import CommuneMixin

from .template import plan_template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlanTemplateDownloadView(CommuneMixin, View):
    """The empty template listing the commune's units; another commune's answers 404."""

    permissions = {"GET": MANAGE}

    def get(self, request, *args, **kwargs):
        commune = self.commune
        response = HttpResponse(plan_template_workbook(commune=commune), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="mau-ke-hoach-{commune.code}.xlsx"'
        return response
