import pytest

from tests.factories import OrganiserFactory, ProviderNetworkFactory


@pytest.fixture
def network():
    return ProviderNetworkFactory()


@pytest.fixture
def organiser(network):
    """An organiser of `network`, the network the console tests' challenges belong to."""
    return OrganiserFactory(provider_network=network)
