from django.urls import path

from . import manage_views, views

app_name = "workshops"

urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("mine/", views.my_workshops, name="mine"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("manage/new/", manage_views.new, name="new"),
    path("<slug:slug>/", views.workshop_detail, name="detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/calendar.ics", views.calendar, name="calendar"),
    path("<slug:slug>/attendance/", views.attendance, name="attendance"),
    path("<slug:slug>/manage/", manage_views.manage, name="manage"),
    path("<slug:slug>/manage/edit/", manage_views.edit, name="edit"),
    path("<slug:slug>/manage/cancel/", manage_views.cancel, name="cancel_workshop"),
    path(
        "<slug:slug>/registrations.csv", manage_views.registrations_export, name="registrations_csv"
    ),
]
