"""Who sees an entry before and after moderation, and while it is hidden after reports.

The entry page, the API, the playback gateway and visible_entries() must agree.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from tests.factories import (
    ChallengeFactory,
    ModeratorFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from videoawards.challenges import selectors

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "stranger",
    "creator",
    "juror",
    "juror_elsewhere",
    "moderator",
    "moderator_elsewhere",
    "organiser",
)
PRIVILEGED = {"creator", "juror", "moderator", "organiser"}


@pytest.fixture
def people(creator, moderator, organiser, challenge, jury):
    return {
        "anonymous": None,
        "stranger": ParticipantFactory(),
        "creator": creator,
        "juror": jury(challenge=challenge),
        "juror_elsewhere": jury(challenge=ChallengeFactory()),
        "moderator": moderator,
        "moderator_elsewhere": ModeratorFactory(provider_network=ProviderNetworkFactory()),
        "organiser": organiser,
    }


def _who_sees(entry, people, client_for) -> dict[str, set[str]]:
    """For each path, the roles that get the entry."""
    seen: dict[str, set[str]] = {"page": set(), "api": set(), "video": set(), "selector": set()}
    for role in ROLES:
        user = people[role]
        client = client_for(user)
        if client.get(entry.get_absolute_url()).status_code == 200:
            seen["page"].add(role)
        if client.get(f"/api/v1/entries/{entry.pk}/").status_code == 200:
            seen["api"].add(role)
        if client.get(f"/media/assets/{entry.media_asset_id}/master.m3u8").status_code == 200:
            seen["video"].add(role)
        viewer = user or AnonymousUser()
        if selectors.visible_entries(user=viewer).filter(pk=entry.pk).exists():
            seen["selector"].add(role)
    return seen


def test_submitted_entry_is_seen_only_by_creators_jurors_moderators_and_organisers(
    make_entry, people, client_for
):
    # given
    entry = make_entry(state="submitted")
    # when
    seen = _who_sees(entry, people, client_for)
    # then
    assert seen == {path: PRIVILEGED for path in seen}


def test_approved_entry_is_seen_by_everyone(make_entry, people, client_for):
    # given
    entry = make_entry(state="approved")
    # when
    seen = _who_sees(entry, people, client_for)
    # then
    assert seen == {path: set(ROLES) for path in seen}


def test_hidden_entry_is_seen_only_by_creators_jurors_moderators_and_organisers(
    make_entry, people, client_for
):
    # given
    entry = make_entry(state="approved", hidden_at=timezone.now())
    # when
    seen = _who_sees(entry, people, client_for)
    # then
    assert seen == {path: PRIVILEGED for path in seen}


def test_rejected_entry_goes_back_to_its_creators_only(make_entry, people, client_for):
    # given
    entry = make_entry(state="rejected")
    # when
    seen = _who_sees(entry, people, client_for)
    # then
    assert seen == {path: PRIVILEGED for path in seen}


def test_challenge_page_lists_approved_entries_but_not_waiting_or_hidden_ones(
    make_entry, challenge, client
):
    # given
    make_entry(state="submitted", title="Waiting")
    make_entry(state="approved", title="Public")
    make_entry(state="approved", title="Reported away", hidden_at=timezone.now())
    # when
    response = client.get(challenge.get_absolute_url())
    # then
    assert [e.title for e in response.context["challenge"].public_entries] == ["Public"]


def test_api_list_for_visitors_has_only_public_entries(make_entry, challenge, client):
    # given
    make_entry(state="submitted", title="Waiting")
    make_entry(state="approved", title="Public")
    make_entry(state="winner", title="Hidden winner", hidden_at=timezone.now())
    # when
    response = client.get("/api/v1/entries/", {"challenge": challenge.slug})
    # then
    assert [e["title"] for e in response.json()["results"]] == ["Public"]


def test_unregistered_juror_rule_no_longer_shows_waiting_entries(make_entry, challenge, jury):
    # given: the jury fixture's rule is registered; a second, temporary rule is not kept
    juror = jury(challenge=challenge)
    entry = make_entry(state="submitted")

    def everything(user):
        return Q()

    selectors.register_entry_viewer_rule(everything)
    selectors.unregister_entry_viewer_rule(everything)
    stranger = ParticipantFactory()
    # when
    seen = {
        "juror": selectors.user_can_view_entry(user=juror, entry=entry),
        "stranger": selectors.user_can_view_entry(user=stranger, entry=entry),
    }
    # then
    assert seen == {"juror": True, "stranger": False}
