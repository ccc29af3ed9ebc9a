from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("communes/<slug:commune_code>/", views.CommuneDetailView.as_view(), name="commune"),
    # The plan's page and form are `reporting.plan_views` (reporting:plan, plan_create, plan_edit).
    path(
        "communes/<slug:commune_code>/plans/<int:pk>/in-force/",
        views.PlanInForceView.as_view(),
        name="in_force",
    ),
]
