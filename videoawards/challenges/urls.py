from django.urls import path

from . import views

app_name = "challenges"

urlpatterns = [
    path("", views.challenge_list, name="list"),
    path("my-entries/", views.my_entries, name="my_entries"),
    path("<slug:slug>/", views.challenge_detail, name="detail"),
    path("<slug:slug>/enter/", views.entry_create, name="entry_create"),
    path("<slug:slug>/entries/<int:pk>/", views.entry_detail, name="entry"),
    path("<slug:slug>/entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("<slug:slug>/entries/<int:pk>/captions/", views.entry_captions, name="entry_captions"),
    path("<slug:slug>/entries/<int:pk>/<str:action>/", views.entry_action, name="entry_action"),
]
