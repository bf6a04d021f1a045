"""Public votes: policies, the window, who may vote, idempotency, abuse flags, invalidation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests import leaving
from tests.factories import CategoryFactory, ParticipantFactory
from tests.voting.factories import RoundFactory, VotePolicyFactory
from voting import selectors, services, tasks
from voting.models import Ballot, Round, RoundEntry, Vote, VoteFlag, VotePolicy
from voting.services.votes import EntryNotVotable, flagged_votes

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter():
    return ParticipantFactory(display_name="Vera")


def test_voting_twice_for_an_entry_counts_once(voter, entries):
    # when
    first = services.cast_vote(voter=voter, entry_id=entries[0].pk)
    again = services.cast_vote(voter=voter, entry_id=entries[0].pk)
    # then
    assert (first.changed, again.changed) == (True, False)
    assert Vote.objects.filter(voter=voter).count() == 1


def test_taking_a_vote_back_is_idempotent(voter, entries):
    services.cast_vote(voter=voter, entry_id=entries[0].pk)
    first = services.withdraw_vote(voter=voter, entry_id=entries[0].pk)
    again = services.withdraw_vote(voter=voter, entry_id=entries[0].pk)
    assert (first.changed, again.changed) == (True, False)
    assert not Vote.objects.exists()


def test_per_entry_policy_allows_a_vote_for_each_entry(voter, entries):
    for entry in entries:
        services.cast_vote(voter=voter, entry_id=entry.pk)
    assert Vote.objects.filter(voter=voter).count() == len(entries)


def test_n_votes_per_challenge_then_no_more(voter, entries, judging_challenge):
    # given
    VotePolicyFactory(
        challenge=judging_challenge, kind=VotePolicy.Kind.PER_CHALLENGE, votes_per_account=2
    )
    services.cast_vote(voter=voter, entry_id=entries[0].pk)
    services.cast_vote(voter=voter, entry_id=entries[1].pk)
    # when / then
    with pytest.raises(ValidationError, match="used all your 2 votes"):
        services.cast_vote(voter=voter, entry_id=entries[2].pk)
    # a repeat of a vote given is not refused
    assert services.cast_vote(voter=voter, entry_id=entries[1].pk).changed is False
    # taking one back frees it
    services.withdraw_vote(voter=voter, entry_id=entries[0].pk)
    assert services.cast_vote(voter=voter, entry_id=entries[2].pk).changed is True
    assert Ballot.objects.get(voter=voter).used == 2


def test_n_votes_per_category(voter, judging_challenge, make_approved_entry):
    # given
    VotePolicyFactory(
        challenge=judging_challenge,
        kind=VotePolicy.Kind.PER_CHALLENGE,
        votes_per_account=1,
        per_category=True,
    )
    young, old = (
        CategoryFactory(challenge=judging_challenge),
        CategoryFactory(challenge=judging_challenge),
    )
    a, b, c = (
        make_approved_entry(category=young),
        make_approved_entry(category=young),
        make_approved_entry(category=old),
    )
    # when
    services.cast_vote(voter=voter, entry_id=a.pk)
    services.cast_vote(voter=voter, entry_id=c.pk)
    # then
    with pytest.raises(ValidationError, match="used your 1 vote"):
        services.cast_vote(voter=voter, entry_id=b.pk)


def test_no_votes_outside_the_voting_window(voter, entries, judging_challenge):
    judging_challenge.voting_closes_at = timezone.now() - timedelta(minutes=1)
    judging_challenge.voting_opens_at = timezone.now() - timedelta(hours=2)
    judging_challenge.save(update_fields=["voting_opens_at", "voting_closes_at"])
    with pytest.raises(ValidationError, match="Voting is not open right now"):
        services.cast_vote(voter=voter, entry_id=entries[0].pk)


def test_only_verified_accounts_vote(entries):
    unverified = ParticipantFactory(email_verified_at=None)
    with pytest.raises(PermissionDenied, match="Confirm your email address"):
        services.cast_vote(voter=unverified, entry_id=entries[0].pk)


def test_nobody_votes_for_their_own_entry(make_approved_entry):
    maker = ParticipantFactory()
    own = make_approved_entry(creators=[maker])
    with pytest.raises(ValidationError, match="your own video"):
        services.cast_vote(voter=maker, entry_id=own.pk)


def test_unapproved_entries_are_not_in_the_vote(voter, make_approved_entry):
    draft = make_approved_entry(state="submitted")
    with pytest.raises(EntryNotVotable):
        services.cast_vote(voter=voter, entry_id=draft.pk)


def test_a_confirmed_public_vote_shortlist_limits_the_vote(voter, entries, panel, jurors, criteria):
    # given: a round shortlisted entries[0] only
    round_ = RoundFactory(
        panel=panel,
        shortlist_to=Round.ShortlistTo.PUBLIC_VOTE,
        shortlist_size=1,
        state=Round.State.CLOSED,
        shortlist_confirmed_at=timezone.now(),
    )
    RoundEntry.objects.create(round=round_, entry=entries[0], shortlisted=True, shortlist_rank=1)
    RoundEntry.objects.create(round=round_, entry=entries[1])
    # then
    assert services.cast_vote(voter=voter, entry_id=entries[0].pk).changed
    with pytest.raises(EntryNotVotable):
        services.cast_vote(voter=voter, entry_id=entries[1].pk)


def test_invalidated_votes_stop_counting_with_an_audit_record(
    voter, entries, organiser, judging_challenge
):
    # given
    services.cast_vote(voter=voter, entry_id=entries[0].pk)
    services.cast_vote(voter=ParticipantFactory(), entry_id=entries[0].pk)
    # when
    invalidation = services.invalidate_votes(
        challenge=judging_challenge,
        votes=Vote.objects.filter(voter=voter),
        by=organiser,
        reason="Bought votes",
    )
    # then
    assert (invalidation.by, invalidation.reason, invalidation.vote_count) == (
        organiser,
        "Bought votes",
        1,
    )
    assert selectors.valid_vote_counts(challenge_id=judging_challenge.pk) == {entries[0].pk: 1}
    # an invalidated vote cannot be taken back to erase the trail
    services.withdraw_vote(voter=voter, entry_id=entries[0].pk)
    assert Vote.objects.filter(voter=voter, invalidation=invalidation).exists()


def test_invalidation_needs_a_reason_and_an_organiser(voter, entries, organiser, judging_challenge):
    with pytest.raises(ValidationError):
        services.invalidate_votes(
            challenge=judging_challenge, votes=Vote.objects.all(), by=organiser, reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.invalidate_votes(
            challenge=judging_challenge, votes=Vote.objects.all(), by=voter, reason="no"
        )


def test_fresh_accounts_from_one_address_voting_for_one_entry_are_flagged(
    entries, judging_challenge, organiser, settings
):
    # given: 5 fresh accounts from one address, 1 from another network (the detailed cases
    # are in test_forensics.py)
    settings.VOTE_FLAG_MIN_ACCOUNTS = settings.VOTE_FLAG_MIN_ACCOUNTS_PER_NETWORK = 5
    for _ in range(5):
        services.cast_vote(voter=ParticipantFactory(), entry_id=entries[0].pk, address="10.0.0.1")
    services.cast_vote(voter=ParticipantFactory(), entry_id=entries[0].pk, address="10.0.9.2")
    # when
    flags = services.flag_suspicious_votes(challenge=judging_challenge)
    again = services.flag_suspicious_votes(challenge=judging_challenge)
    # then
    assert [flag.kind for flag in flags] == [VoteFlag.Kind.COORDINATED]
    assert again == []
    flag = VoteFlag.objects.get()
    assert flagged_votes(flag).count() == 5
    # when the organiser invalidates them
    services.votes.resolve_flag(flag=flag, by=organiser, invalidate=True, reason="One machine")
    assert selectors.valid_vote_counts(challenge_id=judging_challenge.pk) == {entries[0].pk: 1}


# --- pages and API ---


def test_vote_api_is_idempotent_and_says_what_changed(client, voter, entries):
    client.force_login(voter)
    url = reverse("entry-vote", args=[entries[0].pk])
    assert client.post(url).status_code == 201
    again = client.post(url)
    assert (again.status_code, again.json()) == (
        200,
        {"entry": entries[0].pk, "voted": True, "changed": False},
    )
    assert client.delete(url).json()["changed"] is True
    assert client.delete(url).json()["changed"] is False


def test_vote_api_refuses_in_plain_words(client, make_approved_entry):
    maker = ParticipantFactory()
    own = make_approved_entry(creators=[maker])
    client.force_login(maker)
    response = client.post(reverse("entry-vote", args=[own.pk]))
    assert response.status_code == 400
    assert response.json()["detail"] == "You can't vote for your own video."
    assert client.post(reverse("entry-vote", args=[987654])).status_code == 404


def test_vote_api_needs_a_login(client, entries):
    assert client.post(reverse("entry-vote", args=[entries[0].pk])).status_code in (401, 403)


def test_votes_are_rate_limited_per_account(client, voter, entries, settings):
    settings.VOTING_RATE_PER_ACCOUNT = "3/m"
    client.force_login(voter)
    codes = [client.post(reverse("entry-vote", args=[e.pk])).status_code for e in entries[:4]]
    assert codes == [201, 201, 201, 429]


def test_vote_page_hides_counts_while_voting_is_open(client, voter, entries, judging_challenge):
    services.cast_vote(voter=ParticipantFactory(), entry_id=entries[0].pk)
    client.force_login(voter)
    url = reverse("voting:vote_page", args=[judging_challenge.slug])
    response = client.get(url)
    assert response.context["show_counts"] is False
    assert b"data-vote-count" not in response.content
    VotePolicyFactory(challenge=judging_challenge, show_tally_while_open=True)
    assert b"data-vote-count" in client.get(url).content


def test_vote_page_form_votes_and_takes_back(client, voter, entries, judging_challenge):
    client.force_login(voter)
    url = reverse("voting:vote", args=[judging_challenge.slug, entries[0].pk])
    client.post(url, {"action": "vote"})
    page = client.get(reverse("voting:vote_page", args=[judging_challenge.slug]))
    assert [e.has_my_vote for e in page.context["entries"] if e.pk == entries[0].pk] == [True]
    client.post(url, {"action": "withdraw"})
    assert not Vote.objects.exists()


def test_vote_page_query_count_does_not_grow_with_entries(
    client, voter, judging_challenge, make_approved_entry, django_assert_max_num_queries
):
    for _ in range(3):
        make_approved_entry()
    client.force_login(voter)
    url = reverse("voting:vote_page", args=[judging_challenge.slug])
    with django_assert_max_num_queries(9) as few:
        client.get(url)
    for _ in range(10):
        make_approved_entry()
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_the_periodic_task_flags_open_votes(entries, judging_challenge):
    # given: 20 fresh accounts from one address for one entry (the default threshold)
    for _ in range(20):
        services.cast_vote(voter=ParticipantFactory(), entry_id=entries[0].pk, address="10.1.1.1")
    # when
    found = tasks.flag_suspicious_votes.apply().get()
    # then
    assert found == 1
    assert VoteFlag.objects.get().kind == VoteFlag.Kind.COORDINATED


def test_organiser_invalidates_votes_in_the_admin_with_a_reason(client, voter, entries, organiser):
    # given
    services.cast_vote(voter=voter, entry_id=entries[0].pk)
    vote = Vote.objects.get()
    client.force_login(organiser)
    url = reverse("admin:voting_vote_changelist")
    # when: the first step asks for a reason
    asked = client.post(url, {"action": "invalidate", "_selected_action": [vote.pk]})
    assert asked.status_code == 200
    assert b"Stop counting these votes" in asked.content
    done = client.post(
        url, {"action": "invalidate", "_selected_action": [vote.pk], "reason": "Bought"}
    )
    # then
    assert done.status_code == 302
    vote.refresh_from_db()
    assert (vote.invalidation.by, vote.invalidation.reason) == (organiser, "Bought")


def test_votes_are_rate_limited_per_address_across_accounts(entries, settings):
    from django.test import Client

    # given: many accounts behind one address
    settings.VOTING_RATE_PER_ADDRESS = "3/m"
    voters = [ParticipantFactory() for _ in range(4)]
    codes = []
    # when
    for voter, entry in zip(voters, entries, strict=False):
        client = Client(REMOTE_ADDR="203.0.113.9")
        client.force_login(voter)
        codes.append(client.post(reverse("entry-vote", args=[entry.pk])).status_code)
    other = Client(REMOTE_ADDR="198.51.100.4")
    other.force_login(ParticipantFactory())
    # then: the fourth from that address waits; another address is not affected
    assert codes == [201, 201, 201, 429]
    assert other.post(reverse("entry-vote", args=[entries[4].pk])).status_code == 201


def test_vote_page_counts_my_votes_and_keeps_my_own_video_out(
    client, voter, entries, judging_challenge, make_approved_entry
):
    own = make_approved_entry(title="My own film")
    own.creators.add(voter)
    services.cast_vote(voter=voter, entry_id=entries[1].pk)
    client.force_login(voter)
    page = client.get(reverse("voting:vote_page", args=[judging_challenge.slug]))
    text = page.content.decode()
    assert "You voted for 1 of 7 videos." in text
    title = text.split("<title>")[1].split("</title>")[0]
    assert title.startswith("Vote: ") and "<script" not in title
    assert "Your video: you can't vote for it." in text
    forms = {e.pk for e in page.context["entries"]} - page.context["my_entry_ids"]
    assert own.pk not in forms and page.context["my_entry_ids"] == {own.pk}
    assert text.count("data-vote-form") == 6
    assert page.context["share_url"] == f"http://testserver{page.request['PATH_INFO']}"


def test_vote_page_speaks_in_the_right_tense(client, judging_challenge):
    url = reverse("voting:vote_page", args=[judging_challenge.slug])
    now = timezone.now()
    judging_challenge.voting_opens_at = now + timedelta(days=1)
    judging_challenge.voting_closes_at = now + timedelta(days=3)
    judging_challenge.save()
    assert "Voting opens on" in client.get(url).content.decode()
    judging_challenge.entries_close_at = now - timedelta(days=4)
    judging_challenge.voting_opens_at = now - timedelta(days=3)
    judging_challenge.voting_closes_at = now - timedelta(days=1)
    judging_challenge.results_at = now + timedelta(days=1)
    judging_challenge.save()
    assert "Voting closed on" in client.get(url).content.decode()
    assert selectors.voting_state(challenge=judging_challenge) == "after"


@pytest.mark.parametrize("kind", [VotePolicy.Kind.PER_ENTRY, VotePolicy.Kind.PER_CHALLENGE])
@pytest.mark.parametrize(
    "event", [leaving.hide, leaving.remove, leaving.withdraw, leaving.unpublish]
)
def test_the_vote_path_sees_at_once_that_an_entry_left_the_vote(voter, entries, event, kind):
    # given: this process has just cached the entry as votable
    entry = entries[0]
    VotePolicyFactory(challenge=entry.challenge, kind=kind, votes_per_account=3)
    assert services.cast_vote(voter=ParticipantFactory(), entry_id=entry.pk).changed
    # when: the entry leaves the vote, and a vote follows within the caching time
    event(entry)
    # then: refused, and nothing counted
    with pytest.raises(EntryNotVotable):
        services.cast_vote(voter=voter, entry_id=entry.pk)
    assert not Vote.objects.filter(voter=voter).exists()
    # and a refused vote uses up none of a per-challenge allowance
    assert list(Ballot.objects.filter(voter=voter).values_list("used", flat=True)) in ([], [0])
