from django.urls import path

from . import views

app_name = "challenges"

urlpatterns = [
    path("", views.challenge_list, name="list"),
    path("my-entries/", views.my_entries, name="my_entries"),
    path("team-invitations/", views.team_invitations, name="team_invitations"),
    path(
        "team-invitations/<int:invitation_id>/<str:answer>/",
        views.team_answer,
        name="team_answer",
    ),
    path("<slug:slug>/", views.challenge_detail, name="detail"),
    path("<slug:slug>/enter/", views.entry_create, name="entry_create"),
    path("<slug:slug>/entries/<int:pk>/", views.entry_detail, name="entry"),
    path("<slug:slug>/entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("<slug:slug>/entries/<int:pk>/captions/", views.entry_captions, name="entry_captions"),
    path("<slug:slug>/entries/<int:pk>/team/invite/", views.team_invite, name="team_invite"),
    path(
        "<slug:slug>/entries/<int:pk>/team/invitations/<int:invitation_id>/withdraw/",
        views.team_withdraw,
        name="team_withdraw",
    ),
    path(
        "<slug:slug>/entries/<int:pk>/team/members/<int:user_id>/remove/",
        views.team_remove,
        name="team_remove",
    ),
    path("<slug:slug>/entries/<int:pk>/<str:action>/", views.entry_action, name="entry_action"),
]
