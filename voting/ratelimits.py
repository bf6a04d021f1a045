"""Rate limits on votes, per account and per address (a classroom shares one address)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

VOTE_GROUP = "voting.vote"


def vote_is_limited(request: HttpRequest) -> bool:
    """Counts this vote request and says if the account or the address is over its rate."""
    account = is_ratelimited(
        request,
        group=VOTE_GROUP,
        key="user_or_ip",
        rate=lambda group, request: settings.VOTING_RATE_PER_ACCOUNT,
        method=ALL,
        increment=True,
    )
    address = is_ratelimited(
        request,
        group=f"{VOTE_GROUP}.address",
        key="ip",
        rate=lambda group, request: settings.VOTING_RATE_PER_ADDRESS,
        method=ALL,
        increment=True,
    )
    return account or address
