from django.urls import path

from todo import views

app_name = "todo"
urlpatterns = [
    path("communes/<slug:commune_code>/todo/", views.CommuneTodoView.as_view(), name="commune"),
    path("inspection/", views.InspectionHomeView.as_view(), name="inspection"),
    path("provinces/<slug:province_code>/todo/", views.ProvinceTodoView.as_view(), name="province"),
]
