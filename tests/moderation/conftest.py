"""Fixtures for moderation: a challenge of a network, entries in any state with a playable
video, clients per role, and a registered juror rule standing in for voting's juries."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.db.models import Q
from django.test import Client

from tests.factories import (
    ChallengeFactory,
    EntryFactory,
    JurorFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from tests.transcoding.factories import published_asset
from videoawards.challenges.models import Entry
from videoawards.core.access import QueryRule


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    from django.core.cache import cache

    settings.RATELIMIT_ENABLE = True
    cache.clear()


@pytest.fixture
def network():
    return ProviderNetworkFactory()


@pytest.fixture
def challenge(network):
    return ChallengeFactory(provider_network=network)


@pytest.fixture
def creator():
    return ParticipantFactory(display_name="Nova")


@pytest.fixture
def moderator(network):
    return ModeratorFactory(provider_network=network, display_name="Mia")


@pytest.fixture
def organiser():
    """Platform-wide: organises every network."""
    return OrganiserFactory(provider_network=None, display_name="Olga")


@pytest.fixture
def make_entry(challenge, creator) -> Callable[..., Entry]:
    """An entry of `creator` in `challenge` in any state, with a ready, playable video."""

    def _make(*, state: str = "submitted", creators=None, **kwargs) -> Entry:
        owner = (creators or [creator])[0]
        kwargs.setdefault("challenge", challenge)
        if state == "rejected":
            kwargs.setdefault("moderation_reason", "Please cut the music.")
        return EntryFactory(
            state=state,
            media_asset=published_asset(owner=owner),
            creators=creators or [creator],
            **kwargs,
        )

    return _make


@pytest.fixture
def client_for() -> Callable[..., Client]:
    def make(user=None, **defaults) -> Client:
        client = Client(**defaults)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def jury(widen_permission) -> Iterator[Callable]:
    """Put a juror on a challenge's jury: a viewer rule like the one voting adds."""
    panels: dict[int, set[int]] = {}

    def rule(user) -> Q | None:
        challenges = panels.get(user.pk)
        return Q(challenge_id__in=challenges) if challenges else None

    def seat(*, challenge):
        juror = JurorFactory()
        panels.setdefault(juror.pk, set()).add(challenge.pk)
        return juror

    widen_permission("challenges.view_entry", QueryRule(rule, model=Entry, name="test jury"))
    yield seat
