"""Property test on the database: any sequence of votes and take-backs keeps the ballot
right (used = valid votes given, never above N) and never two votes for one entry."""

from __future__ import annotations

import os

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ParticipantFactory
from tests.voting.factories import VotePolicyFactory
from voting import services
from voting.models import Ballot, Vote, VotePolicy
from voting.services.votes import forget_cached_facts

pytestmark = pytest.mark.django_db

examples = settings(
    max_examples=int(os.environ.get("VOTING_EXAMPLES", 25)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


class Rollback(Exception):
    pass


@examples
@given(
    limit=st.integers(min_value=1, max_value=4),
    steps=st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=5)), max_size=25),
)
def test_ballot_matches_valid_votes_and_never_exceeds_n(limit, steps, entries, judging_challenge):
    try:
        with transaction.atomic():
            forget_cached_facts()
            VotePolicyFactory(
                challenge=judging_challenge,
                kind=VotePolicy.Kind.PER_CHALLENGE,
                votes_per_account=limit,
            )
            voter = ParticipantFactory()
            expected: set[int] = set()
            for is_vote, index in steps:
                entry_id = entries[index].pk
                if is_vote:
                    try:
                        services.cast_vote(voter=voter, entry_id=entry_id)
                        expected.add(entry_id)
                    except ValidationError as error:  # refused: allowance used up
                        assert len(expected) == limit, error
                else:
                    services.withdraw_vote(voter=voter, entry_id=entry_id)
                    expected.discard(entry_id)
            given_votes = set(Vote.objects.filter(voter=voter).values_list("entry_id", flat=True))
            used = Ballot.objects.filter(voter=voter).values_list("used", flat=True).first() or 0
            assert given_votes == expected
            assert used == len(expected) <= limit
            raise Rollback
    except Rollback:
        pass
