"""Per-account upload quotas (issue 12, finding 4): open uploads, bytes reserved by them,
bytes stored; refused with a message a teenager understands, checked under a lock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests
from rest_framework.authtoken.models import Token

from tests.factories import OrganiserFactory, ParticipantFactory
from tests.transcoding.conftest import create_upload
from tests.transcoding.factories import MediaAssetFactory
from transcoding.models import UploadSession

pytestmark = pytest.mark.django_db

URL = "/api/v1/uploads/"
MB = 1024 * 1024


def _start(client, size=10 * MB):
    return client.post(
        URL,
        {"filename": "film.mp4", "size": size, "content_type": "video/mp4"},
        content_type="application/json",
    )


def test_a_fourth_upload_in_progress_is_refused_until_one_finishes(participant_client, settings):
    # given
    settings.VIDEOAWARDS_MAX_OPEN_UPLOADS = 3
    for _ in range(3):
        create_upload(participant_client, size=10 * MB)
    # when
    refused = _start(participant_client)
    # then: a plain answer, and nothing reserved for it
    assert refused.status_code == 400
    assert "You already have 3 uploads in progress" in str(refused.json())
    assert UploadSession.objects.count() == 3
    # when one is cancelled, there is room again
    UploadSession.objects.filter(pk=UploadSession.objects.first().pk).update(status="aborted")
    assert _start(participant_client).status_code == 201


def test_uploads_in_progress_cannot_reserve_more_than_the_limit_together(
    participant_client, settings
):
    settings.VIDEOAWARDS_MAX_RESERVED_BYTES = 50 * MB
    create_upload(participant_client, size=30 * MB)
    refused = _start(participant_client, size=30 * MB)
    assert refused.status_code == 400
    assert "would be more than 50" in str(refused.json())
    assert _start(participant_client, size=20 * MB).status_code == 201


def test_stored_videos_count_against_the_accounts_room(participant, participant_client, settings):
    # given: videos of 80 MB already stored, room for 100 MB
    settings.VIDEOAWARDS_MAX_STORED_BYTES = 100 * MB
    MediaAssetFactory(owner=participant, source_size=80 * MB)
    # when / then
    refused = _start(participant_client, size=30 * MB)
    assert refused.status_code == 400
    assert "Your videos already take 80" in str(refused.json())
    assert _start(participant_client, size=15 * MB).status_code == 201


def test_organisers_have_no_quota(client_for, settings):
    settings.VIDEOAWARDS_MAX_OPEN_UPLOADS = 1
    organiser = client_for(OrganiserFactory())
    assert [_start(organiser).status_code for _ in range(3)] == [201, 201, 201]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_uploads_started_at_the_same_moment_cannot_share_the_last_room(live_server, settings):
    # given: room for 2 open uploads, and 6 requests of one account at once
    settings.VIDEOAWARDS_MAX_OPEN_UPLOADS = 2
    settings.TRANSCODING_UPLOAD_CREATE_RATE = "1000/h"
    token = Token.objects.create(user=ParticipantFactory()).key
    start = Barrier(6)

    def begin(_n: int) -> int:
        start.wait(timeout=30)
        return requests.post(
            live_server.url + URL,
            json={"filename": "film.mp4", "size": 10 * MB, "content_type": "video/mp4"},
            headers={"Authorization": f"Token {token}"},
            timeout=60,
        ).status_code

    # when
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(begin, range(6)))
    # then
    assert statuses == [201, 201, 400, 400, 400, 400]
    assert UploadSession.objects.count() == 2
