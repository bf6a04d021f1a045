"""The access policy for entries and their videos: one rule, as a check and as a list."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import (
    ChallengeFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    UserFactory,
)
from tests.transcoding.factories import MediaAssetFactory
from tests.voting.factories import JuryMemberFactory, JuryPanelFactory
from videoawards.challenges import selectors

pytestmark = pytest.mark.django_db

STATES = ("draft", "submitted", "approved", "rejected", "withdrawn", "winner")


@pytest.fixture
def world(make_entry, challenge, creator):
    """Entries in every state of one network's challenge, and one person per role."""
    network = challenge.provider_network
    other_network = ProviderNetworkFactory()
    entries = {state: make_entry(state=state) for state in STATES}
    juror = JuryMemberFactory(panel=JuryPanelFactory(challenge=challenge)).juror
    other_juror = JuryMemberFactory(panel=JuryPanelFactory(challenge=ChallengeFactory())).juror
    people = {
        "anonymous": AnonymousUser(),
        "participant": ParticipantFactory(),
        "creator": creator,
        "juror": juror,
        "juror elsewhere": other_juror,
        "moderator": ModeratorFactory(provider_network=network),
        "moderator elsewhere": ModeratorFactory(provider_network=other_network),
        "organiser": OrganiserFactory(provider_network=network),
        "platform moderator": ModeratorFactory(provider_network=None, is_platform_staff=True),
        "staff of no network": ModeratorFactory(provider_network=None, is_platform_staff=False),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    return entries, people


def test_the_check_and_the_list_agree_for_every_role(world):
    # given
    entries, people = world
    # when
    checked = {
        role: {s for s, e in entries.items() if user.has_perm("challenges.view_entry", e)}
        for role, user in people.items()
    }
    listed = {
        role: {
            e.state
            for e in selectors.visible_entries(user=user).filter(
                pk__in=[e.pk for e in entries.values()]
            )
        }
        for role, user in people.items()
    }
    # then: the same, and what each role should get
    public = {"approved", "winner"}
    everything = set(STATES)
    assert checked == listed
    assert checked == {
        "anonymous": public,
        "participant": public,
        "creator": everything,
        "juror": everything,
        "juror elsewhere": public,
        "moderator": everything,
        "moderator elsewhere": public,
        "organiser": everything,
        "platform moderator": everything,
        "staff of no network": public,
        "superuser": everything,
    }


def test_an_entrys_video_plays_for_whoever_may_see_the_entry(world):
    # given
    entries, people = world
    draft_video = entries["draft"].media_asset
    # when
    playing = {
        role: user.has_perm("transcoding.play_asset", draft_video) for role, user in people.items()
    }
    # then
    assert playing == {
        role: user.has_perm("challenges.view_entry", entries["draft"])
        for role, user in people.items()
    }
    assert sorted(r for r, may in playing.items() if may) == [
        "creator",
        "juror",
        "moderator",
        "organiser",
        "platform moderator",
        "superuser",
    ]


def test_a_video_on_no_entry_plays_for_its_uploader_and_platform_staff_only(world):
    # given
    _entries, people = world
    uploader = people["participant"]
    loose = MediaAssetFactory(owner=uploader)
    # when
    playing = sorted(
        role for role, user in people.items() if user.has_perm("transcoding.play_asset", loose)
    )
    captioning = sorted(
        role for role, user in people.items() if user.has_perm("transcoding.caption_asset", loose)
    )
    # then
    assert playing == ["participant", "platform moderator", "superuser"]
    assert captioning == ["participant", "superuser"]
