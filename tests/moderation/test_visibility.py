"""Who sees an entry before and after moderation, and while it is hidden after reports.

The entry page, the API, the playback gateway and visible_entries() must agree.
"""

from __future__ import annotations

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from rules.permissions import permissions as access_permissions

from tests.factories import (
    AwardFactory,
    ChallengeFactory,
    JurorFactory,
    ModeratorFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from videoawards.badges.selectors import portfolio_entries
from videoawards.challenges import selectors
from videoawards.challenges.models import Entry, Feature
from videoawards.core.access import QueryRule, widen
from voting.models import JuryMember, JuryPanel
from voting.selectors import votable_entries

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


def test_a_widening_taken_back_no_longer_shows_waiting_entries(make_entry, challenge, jury):
    # given: the jury fixture's rule is in the policy; a second, temporary one is not kept
    juror = jury(challenge=challenge)
    entry = make_entry(state="submitted")

    def everything(user):
        return Q(pk__isnull=False)

    kept = access_permissions["challenges.view_entry"]
    widen("challenges.view_entry", QueryRule(everything, model=Entry, name="everything"))
    rules.set_perm("challenges.view_entry", kept)
    stranger = ParticipantFactory()
    # when
    seen = {
        "juror": selectors.user_can_view_entry(user=juror, entry=entry),
        "stranger": selectors.user_can_view_entry(user=stranger, entry=entry),
    }
    # then
    assert seen == {"juror": True, "stranger": False}


def test_hidden_winner_leaves_the_homepage_and_the_public_portfolio(make_entry, creator, client):
    # given
    shown = make_entry(state="winner", title="Shown")
    hidden = make_entry(state="winner", title="Hidden", hidden_at=timezone.now())
    award = AwardFactory(challenge=shown.challenge)
    for entry in (shown, hidden):
        Feature.objects.create(award=award, entry=entry)
    # when
    homepage = [f.entry.title for f in selectors.homepage_features()]
    portfolio = [e.title for e in portfolio_entries(user=creator, public_only=True)]
    # then
    assert (homepage, portfolio) == (["Shown"], ["Shown"])


def test_jurors_on_a_panel_of_the_challenge_see_its_waiting_entries_dropped_ones_do_not(
    make_entry, challenge, client_for
):
    # given: voting's own rule (registered in VotingConfig.ready), with real jury panels
    entry = make_entry(state="submitted")
    panel = JuryPanel.objects.create(challenge=challenge, name="Main jury")
    active, dropped, elsewhere = JurorFactory(), JurorFactory(), JurorFactory()
    JuryMember.objects.create(panel=panel, juror=active)
    JuryMember.objects.create(panel=panel, juror=dropped, dropped_at=timezone.now())
    other = JuryPanel.objects.create(challenge=ChallengeFactory(), name="Other jury")
    JuryMember.objects.create(panel=other, juror=elsewhere)
    # when
    seen = {
        name: (
            client_for(user).get(entry.get_absolute_url()).status_code,
            client_for(user).get(f"/media/assets/{entry.media_asset_id}/master.m3u8").status_code,
        )
        for name, user in (("active", active), ("dropped", dropped), ("elsewhere", elsewhere))
    }
    # then
    assert seen == {"active": (200, 200), "dropped": (404, 404), "elsewhere": (404, 404)}


def test_hidden_entries_leave_the_public_vote(make_entry, challenge):
    # given
    make_entry(state="approved", title="Public")
    make_entry(state="approved", title="Reported away", hidden_at=timezone.now())
    # when
    votable = [e.title for e in votable_entries(challenge=challenge)]
    # then
    assert votable == ["Public"]
