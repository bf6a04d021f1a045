"""The public pages' cache: what an anonymous visitor sees, served from the shared cache.

A page is cached only for a GET from a visitor who carries no cookie but the CSRF and
language ones (no session: nobody logged in, no messages waiting), so a page with
someone's name or "you voted" in it is never stored, and a warm hit touches neither the
session nor the database. The key holds the language, the host, the path with its query
and the public pages' version; anything that changes what visitors see calls
`public_pages_changed()` (or is a model an app `watch()`es), which bumps the version at
once and again when the transaction commits, so every stored page is forgotten at once.
A short timeout is the backstop for what changes with the clock alone (phases by date,
"voting closes in…", public vote counts).

The forms every page has (the language switcher) carry a CSRF token: it is stored as a
placeholder and each response gets the visitor's own.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "public-pages:version"
# What a stored page holds where the visitor's CSRF token goes (Django's csrf_token tag).
_TOKEN_INPUT = b'name="csrfmiddlewaretoken" value="'
_TOKEN_HOLE = _TOKEN_INPUT + b'\x00csrf\x00"'


def page_timeout() -> int:
    """Seconds a stored page lives at most; 0 turns the cache off."""
    return settings.VIDEOAWARDS_PAGE_CACHE_SECONDS


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        # A fresh start never reuses a number an evicted counter had handed out.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        current = cache.get(VERSION_KEY)
    return int(current)


def bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the counter was evicted: any new number forgets every page
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def public_pages_changed() -> None:
    """What visitors see changed: forget every stored page now, and again once the change
    commits (a visitor's page rendered meanwhile from the old rows is forgotten too)."""
    bump()
    transaction.on_commit(bump)


def watch(*watched: type[models.Model], ignore_fields: Iterable[str] = ()) -> None:
    """Saving or deleting a row of these models changes public pages (an app's receivers
    call it for the models its pages show); saves of only `ignore_fields` do not."""
    ignored = frozenset(ignore_fields)

    def changed(sender, *, update_fields=None, **kwargs) -> None:
        if update_fields is not None and ignored and set(update_fields) <= ignored:
            return
        public_pages_changed()

    for model in watched:
        uid = f"pagecache.{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}.save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}.delete")


def is_cacheable_request(request: HttpRequest) -> bool:
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return (
        request.method == "GET"
        and page_timeout() > 0
        and all(name in allowed for name in request.COOKIES)
    )


def _key(request: HttpRequest) -> str:
    where = hashlib.sha256(f"{request.get_host()}|{request.get_full_path()}".encode()).hexdigest()
    return f"public-page:{version()}:{get_language()}:{where}"


def _fill_token(content: bytes, request: HttpRequest) -> bytes:
    return content.replace(_TOKEN_HOLE, _TOKEN_INPUT + get_token(request).encode() + b'"')


def _punch_token(content: bytes) -> bytes:
    """The page with every CSRF token replaced by the hole (tokens are letters and digits)."""
    parts = content.split(_TOKEN_INPUT)
    holed = [parts[0]]
    for part in parts[1:]:
        _token, quote, rest = part.partition(b'"')
        holed.append(b'\x00csrf\x00"' + rest if quote else part)
    return _TOKEN_INPUT.join(holed)


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page to anonymous visitors from the shared cache."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_cacheable_request(request):
            response = view(request, *args, **kwargs)
        else:
            key = _key(request)
            stored = cache.get(key)
            if stored is not None:
                status, content_type, content = stored
                response = HttpResponse(
                    _fill_token(content, request), status=status, content_type=content_type
                )
                response["X-Page-Cache"] = "hit"
            else:
                response = view(request, *args, **kwargs)
                if (
                    response.status_code == 200
                    and not response.streaming
                    and not response.cookies
                    and not getattr(response, "csp_extra", None)
                ):
                    stored = (200, response["Content-Type"], _punch_token(response.content))
                    cache.set(key, stored, timeout=page_timeout())
                    response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapped
