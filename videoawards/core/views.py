"""Views every layer may answer with: the rate-limit answer."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def rate_limited(request: HttpRequest, exception: Exception | None) -> HttpResponse:
    message = _("Too many attempts. Please wait a minute and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "rate_limited"}, status=429)
    return render(request, "429.html", {"message": message}, status=429)
