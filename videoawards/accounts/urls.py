from django.urls import path

from . import guardian_views, views

# The export and erasure pages are in the same namespace: videoawards/urls.py adds
# videoawards.privacy.urls.account_urlpatterns to these.
app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/check-your-email/", views.signup_done, name="signup_done"),
    path("verify/resend/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/guardian/", views.ask_guardian, name="ask_guardian"),
    path("profile/guardian/resend/", views.resend_guardian_request, name="resend_guardian"),
    path("guardian/<str:token>/", guardian_views.guardian_consent, name="guardian_consent"),
    path("guardian/manage/<str:token>/", guardian_views.guardian_manage, name="guardian_manage"),
    path(
        "guardian/manage/<str:token>/withdraw/",
        guardian_views.guardian_withdraw,
        name="guardian_withdraw",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
