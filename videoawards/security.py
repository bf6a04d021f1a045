"""Security headers Django does not set itself: Content-Security-Policy and Permissions-Policy.

The policy allows only what the site needs: its own scripts and styles (hls.js is
vendored; no inline script, style or event handler anywhere), media and requests to
itself plus, with STORAGE_BACKEND=s3, the storage origin the presigned URLs point at
(upload parts, HLS segments, posters), `blob:` media because hls.js plays through
MediaSource, and no framing. X-Frame-Options, X-Content-Type-Options,
Referrer-Policy and HSTS come from Django's SecurityMiddleware and settings.
A view may widen the policy for itself with @csp_update (the API docs page does).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from transcoding import storage

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

_BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "media-src": ("'self'", "blob:"),
    "connect-src": ("'self'",),
    "worker-src": ("'self'", "blob:"),
    "font-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
# Directives that also need the object storage's origin (presigned URLs).
_STORAGE_DIRECTIVES = ("img-src", "media-src", "connect-src")


@cache
def storage_origin() -> str | None:
    """The scheme://host[:port] presigned storage URLs start with; None for local storage."""
    return storage.store().origin()


@receiver(setting_changed)
def _forget_cached_settings(*, setting: str, **kwargs) -> None:
    """Tests change settings; the values cached from them go with the change."""
    if setting in {"STORAGES", "STORAGE_BACKEND"}:
        storage_origin.cache_clear()


def content_security_policy(extra: dict[str, tuple[str, ...]] | None = None) -> str:
    policy = {name: list(sources) for name, sources in _BASE_POLICY.items()}
    origin = storage_origin()
    if origin:
        for name in _STORAGE_DIRECTIVES:
            policy[name].append(origin)
    for name, sources in (extra or {}).items():
        policy.setdefault(name, []).extend(s for s in sources if s not in policy[name])
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


def csp_update(view: Callable | None = None, /, **directives: tuple[str, ...]) -> Callable:
    """Widen the policy for one view: csp_update(view, script_src=("https://cdn.example",)).

    Keyword names use underscores for dashes.
    """

    def decorate(view_func: Callable) -> Callable:
        extra = {name.replace("_", "-"): tuple(sources) for name, sources in directives.items()}

        @wraps(view_func)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view_func(request, *args, **kwargs)
            response.csp_extra = extra
            return response

        return wrapped

    return decorate(view) if view is not None else decorate


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(
                getattr(response, "csp_extra", None)
            )
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        return response
