from datetime import timedelta

import pytest
from django.utils import timezone

# Rate-limit counters live in the cache: each test starts with none (autouse fixture).
from tests.accounts.conftest import _fresh_rate_limits  # noqa: F401
from tests.factories import (
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from videoawards.workshops.models import Registration


@pytest.fixture
def network():
    return ProviderNetworkFactory(name="Hamburg Science Network")


@pytest.fixture
def workshop(network):
    """On site in Hamburg in ten days, two places."""
    return WorkshopFactory(provider_network=network, title="Film your first experiment", capacity=2)


@pytest.fixture
def started_workshop(network):
    """Started an hour ago, ends in two hours."""
    starts_at = timezone.now() - timedelta(hours=1)
    return WorkshopFactory(
        provider_network=network,
        title="Light and shadow",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        registration_deadline=starts_at - timedelta(days=1),
    )


@pytest.fixture
def participant():
    return ParticipantFactory(display_name="Nova")


@pytest.fixture
def organiser(network):
    """An organiser of the workshops' provider network."""
    return OrganiserFactory(provider_network=network, display_name="Olga")


@pytest.fixture
def confirmed():
    """A confirmed registration for a workshop, made directly (not through the service)."""

    def _make(workshop, participant=None, **kwargs):
        return RegistrationFactory(
            workshop=workshop,
            participant=participant or ParticipantFactory(),
            status=Registration.Status.CONFIRMED,
            **kwargs,
        )

    return _make
