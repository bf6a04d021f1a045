"""Phases are confirmed steps the server enforces, on schedule or by the organiser's hand.

Runs on SQLite and, in CI's services stage, on PostgreSQL (where the vote racing the
close of voting is a real race between connections).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AwardFactory,
    ChallengeFactory,
    EntryFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    voting_challenge,
)
from videoawards.challenges import services
from videoawards.challenges.models import Phase
from videoawards.challenges.tasks import follow_schedules
from videoawards.core.models import AuditEvent
from voting import services as voting_services
from voting.models import ResultPublication, Vote
from voting.services.votes import entry_facts, forget_cached_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return ProviderNetworkFactory()


@pytest.fixture
def organiser(network):
    return OrganiserFactory(provider_network=network)


def _voting_now(network, **kwargs):
    return voting_challenge(provider_network=network, **kwargs)


@pytest.fixture
def challenge_in_voting(network):
    challenge = _voting_now(network)
    AwardFactory(challenge=challenge, name="Audience award", decided_by="public", jury_weight=0)
    return challenge


@pytest.fixture
def entry(challenge_in_voting):
    return EntryFactory(challenge=challenge_in_voting, state="approved")


# --- Steps in order ----------------------------------------------------------------------


def test_an_organiser_runs_a_challenge_off_schedule_step_by_step(network, organiser):
    # given: dates far in the future, but the organiser leads
    later = timezone.now() + timedelta(days=60)
    challenge = ChallengeFactory(
        provider_network=network,
        on_schedule=False,
        entries_open_at=later,
        entries_close_at=later + timedelta(days=30),
        voting_opens_at=later + timedelta(days=31),
        voting_closes_at=later + timedelta(days=38),
        results_at=later + timedelta(days=40),
    )
    seen = [challenge.phase()]
    # when
    for step in (Phase.ENTRIES_OPEN, Phase.JUDGING, Phase.PUBLIC_VOTING, Phase.VOTING_CLOSED):
        services.advance_phase(challenge=challenge, to=step, by=organiser)
        seen.append(challenge.phase())
    # then: every step took effect at once and brought its planned date forward
    assert seen == [
        Phase.UPCOMING,
        Phase.ENTRIES_OPEN,
        Phase.JUDGING,
        Phase.PUBLIC_VOTING,
        Phase.VOTING_CLOSED,
    ]
    assert challenge.voting_closes_at <= timezone.now()
    assert challenge.entries_open_at < challenge.entries_close_at <= challenge.voting_opens_at
    moves = AuditEvent.objects.filter(action="challenge.phase", actor=organiser)
    assert [event.data["to"] for event in moves.order_by("pk")] == [
        "entries_open",
        "judging",
        "public_voting",
        "voting_closed",
    ]


def test_steps_out_of_order_or_backwards_are_refused_in_plain_words(
    network, organiser, challenge_in_voting
):
    open_for_entries = ChallengeFactory(provider_network=network)
    with pytest.raises(ValidationError, match="take the steps in order"):
        services.advance_phase(challenge=open_for_entries, to=Phase.VOTING_CLOSED, by=organiser)
    with pytest.raises(ValidationError, match="already taken"):
        services.advance_phase(challenge=challenge_in_voting, to=Phase.ENTRIES_OPEN, by=organiser)
    with pytest.raises(ValidationError, match="no such step"):
        services.advance_phase(challenge=challenge_in_voting, to="party", by=organiser)
    assert challenge_in_voting.phase() == Phase.PUBLIC_VOTING


def test_results_come_only_by_publishing(organiser, challenge_in_voting):
    services.advance_phase(challenge=challenge_in_voting, to=Phase.VOTING_CLOSED, by=organiser)
    with pytest.raises(ValidationError, match="when you publish them"):
        services.advance_phase(challenge=challenge_in_voting, to=Phase.RESULTS, by=organiser)


def test_only_the_challenges_organisers_change_its_phase(challenge_in_voting):
    stranger = OrganiserFactory(provider_network=ProviderNetworkFactory())
    for user in (stranger, ParticipantFactory()):
        with pytest.raises(PermissionDenied):
            services.advance_phase(challenge=challenge_in_voting, to=Phase.VOTING_CLOSED, by=user)
    challenge_in_voting.refresh_from_db()
    assert challenge_in_voting.stage != Phase.VOTING_CLOSED


# --- On schedule -------------------------------------------------------------------------


def test_the_schedule_task_records_what_the_dates_reached(network):
    # given: a challenge whose voting closed a minute ago, confirmed only up to judging
    now = timezone.now()
    challenge = _voting_now(
        network,
        entries_close_at=now - timedelta(days=3),
        voting_opens_at=now - timedelta(days=2),
        voting_closes_at=now - timedelta(minutes=1),
        stage=Phase.JUDGING,
    )
    off = _voting_now(network, on_schedule=False, stage=Phase.JUDGING)
    # when
    moved = follow_schedules()
    # then
    challenge.refresh_from_db()
    off.refresh_from_db()
    assert moved == 1
    assert challenge.stage == Phase.VOTING_CLOSED
    assert off.stage == Phase.JUDGING
    event = AuditEvent.objects.get(action="challenge.phase")
    assert (event.actor, event.data["to"]) == (None, "voting_closed")
    assert follow_schedules() == 0


def test_a_challenge_off_schedule_ignores_its_dates(network):
    challenge = _voting_now(network, on_schedule=False, stage=Phase.JUDGING)
    assert challenge.phase() == Phase.JUDGING
    assert not challenge.accepts_votes()


# --- Votes -------------------------------------------------------------------------------


def test_no_vote_counts_after_voting_closed_even_from_a_process_that_cached_it_open(
    organiser, challenge_in_voting, entry
):
    # given: this process has cached that the entry is in an open vote
    voter = ParticipantFactory()
    assert entry_facts(entry.pk) is not None
    voting_services.cast_vote(voter=ParticipantFactory(), entry_id=entry.pk)
    # when: the organiser closes voting
    services.advance_phase(challenge=challenge_in_voting, to=Phase.VOTING_CLOSED, by=organiser)
    # then: the insert itself refuses (the cached facts still say open)
    with pytest.raises(ValidationError, match="Voting is not open"):
        voting_services.cast_vote(voter=voter, entry_id=entry.pk)
    assert Vote.objects.filter(entry=entry).count() == 1


def test_a_vote_cannot_be_taken_back_after_voting_closed(organiser, challenge_in_voting, entry):
    voter = ParticipantFactory()
    voting_services.cast_vote(voter=voter, entry_id=entry.pk)
    services.advance_phase(challenge=challenge_in_voting, to=Phase.VOTING_CLOSED, by=organiser)
    with pytest.raises(ValidationError, match="Voting is not open"):
        voting_services.withdraw_vote(voter=voter, entry_id=entry.pk)
    assert Vote.objects.filter(entry=entry, voter=voter).exists()


def test_no_vote_counts_once_results_are_published(organiser, challenge_in_voting, entry):
    # given
    voting_services.cast_vote(voter=ParticipantFactory(), entry_id=entry.pk)
    services.advance_phase(challenge=challenge_in_voting, to=Phase.VOTING_CLOSED, by=organiser)
    snapshot = voting_services.compute_results(challenge=challenge_in_voting, by=organiser)
    voting_services.publish_results(snapshot=snapshot, by=organiser)
    challenge_in_voting.refresh_from_db()
    # when: even dates that put voting back in its window change nothing
    challenge_in_voting.voting_closes_at = timezone.now() + timedelta(days=1)
    challenge_in_voting.results_at = timezone.now() + timedelta(days=2)
    challenge_in_voting.save()
    forget_cached_facts()
    # then
    assert challenge_in_voting.phase() == Phase.RESULTS
    with pytest.raises(ValidationError, match="Voting is not open"):
        voting_services.cast_vote(voter=ParticipantFactory(), entry_id=entry.pk)


# --- Results wait for voting -------------------------------------------------------------


def test_results_that_count_votes_wait_until_voting_closed(organiser, challenge_in_voting, entry):
    with pytest.raises(ValidationError, match="Public voting is still open"):
        voting_services.compute_results(challenge=challenge_in_voting, by=organiser)
    services.advance_phase(challenge=challenge_in_voting, to=Phase.VOTING_CLOSED, by=organiser)
    snapshot = voting_services.compute_results(challenge=challenge_in_voting, by=organiser)
    assert snapshot.data["awards"][0]["name"] == "Audience award"


def test_a_jury_only_preview_during_voting_may_be_computed_but_not_published(network, organiser):
    # given
    challenge = _voting_now(network)
    AwardFactory(challenge=challenge, name="Jury prize", decided_by="jury")
    # when
    snapshot = voting_services.compute_results(challenge=challenge, by=organiser)
    # then
    with pytest.raises(ValidationError, match="Public voting is still open"):
        voting_services.publish_results(snapshot=snapshot, by=organiser)
    assert not ResultPublication.objects.exists()


def test_results_wait_for_entries_to_close(network, organiser):
    challenge = ChallengeFactory(provider_network=network)  # entries open now
    AwardFactory(challenge=challenge, decided_by="jury")
    with pytest.raises(ValidationError, match="Entries are still open"):
        voting_services.compute_results(challenge=challenge, by=organiser)


def test_a_vote_window_that_ended_by_the_clock_is_closed_before_results_are_computed(
    network, organiser
):
    # given: voting ended a second ago, the schedule task has not run yet
    now = timezone.now()
    challenge = _voting_now(
        network,
        entries_close_at=now - timedelta(days=3),
        voting_opens_at=now - timedelta(days=2),
        voting_closes_at=now - timedelta(seconds=1),
        stage=Phase.PUBLIC_VOTING,
    )
    AwardFactory(challenge=challenge, decided_by="public", jury_weight=0)
    # when
    voting_services.compute_results(challenge=challenge, by=organiser)
    # then: computing recorded the close first, under the phase lock
    challenge.refresh_from_db()
    assert challenge.stage == Phase.VOTING_CLOSED


# --- Scheduled release -------------------------------------------------------------------


def test_a_scheduled_release_publishes_at_its_moment_and_the_page_says_when(
    client, organiser, challenge_in_voting, entry
):
    # given
    voting_services.cast_vote(voter=ParticipantFactory(), entry_id=entry.pk)
    services.advance_phase(challenge=challenge_in_voting, to=Phase.VOTING_CLOSED, by=organiser)
    snapshot = voting_services.compute_results(challenge=challenge_in_voting, by=organiser)
    voting_services.schedule_release(snapshot=snapshot, by=organiser)
    url = reverse("voting:results", args=[challenge_in_voting.slug])
    # when: before the moment
    early = voting_services.release_due_results()
    before = client.get(url).content.decode()
    # and at it
    published = voting_services.release_due_results(now=challenge_in_voting.results_at)
    # then
    assert early == []
    assert "Results will be announced on" in before
    assert [p.snapshot_id for p in published] == [snapshot.pk]
    challenge_in_voting.refresh_from_db()
    assert challenge_in_voting.phase() == Phase.RESULTS
    assert entry.title in client.get(url).content.decode()
    entry.refresh_from_db()
    assert entry.state == "winner"
    assert voting_services.release_due_results(now=challenge_in_voting.results_at) == []


def test_a_release_that_cannot_publish_says_why(organiser, challenge_in_voting, entry):
    # given: a vote is invalidated after the snapshot was scheduled
    voting_services.cast_vote(voter=ParticipantFactory(), entry_id=entry.pk)
    services.advance_phase(challenge=challenge_in_voting, to=Phase.VOTING_CLOSED, by=organiser)
    snapshot = voting_services.compute_results(challenge=challenge_in_voting, by=organiser)
    voting_services.schedule_release(snapshot=snapshot, by=organiser)
    voting_services.invalidate_votes(
        challenge=challenge_in_voting, votes=Vote.objects.all(), by=organiser, reason="Bought"
    )
    # when
    published = voting_services.release_due_results(now=challenge_in_voting.results_at)
    # then
    snapshot.refresh_from_db()
    assert published == []
    assert "Compute them again" in snapshot.release_problem


def test_a_release_cannot_be_scheduled_in_the_past(organiser, challenge_in_voting):
    services.advance_phase(challenge=challenge_in_voting, to=Phase.VOTING_CLOSED, by=organiser)
    snapshot = voting_services.compute_results(challenge=challenge_in_voting, by=organiser)
    with pytest.raises(ValidationError, match="That moment has passed"):
        voting_services.schedule_release(
            snapshot=snapshot, by=organiser, at=timezone.now() - timedelta(minutes=1)
        )


# --- A vote racing the close -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_vote_racing_the_close_either_counts_before_it_or_is_refused(network):
    """Eight voters vote while the organiser closes voting: every vote that was told
    "counted" is in the results computed right after the close, and none came after it."""
    organiser = OrganiserFactory(provider_network=network)
    challenge = _voting_now(network)
    AwardFactory(challenge=challenge, decided_by="public", jury_weight=0)
    entries = [EntryFactory(challenge=challenge, state="approved") for _ in range(4)]
    voters = [ParticipantFactory() for _ in range(8)]
    start = threading.Barrier(len(voters) + 1)
    accepted: list[int] = []
    refused: list[int] = []
    lock = threading.Lock()

    def vote(voter):
        try:
            start.wait()
            for entry in entries:
                try:
                    voting_services.cast_vote(voter=voter, entry_id=entry.pk)
                except ValidationError:
                    with lock:
                        refused.append(voter.pk)
                else:
                    with lock:
                        accepted.append(voter.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(voter,)) for voter in voters]
    for thread in threads:
        thread.start()
    start.wait()
    services.advance_phase(challenge=challenge, to=Phase.VOTING_CLOSED, by=organiser)
    counted_at_close = Vote.objects.filter(challenge=challenge).count()
    snapshot = voting_services.compute_results(challenge=challenge, by=organiser)
    for thread in threads:
        thread.join()
    # every vote told "counted" was in the database when the close returned
    assert Vote.objects.filter(challenge=challenge).count() == counted_at_close == len(accepted)
    assert len(accepted) + len(refused) == len(voters) * len(entries)
    tallied = sum(row["public_votes"] for row in snapshot.data["awards"][0]["snapshot"]["ranking"])
    assert tallied == len(accepted)
