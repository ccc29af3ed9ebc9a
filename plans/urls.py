from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("communes/<slug:commune_code>/", views.CommuneDetailView.as_view(), name="commune"),
    path("communes/<slug:commune_code>/plans/new/", views.PlanFormView.as_view(), name="create"),
    path(
        "communes/<slug:commune_code>/plans/<int:pk>/",
        views.PlanDetailView.as_view(),
        name="detail",
    ),
    path(
        "communes/<slug:commune_code>/plans/<int:pk>/edit/",
        views.PlanFormView.as_view(),
        name="edit",
    ),
    path(
        "communes/<slug:commune_code>/plans/<int:pk>/in-force/",
        views.PlanInForceView.as_view(),
        name="in_force",
    ),
]
