"""Site-wide pages: the homepage and the health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from videoawards.challenges.selectors import homepage_challenges, homepage_features
from videoawards.core.pagecache import public_page
from videoawards.workshops.selectors import upcoming_workshops


@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {
            "challenges": homepage_challenges(),
            "features": homepage_features(),
            "workshops": upcoming_workshops(limit=6),
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
