"""Reads about badges and portfolios."""

from __future__ import annotations

from django.db.models import QuerySet

from videoawards.accounts.models import User
from videoawards.accounts.selectors import users_lacking_consent
from videoawards.challenges.models import Entry
from videoawards.challenges.selectors import public_entry_q

from .models import Assertion, Portfolio


def badges_of(*, user: User) -> QuerySet[Assertion]:
    return Assertion.objects.filter(recipient=user, revoked=False).select_related("badge_class")


def public_portfolio(*, public_id) -> Portfolio | None:
    """A public portfolio, unless its owner is below the consent age without consent."""
    return (
        Portfolio.objects.filter(public_id=public_id, is_public=True)
        .exclude(user__in=users_lacking_consent())
        .select_related("user")
        .first()
    )


def portfolio_entries(*, user: User, public_only: bool) -> QuerySet[Entry]:
    """The person's entries: all for themselves, only published ones for visitors."""
    qs = Entry.objects.filter(creator_links__user=user).select_related("challenge", "media_asset")
    if public_only:
        qs = qs.filter(public_entry_q())
    return qs.order_by("-created_at", "pk")
