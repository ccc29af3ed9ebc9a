from django.urls import path

from emulation import views

app_name = "emulation"
urlpatterns = [
    path(
        "communes/<slug:commune_code>/emulation/",
        views.MovementListView.as_view(),
        name="movements",
    ),
    path(
        "communes/<slug:commune_code>/emulation/new/",
        views.MovementFormView.as_view(),
        name="movement_create",
    ),
    path(
        "communes/<slug:commune_code>/emulation/movements/<int:pk>/",
        views.MovementDetailView.as_view(),
        name="movement",
    ),
    path(
        "communes/<slug:commune_code>/emulation/movements/<int:pk>/edit/",
        views.MovementFormView.as_view(),
        name="movement_edit",
    ),
    path(
        "communes/<slug:commune_code>/emulation/movements/<int:movement_pk>/criteria/new/",
        views.CriterionFormView.as_view(),
        name="criterion_create",
    ),
    path(
        "communes/<slug:commune_code>/emulation/criteria/<int:pk>/",
        views.CriterionFormView.as_view(),
        name="criterion_edit",
    ),
    path(
        "communes/<slug:commune_code>/emulation/movements/<int:pk>/ranking/",
        views.RankingView.as_view(),
        name="ranking",
    ),
    path(
        "communes/<slug:commune_code>/emulation/movements/<int:pk>/units/<int:unit_pk>/",
        views.UnitScoreView.as_view(),
        name="unit_score",
    ),
    path(
        "communes/<slug:commune_code>/emulation/movements/<int:pk>/rating/",
        views.RatingFileView.as_view(),
        name="rating_file",
    ),
]
