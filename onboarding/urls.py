from django.urls import path

from onboarding import views

app_name = "onboarding"
urlpatterns = [
    path(
        "communes/<slug:commune_code>/plans/import/",
        views.PlanImportUploadView.as_view(),
        name="upload",
    ),
    path(
        "communes/<slug:commune_code>/plans/import/<int:pk>/",
        views.PlanImportReviewView.as_view(),
        name="review",
    ),
    path(
        "communes/<slug:commune_code>/plans/import/<int:pk>/commit/",
        views.PlanImportCommitView.as_view(),
        name="commit",
    ),
    path(
        "communes/<slug:commune_code>/plans/import/<int:pk>/columns/",
        views.PlanImportColumnsView.as_view(),
        name="columns",
    ),
    path(
        "communes/<slug:commune_code>/plans/import/<int:pk>/merges/",
        views.PlanImportMergeView.as_view(),
        name="merge",
    ),
    path(
        "communes/<slug:commune_code>/plans/import/<int:pk>/aliases/",
        views.PlanImportAliasView.as_view(),
        name="alias",
    ),
    path(
        "communes/<slug:commune_code>/plans/import/<int:pk>/collectives/",
        views.PlanImportCollectiveView.as_view(),
        name="collective",
    ),
]
