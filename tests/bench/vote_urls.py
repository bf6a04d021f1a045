"""URLs of the vote benchmark's server (tests.bench.vote_settings), never of the site:
the site's own, plus the two paths the new vote path is compared with, on the same server
behind the same middleware.

- bench/drf-vote/<pk>/: the vote through DRF as before the lean path (DRF's token or
  session authentication, its request and response, the same service).
- bench/ceiling/: a trivial Django view, the most any view can do on this server.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.views import APIView

from videoawards.urls import urlpatterns as site_urlpatterns
from voting.api import VoteView


class DrfVoteView(VoteView):
    """VoteView with DRF's dispatch for every method, POST included."""

    dispatch = APIView.dispatch


@csrf_exempt
def ceiling(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(b'{"ok":true}', status=201, content_type="application/json")


urlpatterns = [
    path("bench/drf-vote/<int:pk>/", DrfVoteView.as_view()),
    path("bench/ceiling/<int:pk>/", ceiling),
    *site_urlpatterns,
]
