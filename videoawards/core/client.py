"""The visitor's address: one place that knows where it comes from.

Behind VIDEOAWARDS_TRUSTED_PROXY_COUNT reverse proxies, REMOTE_ADDR is the nearest
proxy's address; ClientAddressMiddleware corrects it once per request, and every
caller (rate limits, vote address hashes, the audit log, the admin) reads it through
client_address().
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The visitor's address as ClientAddressMiddleware left it ("" when unknown).

    The address django-ratelimit counts too (it reads REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "")


def network_of(address: str) -> str:
    """The network an address is part of, for grouping abuse: its /24 (IPv4) or /48
    (IPv6), about one household, school or small office; "" for no valid address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False))


@receiver(setting_changed)
def _forget_cached_settings(*, setting: str, **kwargs) -> None:
    """Tests change settings; the networks cached from them go with the change."""
    if setting == "VIDEOAWARDS_TRUSTED_PROXY_NETWORKS":
        _trusted_networks.cache_clear()


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
