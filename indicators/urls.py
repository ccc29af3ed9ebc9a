from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path(
        "communes/<slug:commune_code>/plans/<int:plan_pk>/groups/new/",
        views.IndicatorGroupFormView.as_view(),
        name="group_create",
    ),
    path(
        "communes/<slug:commune_code>/groups/<int:pk>/edit/",
        views.IndicatorGroupFormView.as_view(),
        name="group_edit",
    ),
    path(
        "communes/<slug:commune_code>/plans/<int:plan_pk>/indicators/new/",
        views.IndicatorFormView.as_view(),
        name="create",
    ),
    path(
        "communes/<slug:commune_code>/indicators/<int:pk>/edit/",
        views.IndicatorFormView.as_view(),
        name="edit",
    ),
]
