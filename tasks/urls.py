from django.urls import path

from tasks import views

app_name = "tasks"
urlpatterns = [
    path(
        "communes/<slug:commune_code>/plans/<int:plan_pk>/sections/new/",
        views.TaskSectionFormView.as_view(),
        name="section_create",
    ),
    path(
        "communes/<slug:commune_code>/sections/<int:pk>/edit/",
        views.TaskSectionFormView.as_view(),
        name="section_edit",
    ),
    path(
        "communes/<slug:commune_code>/plans/<int:plan_pk>/tasks/new/",
        views.TaskFormView.as_view(),
        name="create",
    ),
    path(
        "communes/<slug:commune_code>/tasks/<int:pk>/edit/",
        views.TaskFormView.as_view(),
        name="edit",
    ),
]
