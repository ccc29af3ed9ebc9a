from django.urls import path

from push import views

app_name = "push"
urlpatterns = [
    path("provinces/<slug:province_code>/push/", views.PushSettingsView.as_view(), name="settings"),
    path(
        "provinces/<slug:province_code>/push/dry-run/",
        views.PushDryRunView.as_view(),
        name="dry_run",
    ),
    path(
        "provinces/<slug:province_code>/push/deliveries/",
        views.PushDeliveryListView.as_view(),
        name="deliveries",
    ),
]
