from django.urls import path

from communes import views

app_name = "communes"
urlpatterns = [
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
        views.ProvinceDetailView.as_view(),
        name="province",
    ),
    path(
        "provinces/<slug:province_code>/communes/template.xlsx",
        views.CommuneTemplateView.as_view(),
        name="commune_template",
    ),
    path(
        "provinces/<slug:province_code>/communes/import/",
        views.CommuneImportView.as_view(),
        name="commune_import",
    ),
]
