"""A person's badges and portfolio for the export (erasure: they go with the account)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from videoawards.accounts.models import User
from videoawards.accounts.personal_data import when

from .models import Assertion, Portfolio


def export_badges(user: User) -> list[dict[str, Any]]:
    assertions = Assertion.objects.filter(recipient=user).select_related("badge_class")
    return [
        {
            "badge": assertion.badge_class.name,
            "kind": assertion.badge_class.kind,
            "for": assertion.narrative,
            "issued_on": when(assertion.issued_on),
            "revoked": assertion.revoked,
            "assertion_url": settings.SITE_URL
            + reverse("badges:assertion", kwargs={"pk": assertion.pk}),
        }
        for assertion in assertions.order_by("issued_on", "pk")
    ]


def export_portfolio(user: User) -> dict[str, Any] | None:
    portfolio = Portfolio.objects.filter(user=user).first()
    if portfolio is None:
        return None
    return {"public": portfolio.is_public, "public_id": str(portfolio.public_id)}
