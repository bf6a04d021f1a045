"""Demo data: a moderator exists and demo entries do not stay stuck in moderation."""

from __future__ import annotations

import pytest

from tests.factories import EntryFactory
from tests.transcoding.factories import published_asset
from videoawards.accounts.models import Role, User
from videoawards.challenges.management.commands.seed_demo import DEMO_EMAIL_DOMAIN, seed_demo
from videoawards.challenges.models import EntryState
from videoawards.moderation.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_demo_has_a_moderator_of_the_demo_network():
    # when
    challenge = seed_demo()
    # then
    moderator = User.objects.get(email=f"moderator@{DEMO_EMAIL_DOMAIN}")
    assert moderator.role == Role.MODERATOR
    assert moderator.provider_network_id == challenge.provider_network_id


def test_demo_entries_waiting_for_moderation_are_approved_by_the_demo_moderator():
    # given
    challenge = seed_demo()
    pia = User.objects.get(email=f"participant1@{DEMO_EMAIL_DOMAIN}")
    entry = EntryFactory(
        challenge=challenge,
        category=challenge.categories.first(),
        state=EntryState.SUBMITTED,
        media_asset=published_asset(owner=pia),
        creators=[pia],
    )
    # when
    seed_demo()
    # then
    entry.refresh_from_db()
    assert entry.state == EntryState.APPROVED
    assert list(AuditEvent.objects.values_list("action", "actor__email")) == [
        ("entry.approve", f"moderator@{DEMO_EMAIL_DOMAIN}")
    ]
