"""Votes and youth safety: only people who may take part vote; an erased voter's votes
keep counting without saying who cast them."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import ChallengeFactory, EntryFactory, ParticipantFactory
from videoawards.accounts.models import GuardianConsent
from videoawards.privacy import erasure
from videoawards.privacy.export import export_user_data
from voting import services
from voting.models import Ballot, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    """An approved entry in a challenge whose public vote is open now."""
    now = timezone.now()
    challenge = ChallengeFactory(
        entries_open_at=now - timedelta(days=31),
        entries_close_at=now - timedelta(days=1),
        voting_opens_at=now - timedelta(hours=1),
        voting_closes_at=now + timedelta(days=7),
        results_at=now + timedelta(days=8),
    )
    return EntryFactory(challenge=challenge, state="approved", title="Why ice floats")


def _young():
    return ParticipantFactory(birth_year=date.today().year - 14, country="DE")


def test_voting_waits_for_a_guardians_consent(entry):
    # given
    young = _young()
    # when / then
    with pytest.raises(PermissionDenied, match="parent or guardian needs to agree"):
        services.cast_vote(voter=young, entry_id=entry.pk)
    GuardianConsent.objects.create(
        user=young, guardian_email="mum@example.org", status="given", given_at=timezone.now()
    )
    assert services.cast_vote(voter=young, entry_id=entry.pk).changed is True


def test_export_lists_the_votes_a_person_cast(entry):
    # given
    voter = ParticipantFactory(birth_year=2000)
    services.cast_vote(voter=voter, entry_id=entry.pk, address="203.0.113.7")
    # when
    votes = export_user_data(user=voter)["votes"]
    # then
    assert [(v["entry"], v["counted"]) for v in votes] == [("Why ice floats", True)]


def test_erased_voters_votes_keep_counting_without_the_voter(entry):
    # given
    voter, other = ParticipantFactory(birth_year=2000), ParticipantFactory(birth_year=2000)
    services.cast_vote(voter=voter, entry_id=entry.pk, address="203.0.113.7")
    services.cast_vote(voter=other, entry_id=entry.pk)
    # when
    erasure.erase_account(user=voter)
    # then
    assert Vote.objects.filter(entry=entry).count() == 2
    anonymous = Vote.objects.get(voter__isnull=True)
    assert anonymous.address_hash == ""
    assert Ballot.objects.filter(voter_id=voter.pk).count() == 0
    # abuse checks still run over votes without a voter
    assert services.flag_suspicious_votes(challenge=entry.challenge) == []
