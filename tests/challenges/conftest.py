from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CategoryFactory, ChallengeFactory, EntryFactory, ParticipantFactory
from tests.transcoding.factories import MediaAssetFactory
from transcoding.models import MediaAsset


@pytest.fixture
def challenge():
    """Open for entries, with one category."""
    challenge = ChallengeFactory()
    CategoryFactory(challenge=challenge, name="Ages 12-15", slug="12-15")
    return challenge


@pytest.fixture
def category(challenge):
    return challenge.categories.get()


@pytest.fixture
def closed_challenge():
    opened = timezone.now() - timedelta(days=40)
    return ChallengeFactory(entries_open_at=opened, entries_close_at=opened + timedelta(days=30))


@pytest.fixture
def creator():
    return ParticipantFactory(display_name="Nova")


@pytest.fixture
def make_entry(challenge, category, creator):
    """An entry of `creator` in `challenge`, in any state, with a video in any status."""

    def _make(*, state="draft", video=MediaAsset.Status.READY, **kwargs):
        asset = MediaAssetFactory(owner=creator, status=video) if video else None
        kwargs.setdefault("challenge", challenge)
        kwargs.setdefault("category", category if kwargs["challenge"] == challenge else None)
        kwargs.setdefault("creators", [creator])
        reason = "Please cut the music." if state == "rejected" else ""
        return EntryFactory(state=state, media_asset=asset, moderation_reason=reason, **kwargs)

    return _make
