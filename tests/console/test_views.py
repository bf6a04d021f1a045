"""The organiser console: who gets in, what the to-do list says, steps taken from it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AwardFactory,
    ChallengeFactory,
    EntryFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    voting_challenge,
)
from videoawards.challenges.models import Phase

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("console:dashboard")


def _in_voting(network, **kwargs):
    return voting_challenge(provider_network=network, **kwargs)


def test_only_organisers_open_the_console(client, network):
    assert client.get(DASHBOARD).status_code == 302  # to the login
    for user in (ParticipantFactory(), ModeratorFactory(provider_network=network)):
        client.force_login(user)
        assert client.get(DASHBOARD).status_code == 403


def test_the_navigation_offers_organise_to_organisers_only(client, organiser):
    client.force_login(ParticipantFactory())
    assert DASHBOARD not in client.get(reverse("home")).content.decode()
    client.force_login(organiser)
    assert DASHBOARD in client.get(reverse("home")).content.decode()


def test_the_dashboard_shows_the_networks_season_by_phase_and_what_waits(
    client, network, organiser
):
    # given: one challenge open with an entry to moderate, one voting, one of another network
    open_now = ChallengeFactory(provider_network=network, title="Light and Sound")
    EntryFactory(challenge=open_now, state="submitted")
    voting = _in_voting(network, title="Tiny Machines")
    ChallengeFactory(title="Someone else's challenge")
    client.force_login(organiser)
    # when
    page = client.get(DASHBOARD)
    html = page.content.decode()
    # then
    assert page.status_code == 200
    assert "Light and Sound" in html and "Tiny Machines" in html
    assert "Someone else" not in html
    assert "Light and Sound: 1 entry waits for moderation." in html
    phases = [phase for phase, _cards in page.context["dashboard"].phases]
    assert phases == [Phase.ENTRIES_OPEN, Phase.PUBLIC_VOTING]
    assert reverse("console:phase", args=[voting.slug]) in html


def test_the_dashboard_costs_the_same_queries_for_many_challenges(
    client, network, organiser, django_assert_max_num_queries
):
    for _ in range(2):
        EntryFactory(challenge=_in_voting(network), state="submitted")
    client.force_login(organiser)
    with django_assert_max_num_queries(20) as few:
        client.get(DASHBOARD)
    for _ in range(8):
        EntryFactory(challenge=_in_voting(network), state="submitted")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(DASHBOARD)


def test_closing_voting_from_the_console_stops_votes_and_offers_the_results(
    client, network, organiser
):
    # given
    challenge = _in_voting(network, title="Tiny Machines")
    AwardFactory(challenge=challenge, decided_by="public", jury_weight=0)
    client.force_login(organiser)
    step = reverse("console:phase", args=[challenge.slug])
    page = client.get(step).content.decode()
    assert "Next step: Close public voting" in page
    # when
    response = client.post(step, {"to": Phase.VOTING_CLOSED}, follow=True)
    # then
    challenge.refresh_from_db()
    assert challenge.phase() == Phase.VOTING_CLOSED
    assert "is now in “Voting closed, results coming”" in response.content.decode()
    todo = client.get(DASHBOARD).content.decode()
    assert "Tiny Machines: results can be worked out, checked and published." in todo


def test_a_step_out_of_turn_gets_a_plain_answer(client, network, organiser):
    challenge = ChallengeFactory(provider_network=network)  # entries open
    client.force_login(organiser)
    step = reverse("console:phase", args=[challenge.slug])
    response = client.post(step, {"to": Phase.VOTING_CLOSED}, follow=True)
    assert "take the steps in order" in response.content.decode()
    assert "constraint" not in response.content.decode()


def test_another_networks_organiser_cannot_take_a_step(client, network):
    challenge = _in_voting(network)
    client.force_login(OrganiserFactory(provider_network=ProviderNetworkFactory()))
    step = reverse("console:phase", args=[challenge.slug])
    assert client.get(step).status_code == 403
    assert client.post(step, {"to": Phase.VOTING_CLOSED}).status_code == 403
    challenge.refresh_from_db()
    assert challenge.phase() == Phase.PUBLIC_VOTING


def test_by_hand_a_passed_date_becomes_a_to_do(client, network, organiser):
    # given: voting was planned to close an hour ago, the organiser runs it by hand
    now = timezone.now()
    challenge = _in_voting(
        network,
        title="Tiny Machines",
        voting_opens_at=now - timedelta(days=1),
        voting_closes_at=now - timedelta(hours=1),
        on_schedule=False,
        stage=Phase.PUBLIC_VOTING,
    )
    client.force_login(organiser)
    # when
    html = client.get(DASHBOARD).content.decode()
    # then
    assert "Tiny Machines: “Voting closed, results coming” was planned for" in html
    assert challenge.phase() == Phase.PUBLIC_VOTING


def test_switching_back_to_the_schedule_applies_passed_dates(client, network, organiser):
    now = timezone.now()
    challenge = _in_voting(
        network,
        voting_opens_at=now - timedelta(days=1),
        voting_closes_at=now - timedelta(hours=1),
        on_schedule=False,
        stage=Phase.PUBLIC_VOTING,
    )
    client.force_login(organiser)
    client.post(reverse("console:schedule", args=[challenge.slug]), {"on_schedule": "1"})
    challenge.refresh_from_db()
    assert challenge.on_schedule
    assert challenge.stage == Phase.VOTING_CLOSED
