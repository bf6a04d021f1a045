from django.urls import path

from . import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("me/guardian/", api.GuardianRequestView.as_view(), name="api-me-guardian"),
    path("auth/token/", api.AuthTokenView.as_view(), name="api-auth-token"),
]
