from django.urls import path

from . import views

app_name = "workshops"

urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("mine/", views.my_workshops, name="mine"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<slug:slug>/", views.workshop_detail, name="detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/calendar.ics", views.calendar, name="calendar"),
    path("<slug:slug>/attendance/", views.attendance, name="attendance"),
]
