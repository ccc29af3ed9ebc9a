from django.contrib.auth.decorators import login_required
from django.urls import path

from communes import views

app_name = "communes"
urlpatterns = [
    path("communes/<slug:commune_code>/", views.CommuneDetailView.as_view(), name="detail"),
    path("communes/<slug:commune_code>/units/", views.UnitListView.as_view(), name="units"),
    path(
        "communes/<slug:commune_code>/units/new/", views.UnitFormView.as_view(), name="unit_create"
    ),
    path(
        "communes/<slug:commune_code>/units/<int:pk>/edit/",
        views.UnitFormView.as_view(),
        name="unit_edit",
    ),
    path(
        "provinces/<slug:province_code>/",
        login_required(views.ProvinceDetailView.as_view()),
        name="province",
    ),
]
