"""Rate limits for log-in and for forms that send email, read from settings at request time.

Each limit counts by IP and by the email address tried, so one address can't be
hammered from many machines and one machine can't try many addresses.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

LOGIN_GROUP = "accounts.login"
EMAIL_GROUP = "accounts.email"


def _rate(setting: str) -> Callable[[str, HttpRequest], str]:
    return lambda group, request: getattr(settings, setting)


def _posted_email(field: str) -> Callable[[str, HttpRequest], str]:
    def key(group: str, request: HttpRequest) -> str:
        data = getattr(request, "data", None) or request.POST
        value = data.get(field, "")
        return value.strip().lower() if isinstance(value, str) else ""

    return key


def limit_posts(*, group: str, ip_rate: str, email_rate: str, email_field: str):
    """Decorate a class-based view's dispatch: POSTs beyond either rate get a 429 page."""

    def decorate(view_class):
        view_class = method_decorator(
            ratelimit(group=group, key="ip", rate=_rate(ip_rate), method="POST"),
            name="dispatch",
        )(view_class)
        return method_decorator(
            ratelimit(
                group=f"{group}.email",
                key=_posted_email(email_field),
                rate=_rate(email_rate),
                method="POST",
            ),
            name="dispatch",
        )(view_class)

    return decorate


def limit_login(email_field: str):
    return limit_posts(
        group=LOGIN_GROUP,
        ip_rate="ACCOUNTS_LOGIN_RATE_PER_IP",
        email_rate="ACCOUNTS_LOGIN_RATE_PER_EMAIL",
        email_field=email_field,
    )


def limit_email_sending(email_field: str = "email"):
    return limit_posts(
        group=EMAIL_GROUP,
        ip_rate="ACCOUNTS_EMAIL_RATE_PER_IP",
        email_rate="ACCOUNTS_EMAIL_RATE_PER_EMAIL",
        email_field=email_field,
    )


def login_is_limited(request: HttpRequest, *, email_field: str) -> bool:
    """For API views, which answer 429 themselves: count this attempt and say if it's over."""
    ip_limited = is_ratelimited(
        request,
        group=LOGIN_GROUP,
        key="ip",
        rate=_rate("ACCOUNTS_LOGIN_RATE_PER_IP"),
        method="POST",
        increment=True,
    )
    email_limited = is_ratelimited(
        request,
        group=f"{LOGIN_GROUP}.email",
        key=_posted_email(email_field),
        rate=_rate("ACCOUNTS_LOGIN_RATE_PER_EMAIL"),
        method="POST",
        increment=True,
    )
    return ip_limited or email_limited


def guardian_email_is_limited(request: HttpRequest) -> bool:
    """Emails to a guardian (request, resend, new address): a few per participant per hour.
    Counts this attempt; pages and the API answer 429 themselves."""
    return is_ratelimited(
        request,
        group="accounts.guardian-email",
        key="user",
        rate=_rate("ACCOUNTS_GUARDIAN_EMAIL_RATE"),
        method="POST",
        increment=True,
    )
