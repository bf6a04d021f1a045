"""The site's URLs plus two views that break, for tests/test_server_error.py."""

from django.db import OperationalError
from django.urls import path

from videoawards.urls import urlpatterns as site_urlpatterns


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def bug(request):
    raise ValueError("a bug")


urlpatterns = [
    path("broken/database/", database_down),
    path("api/v1/broken/database/", database_down),
    path("broken/bug/", bug),
    *site_urlpatterns,
]

handler500 = "videoawards.views.server_error"
