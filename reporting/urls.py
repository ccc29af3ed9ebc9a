from django.urls import path

from reporting import extension_views, proposal_views, views

app_name = "reporting"
urlpatterns = [
    path("communes/<slug:commune_code>/reporting/", views.PeriodListView.as_view(), name="periods"),
    path(
        "communes/<slug:commune_code>/reporting/schedule/",
        views.ScheduleView.as_view(),
        name="schedule",
    ),
    path(
        "communes/<slug:commune_code>/reporting/ad-hoc/new/",
        views.AdHocRequestView.as_view(),
        name="adhoc_create",
    ),
    path(
        "communes/<slug:commune_code>/reporting/<str:period_code>/",
        views.PeriodReviewView.as_view(),
        name="period",
    ),
    path(
        "communes/<slug:commune_code>/reporting/<str:period_code>/close/",
        views.PeriodCloseView.as_view(),
        name="period_close",
    ),
    path(
        "communes/<slug:commune_code>/reporting/<str:period_code>/reopen/",
        views.PeriodReopenView.as_view(),
        name="period_reopen",
    ),
    path(
        "communes/<slug:commune_code>/reporting/<str:period_code>/units/<int:unit_pk>/",
        views.SubmissionView.as_view(),
        name="submission",
    ),
    path(
        "communes/<slug:commune_code>/evidence/<int:pk>/",
        views.EvidenceDownloadView.as_view(),
        name="evidence",
    ),
    path(
        "communes/<slug:commune_code>/reporting/<str:period_code>/units/<int:unit_pk>/extension/",
        extension_views.ReportExtensionRequestView.as_view(),
        name="extension_report",
    ),
    path(
        "communes/<slug:commune_code>/tasks/<int:pk>/extension/",
        extension_views.TaskExtensionRequestView.as_view(),
        name="extension_task",
    ),
    path(
        "communes/<slug:commune_code>/extensions/<int:pk>/",
        extension_views.ExtensionDetailView.as_view(),
        name="extension",
    ),
    path(
        "communes/<slug:commune_code>/proposals/",
        proposal_views.ProposalListView.as_view(),
        name="proposals",
    ),
    path(
        "communes/<slug:commune_code>/proposals/new/",
        proposal_views.ProposalCreateView.as_view(),
        name="proposal_create",
    ),
    path(
        "communes/<slug:commune_code>/proposals/<int:pk>/",
        proposal_views.ProposalDetailView.as_view(),
        name="proposal",
    ),
    path(
        "provinces/<slug:province_code>/proposals/",
        proposal_views.ProvinceProposalListView.as_view(),
        name="province_proposals",
    ),
    path(
        "communes/<slug:commune_code>/figures/<int:pk>/verification/",
        views.FigureVerificationView.as_view(),
        name="figure_verification",
    ),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notifications_read"),
]
