"""Media links already handed out stop the moment a video must not be seen any more
(issue 12, finding 2): hiding, a moderator's removal, withdrawal, unpublishing, erasure
and a guardian's withdrawal each void a segment URL issued a second before.

The URL is the one a viewer's player got from the media playlist. On S3 the gateway
answers it with a presigned URL of a minute (302), locally with the bytes (200)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests import leaving
from tests.factories import (
    ChallengeFactory,
    EntryFactory,
    ModeratorFactory,
    ParticipantFactory,
)
from tests.transcoding.factories import published_asset
from videoawards.accounts import consent as consent_services
from videoawards.accounts.models import GuardianConsent
from videoawards.moderation import services as moderation
from videoawards.privacy import erasure

pytestmark = pytest.mark.django_db

PLAYS = (200, 302)


def _uris(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _segment_url(client, entry) -> str:
    """What a viewer's player fetches: master playlist, media playlist, a segment."""
    master = client.get(f"/media/assets/{entry.media_asset_id}/master.m3u8")
    assert master.status_code == 200
    media = client.get(_uris(master.content.decode())[0])
    return _uris(media.content.decode())[0]


def _erase(entry):
    erasure.erase_account(user=entry.creators.first())


def _guardian_withdraws(entry):
    consent_services.withdraw_consent(
        consent=GuardianConsent.objects.get(user__in=entry.creators.all())
    )


def _entry(*, minor: bool = False):
    creator = ParticipantFactory(
        display_name="Mo", birth_year=date.today().year - 14 if minor else 2000, country="DE"
    )
    if minor:
        GuardianConsent.objects.create(
            user=creator,
            guardian_email="parent@example.org",
            status="given",
            given_at=timezone.now(),
        )
    return EntryFactory(
        challenge=ChallengeFactory(),
        creators=[creator],
        state="approved",
        media_asset=published_asset(owner=creator),
    )


EVENTS = [
    leaving.hide,
    leaving.remove,
    leaving.withdraw,
    leaving.unpublish,
    _erase,
    _guardian_withdraws,
]


@pytest.mark.parametrize("event", EVENTS, ids=[event.__name__.strip("_") for event in EVENTS])
def test_a_segment_url_issued_a_second_before_stops_working(client, event):
    # given: a visitor is watching a public video
    entry = _entry(minor=event is _guardian_withdraws)
    url = _segment_url(client, entry)
    assert client.get(url).status_code in PLAYS
    # when
    event(entry)
    # then: the very URL their player holds is refused
    assert client.get(url).status_code == 404


def test_a_video_still_public_keeps_playing_through_its_links(client):
    entry = _entry()
    url = _segment_url(client, entry)
    moderation.decide_reports(entry=entry, by=ModeratorFactory(), decision="keep")
    assert client.get(url).status_code in PLAYS
