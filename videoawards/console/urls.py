from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("challenges/<slug:slug>/phase/", views.phase, name="phase"),
    path("challenges/<slug:slug>/schedule/", views.schedule, name="schedule"),
]
