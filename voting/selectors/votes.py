"""Reads about public votes: the policy, the window, the entries on the vote page, counts."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from videoawards.accounts.models import User
from videoawards.challenges.models import (
    Challenge,
    Entry,
)
from videoawards.challenges.phases import ORDER, Phase
from videoawards.challenges.selectors import entries_with_creators, public_entry_q
from voting.models import (
    Round,
    RoundEntry,
    Vote,
    VotePolicy,
)


def vote_policy(*, challenge: Challenge) -> VotePolicy:
    """The challenge's policy, or the default (one vote per entry) when it has none."""
    try:
        return challenge.vote_policy
    except VotePolicy.DoesNotExist:
        return VotePolicy(challenge=challenge)


def public_vote_round(*, challenge_id: int) -> Round | None:
    """The round whose confirmed shortlist goes to the public vote, if any."""
    return (
        Round.objects.filter(
            challenge_id=challenge_id,
            shortlist_to=Round.ShortlistTo.PUBLIC_VOTE,
            shortlist_confirmed_at__isnull=False,
        )
        .order_by("-position", "-pk")
        .first()
    )


def votable_entries(*, challenge: Challenge) -> QuerySet[Entry]:
    """Entries in the public vote: the confirmed shortlist, else every approved entry;
    public ones only (not hidden after reports)."""
    entries = Entry.objects.filter(public_entry_q(), challenge=challenge)
    shortlist_round = public_vote_round(challenge_id=challenge.pk)
    if shortlist_round is not None:
        entries = entries.filter(
            Exists(
                RoundEntry.objects.filter(
                    round=shortlist_round, entry=OuterRef("pk"), shortlisted=True
                )
            )
        )
    return entries


def voting_is_open(*, challenge: Challenge, now=None) -> bool:
    return challenge.has_public_voting and challenge.accepts_votes(now)


def voting_state(*, challenge: Challenge, now=None) -> str:
    """The tense the vote page speaks in: "none" (no public vote), "before", "during" or
    "after", by the phase in effect (dates on schedule, the organiser's steps otherwise)."""
    if not challenge.has_public_voting:
        return "none"
    phase = challenge.phase(now)
    if phase == Phase.PUBLIC_VOTING:
        return "during"
    return "after" if ORDER.index(phase) > ORDER.index(Phase.PUBLIC_VOTING) else "before"


def tallies_visible(*, challenge: Challenge, policy: VotePolicy, now=None) -> bool:
    """Counts stay hidden while voting is open unless the challenge shows them."""
    return policy.show_tally_while_open or not voting_is_open(challenge=challenge, now=now)


def vote_page_entries(*, challenge: Challenge, voter: User | None) -> list[Entry]:
    """Votable entries with `has_my_vote` and `vote_count` (valid votes), in three queries."""
    entries = votable_entries(challenge=challenge).select_related(
        "challenge", "category", "media_asset"
    )
    entries = entries.annotate(
        vote_count=Count("votes", filter=Q(votes__invalidation__isnull=True))
    )
    if voter is not None and voter.is_authenticated:
        entries = entries.annotate(
            has_my_vote=Exists(Vote.objects.filter(entry=OuterRef("pk"), voter=voter))
        )
    return list(entries_with_creators(entries).order_by("category__position", "title", "pk"))


def valid_vote_counts(*, challenge_id: int) -> dict[int, int]:
    return dict(
        Vote.objects.filter(challenge_id=challenge_id, invalidation__isnull=True)
        .values_list("entry_id")
        .annotate(count=Count("pk"))
        .values_list("entry_id", "count")
    )
