"""Demo data: a moderator of the demo network exists (the sample entries themselves are
seeded approved; tests/test_seed_demo.py plays them as a visitor)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from videoawards.accounts.models import Role, User
from videoawards.demo.management.commands.seed_demo import (
    DEMO_EMAIL_DOMAIN,
    VIDEOS_NONE,
    seed_demo,
)

pytestmark = pytest.mark.django_db


def test_demo_moderator_moderates_the_demo_network_and_opens_the_queue(client):
    # when
    challenge = seed_demo(videos=VIDEOS_NONE)
    # then
    moderator = User.objects.get(email=f"moderator@{DEMO_EMAIL_DOMAIN}")
    assert moderator.role == Role.MODERATOR
    assert moderator.provider_network_id == challenge.provider_network_id
    client.force_login(moderator)
    assert client.get(reverse("moderation:queue")).status_code == 200
