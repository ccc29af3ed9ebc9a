from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path(
        "communes/<slug:commune_code>/reports/",
        views.commune_report_list,
        name="commune_reports",
    ),
    path(
        "communes/<slug:commune_code>/reports/files/<int:pk>/",
        views.commune_file,
        name="commune_file",
    ),
    path(
        "communes/<slug:commune_code>/reports/files/<int:pk>/status/",
        views.commune_status,
        name="commune_status",
    ),
    path(
        "communes/<slug:commune_code>/reports/files/<int:pk>/download/",
        views.commune_download,
        name="commune_download",
    ),
    path(
        "communes/<slug:commune_code>/reports/files/<int:pk>/regenerate/",
        views.commune_file_regenerate,
        name="commune_regenerate",
    ),
    path(
        "communes/<slug:commune_code>/reports/files/<int:pk>/signed/",
        views.commune_signed,
        name="commune_signed",
    ),
    path(
        "communes/<slug:commune_code>/reports/files/<int:pk>/signed/download/",
        views.commune_signed_download,
        name="commune_signed_download",
    ),
    path(
        "communes/<slug:commune_code>/reports/<str:period_code>/",
        views.commune_report,
        name="commune_report",
    ),
    path("provinces/<slug:province_code>/reports/", views.province_report, name="province_report"),
    path(
        "provinces/<slug:province_code>/reports/files/<int:pk>/",
        views.province_file,
        name="province_file",
    ),
    path(
        "provinces/<slug:province_code>/reports/files/<int:pk>/status/",
        views.province_status,
        name="province_status",
    ),
    path(
        "provinces/<slug:province_code>/reports/files/<int:pk>/download/",
        views.province_download,
        name="province_download",
    ),
    path(
        "provinces/<slug:province_code>/reports/files/<int:pk>/regenerate/",
        views.province_file_regenerate,
        name="province_regenerate",
    ),
    path(
        "provinces/<slug:province_code>/reports/files/<int:pk>/signed/",
        views.province_signed,
        name="province_signed",
    ),
    path(
        "provinces/<slug:province_code>/reports/files/<int:pk>/signed/download/",
        views.province_signed_download,
        name="province_signed_download",
    ),
    path("national/reports/", views.national_request, name="national_request"),
    path("national/consolidated/<int:pk>/", views.national_file, name="national_file"),
    path("national/consolidated/<int:pk>/status/", views.national_status, name="national_status"),
    path(
        "national/consolidated/<int:pk>/download/",
        views.national_download,
        name="national_download",
    ),
]
