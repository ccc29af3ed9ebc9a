from django.urls import path

from accounts import second_factor, views

app_name = "accounts"
urlpatterns = [
    path("communes/<slug:commune_code>/staff/", views.StaffListView.as_view(), name="staff"),
    path(
        "communes/<slug:commune_code>/staff/invite/",
        views.StaffInviteView.as_view(),
        name="staff_invite",
    ),
    path(
        "communes/<slug:commune_code>/staff/<int:pk>/<str:action>/",
        views.StaffActionView.as_view(),
        name="staff_action",
    ),
    path(
        "communes/<slug:commune_code>/staff/invitations/<int:pk>/withdraw/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "invitations/accept/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("invitations/<str:token>/", views.InvitationLinkView.as_view(), name="invitation"),
    path(
        "accounts/second-factor/",
        second_factor.SecondFactorView.as_view(),
        name="second_factor",
    ),
    path(
        "accounts/second-factor/setup/",
        second_factor.SecondFactorSetupView.as_view(),
        name="second_factor_setup",
    ),
    path(
        "accounts/second-factor/verify/",
        second_factor.SecondFactorVerifyView.as_view(),
        name="second_factor_verify",
    ),
]
