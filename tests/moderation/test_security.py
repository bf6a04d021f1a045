"""Security headers on every page, and templates free of inline script (the CSP needs it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from videoawards.security import content_security_policy, storage_origin

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


@pytest.fixture
def pages(make_entry, moderator, client_for, client):
    entry = make_entry(state="approved")
    return [
        client.get("/"),
        client.get(entry.get_absolute_url()),
        client.get(reverse("moderation:report", args=[entry.pk])),
        client_for(moderator).get(reverse("moderation:queue")),
        client.get(f"/media/assets/{entry.media_asset_id}/master.m3u8"),
        client.get("/api/v1/challenges/"),
    ]


def test_every_page_has_a_strict_content_security_policy(pages):
    # given: with S3 storage (the service-backed run), its origin serves media too
    storage = [storage_origin()] if storage_origin() else []
    # then
    for response in pages:
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], response.request["PATH_INFO"]
        assert policy["style-src"] == ["'self'"]
        assert policy["media-src"] == ["'self'", "blob:", *storage]
        assert policy["img-src"] == ["'self'", "data:", *storage]
        assert policy["connect-src"] == ["'self'", *storage]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]


def test_every_page_has_the_other_security_headers(pages):
    # then
    for response in pages:
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        permissions = response["Permissions-Policy"]
        assert {"camera=()", "microphone=()", "geolocation=()"} <= {
            p.strip() for p in permissions.split(",")
        }


def test_with_s3_storage_the_storage_origin_may_serve_media_images_and_uploads(settings):
    # given
    settings.STORAGE_BACKEND = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "videoawards",
                "endpoint_url": "https://objects.videoawards.example:9000",
                "access_key": "test",
                "secret_key": "test-secret",
                "region_name": "eu-central-1",
                "addressing_style": "path",
                "querystring_auth": True,
            },
        },
    }
    # when
    policy = dict(
        (name, sources)
        for name, *sources in (part.split() for part in content_security_policy().split(";"))
    )
    # then
    origin = "https://objects.videoawards.example:9000"
    assert [origin in policy[d] for d in ("media-src", "img-src", "connect-src")] == [True] * 3
    assert origin not in policy["script-src"]


def test_only_the_api_docs_page_may_load_swagger_from_its_cdn(client):
    # when
    docs = client.get("/api/docs/")
    home = client.get("/")
    # then
    assert "https://cdn.jsdelivr.net" in _policy(docs)["script-src"]
    assert "'unsafe-inline'" not in _policy(docs)["script-src"]
    assert "https://cdn.jsdelivr.net" not in _policy(home)["script-src"]


_INLINE = [
    # <script> without src, or with a body
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<script[^>]*>\s*[^<\s]", re.I), "script with a body"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"<style[\s>]", re.I), "inline <style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
]


def test_no_template_has_inline_script_handlers_or_styles():
    # given
    templates = sorted(TEMPLATES.rglob("*.html"))
    # when
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in templates
        for pattern, what in _INLINE
        if pattern.search(path.read_text())
    ]
    # then
    assert len(templates) > 20
    assert found == []


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "127.0.0.1"),  # no proxy trusted: the header is the client's claim
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "10.9.9.9, 203.0.113.7", "203.0.113.7"),  # the left entry is made up
        (2, "203.0.113.7, 198.51.100.2", "203.0.113.7"),
        (2, "198.51.100.2", "127.0.0.1"),  # fewer entries than proxies: keep the peer
        (1, "not-an-address", "127.0.0.1"),
        (-1, "203.0.113.7", "127.0.0.1"),  # a negative count trusts nothing
    ],
)
def test_behind_trusted_proxies_the_visitors_address_comes_from_x_forwarded_for(
    settings, trusted, forwarded, expected
):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from videoawards.core.client import ClientAddressMiddleware

    # given
    settings.VIDEOAWARDS_TRUSTED_PROXY_COUNT = trusted
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    request = RequestFactory().get("/", headers={"x-forwarded-for": forwarded})
    # when
    ClientAddressMiddleware(view)(request)
    # then
    assert seen["address"] == expected


@pytest.mark.django_db
def test_the_login_rate_limit_counts_each_visitor_behind_the_proxy_separately(client, settings):
    from django.core.cache import cache

    # given: one proxy in front; a visitor used up their attempts
    settings.VIDEOAWARDS_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    url = reverse("accounts:login")
    form = {"username": "nobody@example.org", "password": "wrong"}
    limited = None
    for n in range(30):
        form["username"] = f"nobody{n}@example.org"
        response = client.post(url, form, headers={"x-forwarded-for": "203.0.113.7"})
        if response.status_code == 429:
            limited = n
            break
    # when: another visitor arrives through the same proxy
    other = client.post(
        url, form | {"username": "someone@example.org"}, headers={"x-forwarded-for": "198.51.100.2"}
    )
    # then
    assert limited is not None
    assert other.status_code != 429
    cache.clear()


def test_a_direct_connection_from_outside_the_proxy_networks_cannot_pick_its_address(settings):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from videoawards.core.client import ClientAddressMiddleware

    # given: one proxy is trusted, but this client reached the app server directly
    settings.VIDEOAWARDS_TRUSTED_PROXY_COUNT = 1
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    request = RequestFactory().get(
        "/", headers={"x-forwarded-for": "192.0.2.1"}, REMOTE_ADDR="198.51.100.77"
    )
    # when
    ClientAddressMiddleware(view)(request)
    # then
    assert seen["address"] == "198.51.100.77"
