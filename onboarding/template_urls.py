from django.urls import path

from onboarding import template_views

urlpatterns = [
    path(
        "communes/<slug:commune_code>/plans/template.xlsx",
        template_views.PlanTemplateDownloadView.as_view(),
        name="plan_template_download",
    ),
]
