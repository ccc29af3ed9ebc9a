from django.urls import path

from reminders import views

app_name = "reminders"
urlpatterns = [
    path(
        "communes/<slug:commune_code>/reminders/",
        views.ReminderPolicyView.as_view(),
        name="policy",
    ),
    path("notifications/settings/", views.PreferencesView.as_view(), name="preferences"),
]
