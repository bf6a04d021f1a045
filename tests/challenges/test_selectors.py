from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.factories import (
    ChallengeFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from videoawards.challenges import selectors

pytestmark = pytest.mark.django_db


def _upcoming(**kwargs):
    return ChallengeFactory(entries_open_at=timezone.now() + timedelta(days=5), **kwargs)


def _past(**kwargs):
    opened = timezone.now() - timedelta(days=60)
    return ChallengeFactory(
        entries_open_at=opened, entries_close_at=opened + timedelta(days=30), **kwargs
    )


def test_challenges_are_grouped_as_open_upcoming_and_past():
    # given
    open_one = ChallengeFactory()
    upcoming = _upcoming()
    past = _past()
    _upcoming(is_published=False)
    # when
    groups = selectors.challenges_by_group()
    # then
    assert groups == {"open": [open_one], "upcoming": [upcoming], "past": [past]}


@pytest.mark.parametrize("group", ["open", "upcoming", "past"])
def test_group_query_matches_the_grouping(group):
    # given
    ChallengeFactory(), _upcoming(), _past()
    # when
    from_query = list(selectors.challenges_in_group(group=group))
    # then
    assert from_query == selectors.challenges_by_group()[group]


def test_timeline_marks_only_the_current_step(challenge):
    # when
    steps = selectors.challenge_timeline(challenge=challenge)
    # then
    assert [step.key for step in steps] == [
        "entries_open",
        "entries_close",
        "judging",
        "public_voting",
        "results",
    ]
    assert [step.key for step in steps if step.is_current] == ["entries_open"]


def test_timeline_marks_past_steps_done_during_public_voting(challenge):
    # given
    now = challenge.voting_opens_at + timedelta(hours=1)
    # when
    steps = selectors.challenge_timeline(challenge=challenge, now=now)
    # then
    assert [(s.key, s.is_done, s.is_current) for s in steps] == [
        ("entries_open", True, False),
        ("entries_close", True, False),
        ("judging", False, False),
        ("public_voting", False, True),
        ("results", False, False),
    ]


def _visible_ids(user):
    return set(selectors.visible_entries(user=user).values_list("pk", flat=True))


def test_drafts_are_visible_to_their_creators_moderators_and_organisers_only(make_entry, creator):
    # given
    draft = make_entry(state="draft")
    approved = make_entry(state="approved")
    # when
    seen = {
        "anonymous": _visible_ids(AnonymousUser()),
        "stranger": _visible_ids(ParticipantFactory()),
        "creator": _visible_ids(creator),
        "moderator": _visible_ids(ModeratorFactory()),
        "organiser": _visible_ids(OrganiserFactory()),
    }
    # then
    everything = {draft.pk, approved.pk}
    assert seen == {
        "anonymous": {approved.pk},
        "stranger": {approved.pk},
        "creator": everything,
        "moderator": everything,
        "organiser": everything,
    }


def test_network_moderator_sees_drafts_of_their_network_only(make_entry, challenge):
    # given
    draft = make_entry(state="draft")
    own = ModeratorFactory(provider_network=challenge.provider_network)
    other = ModeratorFactory(provider_network=ProviderNetworkFactory())
    # when / then
    assert (_visible_ids(own), _visible_ids(other)) == ({draft.pk}, set())


def test_team_entry_appears_once_for_each_member(make_entry, creator):
    # given
    friend = ParticipantFactory()
    entry = make_entry(creators=[creator, friend])
    # when
    mine = list(selectors.visible_entries(user=friend))
    # then
    assert mine == [entry]


def test_public_entry_of_an_unpublished_challenge_stays_hidden(make_entry, challenge):
    # given
    make_entry(state="approved")
    challenge.is_published = False
    challenge.save(update_fields=["is_published"])
    # when / then
    assert _visible_ids(ParticipantFactory()) == set()


def test_user_can_view_entry_agrees_with_visible_entries(make_entry, creator):
    # given
    entries = [make_entry(state=s) for s in ("draft", "submitted", "approved", "withdrawn")]
    users = [AnonymousUser(), ParticipantFactory(), creator, ModeratorFactory()]
    # when
    one_by_one = [
        {e.pk for e in entries if selectors.user_can_view_entry(user=u, entry=e)} for u in users
    ]
    # then
    assert one_by_one == [_visible_ids(u) for u in users]


def test_participant_entries_lists_team_entries_too(make_entry, creator):
    # given
    friend = ParticipantFactory()
    solo = make_entry(creators=[friend])
    team = make_entry(creators=[creator, friend])
    make_entry()
    # when
    entries = set(selectors.participant_entries(user=friend))
    # then
    assert entries == {team, solo}
