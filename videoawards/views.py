"""Site-wide pages: the homepage, health check and the rate-limit answer."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from videoawards.challenges.selectors import homepage_challenges, homepage_features
from videoawards.workshops.selectors import upcoming_workshops


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


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = _("Too many attempts. Please wait a minute and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "rate_limited"}, status=429)
    return render(request, "429.html", {"message": message}, status=429)
