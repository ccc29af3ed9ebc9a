"""The plan template download of the standing office (onboarding.template writes it)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from communes.access import access_commune_by_code

from .template import plan_template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def plan_template_download(request, commune_code):
    """The empty template listing the commune's units; another commune's answers 404."""
    commune = access_commune_by_code(request.user, commune_code, manage=True)
    response = HttpResponse(plan_template_workbook(commune=commune), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-ke-hoach-{commune.code}.xlsx"'
    return response
