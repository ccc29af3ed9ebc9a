from django.contrib import admin
from django.urls import include, path

from communes import views as commune_views
from config import health

admin.site.site_header = "Cổng chỉ tiêu KHCN, ĐMST và CĐS cấp xã"

urlpatterns = [
    path("", commune_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),  # probes: alive, and ready to serve
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("communes.urls")),
    path("", include("onboarding.template_urls")),  # before plans: "plans/template.xlsx"
    path("", include("plans.urls")),
    path("", include("onboarding.urls")),
    path("", include("indicators.urls")),
    path("", include("tasks.urls")),
    path("", include("reporting.urls")),
    path("", include("reports.urls")),
    path("", include("reminders.urls")),
    path("", include("dashboards.urls")),
    path("", include("todo.urls")),
    path("", include("emulation.urls")),
    path("", include("push.urls")),
    path("api/", include("api.urls")),
]
