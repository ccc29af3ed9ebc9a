from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path(
        "communes/<slug:commune_code>/indicators/<int:pk>/",
        views.IndicatorDetailView.as_view(),
        name="indicator",
    ),
    path(
        "communes/<slug:commune_code>/dashboard/",
        views.CommuneDashboardView.as_view(),
        name="commune",
    ),
    path(
        "communes/<slug:commune_code>/indicators/<int:pk>/figures.xlsx",
        views.IndicatorFiguresExcelView.as_view(),
        name="indicator_excel",
    ),
    path("national/", views.NationalSummaryView.as_view(), name="national"),
    path(
        "provinces/<slug:province_code>/dashboard/",
        views.ProvinceDashboardView.as_view(),
        name="province",
    ),
]
