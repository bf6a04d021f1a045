from django.urls import path

from . import views

app_name = "voting"

urlpatterns = [
    path("jury/", views.jury_home, name="jury_home"),
    path("jury/invitations/<str:token>/", views.invitation, name="invitation"),
    path("jury/rounds/<int:round_id>/", views.jury_round, name="jury_round"),
    path("jury/rounds/<int:round_id>/entries/<int:entry_id>/", views.review_entry, name="review"),
    path(
        "jury/rounds/<int:round_id>/entries/<int:entry_id>/conflict/",
        views.declare_conflict,
        name="declare_conflict",
    ),
    path("<slug:slug>/vote/", views.vote_page, name="vote_page"),
    path("<slug:slug>/vote/<int:entry_id>/", views.vote, name="vote"),
    path("<slug:slug>/organise/", views.organise, name="organise"),
    path(
        "<slug:slug>/organise/rounds/<int:round_id>/<str:action>/",
        views.round_action,
        name="round_action",
    ),
    path("<slug:slug>/organise/flags/check/", views.check_flags, name="check_flags"),
    path(
        "<slug:slug>/organise/flags/invalidate/",
        views.invalidate_flags,
        name="invalidate_flags",
    ),
    path("<slug:slug>/organise/flags/<int:flag_id>/", views.flag_detail, name="flag"),
    path(
        "<slug:slug>/organise/flags/<int:flag_id>/<str:action>/",
        views.flag_action,
        name="flag_action",
    ),
    path("<slug:slug>/organise/results/", views.compute_results, name="compute_results"),
    path("<slug:slug>/organise/results/<int:snapshot_id>/", views.snapshot_detail, name="snapshot"),
    path("<slug:slug>/organise/results/<int:snapshot_id>/publish/", views.publish, name="publish"),
    path(
        "<slug:slug>/organise/results/<int:snapshot_id>/schedule/",
        views.schedule_release,
        name="schedule_release",
    ),
    path(
        "<slug:slug>/organise/results/<int:snapshot_id>/unschedule/",
        views.cancel_release,
        name="cancel_release",
    ),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results/<int:award_id>/", views.winner, name="winner"),
    path(
        "<slug:slug>/results/<int:award_id>/certificate.pdf",
        views.certificate,
        name="certificate",
    ),
    path(
        "<slug:slug>/results/<int:award_id>/finalists/<int:entry_id>/certificate.pdf",
        views.finalist_certificate,
        name="finalist_certificate",
    ),
]
