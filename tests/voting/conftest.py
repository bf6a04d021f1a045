from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ChallengeFactory, EntryFactory, OrganiserFactory
from tests.voting.factories import (
    CriterionFactory,
    JuryMemberFactory,
    JuryPanelFactory,
    RoundFactory,
)


@pytest.fixture
def organiser():
    return OrganiserFactory(display_name="Olga")


@pytest.fixture
def judging_challenge():
    """Entries closed yesterday; public voting is open now and closes in a week."""
    now = timezone.now()
    opened = now - timedelta(days=31)
    return ChallengeFactory(
        slug="light-and-sound",
        entries_open_at=opened,
        entries_close_at=now - timedelta(days=1),
        voting_opens_at=now - timedelta(hours=1),
        voting_closes_at=now + timedelta(days=7),
        results_at=now + timedelta(days=8),
    )


@pytest.fixture
def criteria(judging_challenge):
    return [
        CriterionFactory(challenge=judging_challenge, name="Science", weight=2),
        CriterionFactory(challenge=judging_challenge, name="Storytelling", weight=1),
    ]


@pytest.fixture
def panel(judging_challenge):
    return JuryPanelFactory(challenge=judging_challenge, name="Main jury")


@pytest.fixture
def jurors(panel):
    return [JuryMemberFactory(panel=panel).juror for _ in range(4)]


@pytest.fixture
def make_approved_entry(judging_challenge):
    counter = iter(range(1, 10_000))

    def _make(**kwargs):
        number = next(counter)
        kwargs.setdefault("challenge", judging_challenge)
        kwargs.setdefault("state", "approved")
        kwargs.setdefault("title", f"Entry {number:03d}")
        kwargs.setdefault("submitted_at", timezone.now() - timedelta(days=5, minutes=-number))
        return EntryFactory(**kwargs)

    return _make


@pytest.fixture
def entries(make_approved_entry):
    return [make_approved_entry() for _ in range(6)]


@pytest.fixture
def jury_round(panel, criteria, jurors, entries):
    return RoundFactory(panel=panel, name="First round", reviews_per_entry=2)
