from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import AwardFactory, CategoryFactory, ChallengeFactory, EntryFactory
from videoawards.challenges.models import Challenge, Phase

OPEN = datetime(2030, 3, 1, 12, tzinfo=UTC)
CLOSE = OPEN + timedelta(days=30)
VOTE_OPEN = CLOSE + timedelta(days=10)
VOTE_CLOSE = VOTE_OPEN + timedelta(days=7)
RESULTS = VOTE_CLOSE + timedelta(days=2)
TICK = timedelta(microseconds=1)


def _challenge(**kwargs) -> Challenge:
    fields = {
        "entries_open_at": OPEN,
        "entries_close_at": CLOSE,
        "voting_opens_at": VOTE_OPEN,
        "voting_closes_at": VOTE_CLOSE,
        "results_at": RESULTS,
    }
    return Challenge(**{**fields, **kwargs})


@pytest.mark.parametrize(
    ("now", "phase"),
    [
        (OPEN - TICK, Phase.UPCOMING),
        (OPEN, Phase.ENTRIES_OPEN),
        (CLOSE - TICK, Phase.ENTRIES_OPEN),
        (CLOSE, Phase.JUDGING),
        (VOTE_OPEN - TICK, Phase.JUDGING),
        (VOTE_OPEN, Phase.PUBLIC_VOTING),
        (VOTE_CLOSE - TICK, Phase.PUBLIC_VOTING),
        (VOTE_CLOSE, Phase.VOTING_CLOSED),
        (RESULTS - TICK, Phase.VOTING_CLOSED),
        (RESULTS, Phase.VOTING_CLOSED),  # dates never publish results
    ],
)
def test_phase_changes_exactly_at_each_boundary(now, phase):
    # given
    challenge = _challenge()
    # when
    current = challenge.phase(now)
    # then
    assert current == phase


def test_challenge_without_public_voting_is_judged_until_results_are_published():
    # given
    challenge = _challenge(voting_opens_at=None, voting_closes_at=None)
    # when
    phases = [challenge.phase(VOTE_OPEN), challenge.phase(RESULTS)]
    challenge.stage = Phase.RESULTS
    # then
    assert phases == [Phase.JUDGING, Phase.JUDGING]
    assert challenge.phase(RESULTS) == Phase.RESULTS


def test_a_confirmed_step_holds_whatever_the_dates_say():
    # given: voting was closed early by the organiser
    challenge = _challenge(stage=Phase.VOTING_CLOSED)
    # then: dates still inside the voting window do not reopen it
    assert challenge.phase(VOTE_OPEN) == Phase.VOTING_CLOSED


def test_a_challenge_off_schedule_moves_only_when_told():
    # given
    challenge = _challenge(on_schedule=False, stage=Phase.ENTRIES_OPEN)
    # then: the dates have passed, the organiser has not closed entries yet
    assert challenge.phase(RESULTS) == Phase.ENTRIES_OPEN
    assert challenge.accepts_entries(RESULTS)


def test_challenge_accepts_entries_only_between_open_and_close():
    # given
    challenge = _challenge()
    # when
    accepting = [challenge.accepts_entries(t) for t in (OPEN - TICK, OPEN, CLOSE - TICK, CLOSE)]
    # then
    assert accepting == [False, True, True, False]


@pytest.mark.django_db
def test_database_refuses_challenge_that_closes_before_it_opens():
    # when / then
    with pytest.raises(IntegrityError):
        ChallengeFactory(entries_open_at=OPEN, entries_close_at=OPEN - timedelta(days=1))


@pytest.mark.django_db
def test_database_refuses_rejected_entry_without_reason():
    # when / then
    with pytest.raises(IntegrityError):
        EntryFactory(state="rejected", moderation_reason="")


@pytest.mark.django_db
def test_award_cannot_use_category_of_another_challenge():
    # given
    award = AwardFactory()
    other_category = CategoryFactory()
    award.category = other_category
    # when / then
    with pytest.raises(ValidationError) as error:
        award.full_clean()
    assert list(error.value.message_dict) == ["category"]
