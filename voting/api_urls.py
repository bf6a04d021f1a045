from django.urls import path

from . import api

urlpatterns = [
    path("entries/<int:pk>/vote/", api.VoteView.as_view(), name="entry-vote"),
    path("jury/assignments/", api.MyAssignmentsView.as_view(), name="jury-assignments"),
    path("jury/assignments/<int:pk>/review/", api.ReviewView.as_view(), name="jury-review"),
    path("challenges/<slug:slug>/results/", api.ResultsView.as_view(), name="challenge-results"),
]
