import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import (
    JurorFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from videoawards.accounts.models import User
from videoawards.accounts.permissions import (
    can_use_admin,
    is_moderator_for,
    is_organiser_for,
    is_platform_organiser,
    is_verified,
)

pytestmark = pytest.mark.django_db


def test_network_organiser_organises_only_their_network():
    # given
    mine, theirs = ProviderNetworkFactory(), ProviderNetworkFactory()
    organiser = OrganiserFactory(provider_network=mine)
    # then
    assert is_organiser_for(organiser, mine) is True
    assert is_organiser_for(organiser, mine.pk) is True
    assert is_organiser_for(organiser, theirs) is False
    assert is_platform_organiser(organiser) is False


def test_organiser_without_network_is_platform_wide():
    # given
    organiser = OrganiserFactory(provider_network=None)
    # then
    assert is_organiser_for(organiser, ProviderNetworkFactory()) is True
    assert is_organiser_for(organiser, None) is True
    assert is_platform_organiser(organiser) is True


def test_superuser_may_do_everything():
    # given
    root = User.objects.create_superuser(email="root@example.org", password="x")
    network = ProviderNetworkFactory()
    # then
    assert is_organiser_for(root, network) is True
    assert is_moderator_for(root, network) is True
    assert is_platform_organiser(root) is True
    assert can_use_admin(root) is True
    assert is_verified(root) is True


def test_moderator_moderates_their_network_but_does_not_organise():
    # given
    mine, theirs = ProviderNetworkFactory(), ProviderNetworkFactory()
    moderator = ModeratorFactory(provider_network=mine)
    # then
    assert is_moderator_for(moderator, mine) is True
    assert is_moderator_for(moderator, theirs) is False
    assert is_organiser_for(moderator, mine) is False


@pytest.mark.parametrize("factory", [ParticipantFactory, JurorFactory])
def test_participants_and_jurors_neither_organise_nor_moderate(factory):
    # given
    user = factory(provider_network=None)
    network = ProviderNetworkFactory()
    # then
    assert is_organiser_for(user, network) is False
    assert is_moderator_for(user, network) is False
    assert can_use_admin(user) is False


def test_anonymous_and_inactive_users_are_allowed_nothing():
    # given
    network = ProviderNetworkFactory()
    inactive = OrganiserFactory(provider_network=None, is_active=False)
    # then
    for user in (AnonymousUser(), inactive):
        assert is_organiser_for(user, network) is False
        assert is_moderator_for(user, network) is False
        assert is_platform_organiser(user) is False
        assert can_use_admin(user) is False
        assert is_verified(user) is False


def test_unconfirmed_email_is_not_verified():
    # given
    user = ParticipantFactory(email_verified_at=None)
    # then
    assert is_verified(user) is False
