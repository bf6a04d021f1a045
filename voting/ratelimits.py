"""Rate limits on votes, per account and per address (a classroom shares one address).

A fixed-window counter per key in the cache: one increment per limit on the hot path
(an add only when a window starts). The page's form and the API count against the same
keys, so switching between them buys nothing.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

VOTE_GROUP = "voting.vote"
_PREFIX = "rl:vote:"
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@lru_cache(maxsize=16)
def _rate(rate: str) -> tuple[int, int]:
    """'30/m' -> (30, 60), '5/10m' -> (5, 600): django-ratelimit's notation."""
    match = _RATE.match(rate.strip().lower())
    if match is None:
        raise ValueError(f"Not a rate: {rate!r} (write it as 30/m, 600/h, 5/10m)")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _SECONDS[unit]


def _over(key: str, rate: str) -> bool:
    """Counts one request against `key` in the current window; True when over the rate."""
    limit, period = _rate(rate)
    # The rate is part of the key (as in django-ratelimit): a changed rate counts afresh.
    window_key = f"{_PREFIX}{limit}/{period}:{key}:{int(time.time()) // period}"
    try:
        count = cache.incr(window_key)
    except ValueError:  # the first request of this window
        count = 1 if cache.add(window_key, 1, period + 5) else cache.incr(window_key)
    return count > limit


def vote_is_limited(request: HttpRequest) -> bool:
    """Counts this vote request and says if the account or the address is over its rate."""
    address = request.META.get("REMOTE_ADDR", "")
    user = getattr(request, "user", None)
    who = f"u{user.pk}" if user is not None and user.is_authenticated else f"a{address}"
    account = _over(f"{VOTE_GROUP}:{who}", settings.VOTING_RATE_PER_ACCOUNT)
    by_address = _over(f"{VOTE_GROUP}.address:{address}", settings.VOTING_RATE_PER_ADDRESS)
    return account or by_address
