from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("challenges/new/", views.challenge_new, name="challenge_new"),
    path("challenges/<slug:slug>/", views.challenge_edit, name="challenge_edit"),
    path("challenges/<slug:slug>/copy/", views.challenge_copy, name="challenge_copy"),
    path("challenges/<slug:slug>/preview/", views.preview, name="preview"),
    path("challenges/<slug:slug>/phase/", views.phase, name="phase"),
    path("challenges/<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("challenges/<slug:slug>/jury/", views.jury, name="jury"),
    path("challenges/<slug:slug>/export/<str:table>.csv", views.export, name="export"),
    path(
        "challenges/<slug:slug>/jury/<str:action>/<int:pk>/",
        views.jury_action,
        name="jury_action",
    ),
    path("homepage/", views.homepage, name="homepage"),
    path("homepage/<str:action>/<int:pk>/", views.homepage_action, name="homepage_action"),
]
