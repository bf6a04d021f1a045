"""Network scope: platform-wide staff is an explicit flag; a missing network widens nothing."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.test import RequestFactory

from tests.factories import (
    ChallengeFactory,
    EntryFactory,
    ModeratorFactory,
    OrganiserFactory,
    ProviderNetworkFactory,
)
from videoawards.accounts.models import User
from videoawards.accounts.permissions import (
    is_moderator_for,
    is_organiser_for,
    is_platform_organiser,
)
from videoawards.challenges.models import Challenge, Entry
from videoawards.core.scope import network_of
from videoawards.moderation.selectors import decidable_entries

pytestmark = pytest.mark.django_db


def _admin_rows(model, user) -> list:
    request = RequestFactory().get("/admin/")
    request.user = user
    return list(site._registry[model].get_queryset(request))


def test_staff_without_network_or_flag_acts_for_no_network():
    # given: a challenge of no network and one of a network, with an entry each
    loose = EntryFactory(challenge=ChallengeFactory(provider_network=None), state="submitted")
    EntryFactory(challenge=ChallengeFactory(), state="submitted")
    organiser = OrganiserFactory(provider_network=None, is_platform_staff=False)
    moderator = ModeratorFactory(provider_network=None, is_platform_staff=False)
    # then: nothing, not even what has no network either
    assert [is_organiser_for(organiser, None), is_platform_organiser(organiser)] == [False, False]
    assert is_moderator_for(moderator, loose.challenge.provider_network_id) is False
    assert list(decidable_entries(user=moderator)) == []
    assert _admin_rows(Challenge, organiser) == []
    assert _admin_rows(Entry, organiser) == []


def test_platform_staff_flag_covers_every_network():
    # given
    own, other = ChallengeFactory(), ChallengeFactory()
    organiser = OrganiserFactory(provider_network=None, is_platform_staff=True)
    # then
    assert is_platform_organiser(organiser) is True
    assert sorted(c.pk for c in _admin_rows(Challenge, organiser)) == sorted([own.pk, other.pk])


def test_network_staff_act_for_their_own_network_only():
    # given
    network = ProviderNetworkFactory()
    own = ChallengeFactory(provider_network=network)
    ChallengeFactory()
    organiser = OrganiserFactory(provider_network=network)
    # then
    assert organiser.is_platform_staff is False
    assert [c.pk for c in _admin_rows(Challenge, organiser)] == [own.pk]


def test_network_of_follows_the_path_from_an_object_or_an_inlines_parent():
    # given
    entry = EntryFactory()
    network_id = entry.challenge.provider_network_id
    # then: an entry creator's path, started from the entry (an inline's parent) or the link
    assert network_of(entry, "entry__challenge__provider_network") == network_id
    assert network_of(entry.challenge, "challenge__provider_network") == network_id
    assert network_of(entry.creator_links.first(), "entry__challenge__provider_network") == (
        network_id
    )


def test_migration_flags_the_staff_who_had_no_network():
    # given: accounts as they were before the flag existed
    network = ProviderNetworkFactory()
    loose = OrganiserFactory(provider_network=None, is_platform_staff=False)
    moderator = ModeratorFactory(provider_network=None, is_platform_staff=False)
    networked = OrganiserFactory(provider_network=network)
    # when
    migration = import_module("videoawards.accounts.migrations.0003_user_is_platform_staff")
    migration.flag_platform_staff(apps, None)
    # then
    flags = dict(User.objects.values_list("pk", "is_platform_staff"))
    assert [flags[loose.pk], flags[moderator.pk], flags[networked.pk]] == [True, True, False]
