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

import ipaddress
import logging
from collections.abc import Callable
from functools import cache, wraps

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from transcoding import storage

logger = logging.getLogger(__name__)

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
    if setting == "VIDEOAWARDS_TRUSTED_PROXY_NETWORKS":
        _trusted_networks.cache_clear()


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


def _from_trusted_proxy(address: str) -> bool:
    """The connection comes from where our proxies are (VIDEOAWARDS_TRUSTED_PROXY_NETWORKS):
    someone reaching the app server directly cannot set their address by a header."""
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in network for network in _trusted_networks())


@cache
def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(
        ipaddress.ip_network(network.strip(), strict=False)
        for network in settings.VIDEOAWARDS_TRUSTED_PROXY_NETWORKS
        if network.strip()
    )


class ClientAddressMiddleware:
    """Behind VIDEOAWARDS_TRUSTED_PROXY_COUNT reverse proxies, REMOTE_ADDR is the nearest
    proxy's address; the visitor's is the entry that many places from the right of
    X-Forwarded-For (what our own proxies appended; entries further left are whatever
    the client claimed). Rate limits, vote address hashes and the audit log all read
    REMOTE_ADDR, so this sets it once. The header is ignored without a trusted proxy, and
    on connections that do not come from the proxies' networks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = settings.VIDEOAWARDS_TRUSTED_PROXY_COUNT
        if count > 0 and _from_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            forwarded = [
                part.strip()
                for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if part.strip()
            ]
            if len(forwarded) >= count:
                candidate = forwarded[-count]
                try:
                    ipaddress.ip_address(candidate)
                except ValueError:
                    logger.warning("X-Forwarded-For names no address: %r", candidate)
                else:
                    request.META["REMOTE_ADDR"] = candidate
        return self.get_response(request)
