from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import follow_up, notifications, places, plans, reporting, reports, tokens
from api.views.base import NotFoundView

app_name = "api"

province = "v1/provinces/<slug:province_code>/"
commune = "v1/communes/<slug:commune_code>/"
submission = commune + "submissions/<int:pk>/"

v1 = [
    path("v1/provinces/", places.ProvinceListView.as_view(), name="provinces"),
    path(
        "v1/provinces/<slug:province_code>/",
        places.ProvinceDetailView.as_view(),
        name="province",
    ),
    path(
        "v1/provinces/<slug:province_code>/figures/",
        reports.ProvinceFiguresView.as_view(),
        name="province_figures",
    ),
    path(province + "reports/", reports.ProvinceReportListView.as_view(), name="province_reports"),
    path(
        province + "reports/<int:pk>/",
        reports.ProvinceReportDetailView.as_view(),
        name="province_report",
    ),
    path(
        province + "reports/<int:pk>/download/",
        reports.ProvinceReportDownloadView.as_view(),
        name="province_report_download",
    ),
    path(
        province + "verification/",
        follow_up.ProvinceVerificationView.as_view(),
        name="province_verification",
    ),
    path("v1/communes/", places.CommuneListView.as_view(), name="communes"),
    path(commune, places.CommuneDetailView.as_view(), name="commune"),
    path(commune + "units/", places.UnitListView.as_view(), name="units"),
    path(commune + "plans/", plans.PlanListView.as_view(), name="plans"),
    path(commune + "plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan"),
    path(
        commune + "indicator-groups/",
        plans.IndicatorGroupListView.as_view(),
        name="indicator_groups",
    ),
    path(commune + "indicators/", plans.IndicatorListView.as_view(), name="indicators"),
    path(commune + "indicators/<int:pk>/", plans.IndicatorDetailView.as_view(), name="indicator"),
    path(commune + "targets/", plans.TargetListView.as_view(), name="targets"),
    path(commune + "task-sections/", plans.TaskSectionListView.as_view(), name="task_sections"),
    path(commune + "tasks/", plans.TaskListView.as_view(), name="tasks"),
    path(commune + "tasks/<int:pk>/", plans.TaskDetailView.as_view(), name="task"),
    path(commune + "schedule/", reporting.ScheduleView.as_view(), name="schedule"),
    path(commune + "periods/", reporting.PeriodListView.as_view(), name="periods"),
    path(
        commune + "periods/<str:period_code>/",
        reporting.PeriodDetailView.as_view(),
        name="period",
    ),
    path(commune + "figures/", reporting.CommuneFiguresView.as_view(), name="commune_figures"),
    path(commune + "submissions/", reporting.SubmissionListView.as_view(), name="submissions"),
    path(submission, reporting.SubmissionDetailView.as_view(), name="submission"),
    path(
        submission + "submit/", reporting.SubmissionSubmitView.as_view(), name="submission_submit"
    ),
    path(
        submission + "withdraw/",
        reporting.SubmissionWithdrawView.as_view(),
        name="submission_withdraw",
    ),
    path(
        submission + "return/", reporting.SubmissionReturnView.as_view(), name="submission_return"
    ),
    path(
        submission + "approve/",
        reporting.SubmissionApproveView.as_view(),
        name="submission_approve",
    ),
    path(
        submission + "reopen/", reporting.SubmissionReopenView.as_view(), name="submission_reopen"
    ),
    path(commune + "reports/", reports.CommuneReportListView.as_view(), name="commune_reports"),
    path(
        commune + "reports/<int:pk>/",
        reports.CommuneReportDetailView.as_view(),
        name="commune_report",
    ),
    path(
        commune + "reports/<int:pk>/download/",
        reports.CommuneReportDownloadView.as_view(),
        name="commune_report_download",
    ),
    path(commune + "values/", reporting.IndicatorValueListView.as_view(), name="values"),
    path(
        commune + "task-progress/", reporting.TaskProgressListView.as_view(), name="task_progress"
    ),
    path(commune + "proposals/", follow_up.ProposalListView.as_view(), name="proposals"),
    path(commune + "proposals/<int:pk>/", follow_up.ProposalDetailView.as_view(), name="proposal"),
    path(
        commune + "proposals/<int:pk>/answer/",
        follow_up.ProposalAnswerView.as_view(),
        name="proposal_answer",
    ),
    path(
        commune + "proposals/<int:pk>/close/",
        follow_up.ProposalCloseView.as_view(),
        name="proposal_close",
    ),
    path(commune + "figure-checks/", follow_up.FigureCheckListView.as_view(), name="figure_checks"),
    path(
        commune + "verification/",
        follow_up.CommuneVerificationView.as_view(),
        name="commune_verification",
    ),
    path("v1/notifications/", notifications.NotificationListView.as_view(), name="notifications"),
    path(
        "v1/notifications/read/",
        notifications.NotificationReadAllView.as_view(),
        name="notifications_read",
    ),
    path(
        "v1/notifications/<int:pk>/read/",
        notifications.NotificationReadView.as_view(),
        name="notification_read",
    ),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP). Swagger
    # UI itself sets style attributes, so this one developer page allows inline styles, not scripts.
    # Its page (templates/api/swagger_ui.html) adds a language and the contrast fixes.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    path("tokens/", tokens.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.TokenRevokeView.as_view(), name="token_revoke"),
    *v1,
    re_path(r"^v1/", NotFoundView.as_view(), name="not_found"),
]
