"""Site-wide pages: the homepage, the health check and the server-error page."""

import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from videoawards.challenges.selectors import homepage_challenges, homepage_features
from videoawards.core.pagecache import public_page
from videoawards.workshops.selectors import upcoming_workshops

RETRY_AFTER_SECONDS = 30


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


def _database_unavailable() -> bool:
    """True while the error being handled is the database not answering (a restart)."""
    error = sys.exc_info()[1]
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a page (or, for the API, JSON) that needs no database. A database that
    is restarting answers 503 with Retry-After, so clients and people try again."""
    if _database_unavailable():
        status = 503
        heading = _("Back in a moment")
        message = _(
            "We can't reach our database for a moment. Nothing you sent before was lost. "
            "Try again in half a minute."
        )
        code = "temporarily_unavailable"
    else:
        status = 500
        heading = _("Something went wrong")
        message = _(
            "Something went wrong on our side and we have been told. Try again in a "
            "minute; if it keeps happening, tell the organisers."
        )
        code = "server_error"
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "code": code}, status=status)
    else:
        page = loader.get_template("500.html").render({"heading": heading, "message": message})
        response = HttpResponse(page, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
