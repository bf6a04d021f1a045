"""The resumable upload protocol through the API (local storage; S3 where configured)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from tests.transcoding.conftest import complete, create_upload, put_part, send_parts
from transcoding import storage
from transcoding.models import MediaAsset, UploadPart, UploadSession
from transcoding.tasks import abort_stale_uploads

pytestmark = pytest.mark.django_db

local_only = pytest.mark.skipif(
    settings.STORAGE_BACKEND != "local", reason="the part endpoint is the local back end's"
)


def _part_size() -> int:
    return 5 * 1024 * 1024 if storage.is_s3() else 64 * 1024


def _video_bytes(parts: float) -> bytes:
    return os.urandom(int(_part_size() * parts))


def test_upload_in_parts_completes_into_an_asset_queued_for_processing(
    participant, participant_client, django_capture_on_commit_callbacks
):
    # given
    data = _video_bytes(2.5)
    upload = create_upload(participant_client, size=len(data))
    parts = send_parts(participant_client, upload, data)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = complete(participant_client, upload["id"], parts)
    # then
    assert response.status_code == 200, response.json()
    asset = MediaAsset.objects.get(pk=response.json()["id"])
    assert asset.owner == participant
    assert asset.status == MediaAsset.Status.UPLOADED
    assert asset.queued_at is not None
    assert asset.source_key == f"uploads/{upload['id']}/source"
    with default_storage.open(asset.source_key, "rb") as stored:
        assert stored.read() == data
    assert UploadSession.objects.get(pk=upload["id"]).status == UploadSession.Status.COMPLETED


def test_new_upload_gets_one_url_per_part_and_the_part_layout(participant_client):
    # given
    size = int(_part_size() * 2.5)
    # when
    upload = create_upload(participant_client, size=size)
    # then
    assert upload["part_size"] == _part_size()
    assert upload["part_count"] == 3
    assert [u["number"] for u in upload["part_urls"]] == [1, 2, 3]
    assert upload["parts"] == []


def test_getting_an_upload_lists_stored_parts_and_urls_for_the_missing_ones(participant_client):
    # given
    data = _video_bytes(2.5)
    upload = create_upload(participant_client, size=len(data))
    sent = send_parts(participant_client, upload, data, numbers=[2])
    # when
    response = participant_client.get(f"/api/v1/uploads/{upload['id']}/")
    # then
    body = response.json()
    assert [(p["number"], p["etag"]) for p in body["parts"]] == [(2, sent[0]["etag"].strip('"'))]
    assert [u["number"] for u in body["part_urls"]] == [1, 3]


def test_resumed_upload_completes_with_parts_sent_before_and_after(participant_client):
    # given
    data = _video_bytes(2.5)
    upload = create_upload(participant_client, size=len(data))
    first = send_parts(participant_client, upload, data, numbers=[1])
    resumed = participant_client.get(f"/api/v1/uploads/{upload['id']}/").json()
    rest = send_parts(participant_client, resumed, data)
    # when
    response = complete(participant_client, upload["id"], first + rest)
    # then
    assert response.status_code == 200
    with default_storage.open(f"uploads/{upload['id']}/source", "rb") as stored:
        assert stored.read() == data


def test_storage_key_never_contains_the_file_name(participant_client):
    # when
    upload = create_upload(participant_client, size=10, filename="../../etc/passwd.mp4")
    # then
    session = UploadSession.objects.get(pk=upload["id"])
    assert session.storage_key == f"uploads/{session.id}/source"
    assert session.filename == "passwd.mp4"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"content_type": "text/html"}, "not_video"),
        ({"content_type": "application/x-mpegurl"}, "not_video"),
        ({"filename": "bad\x07name.mp4"}, "bad_filename"),
        ({"filename": "x" * 201 + ".mp4"}, "bad_filename"),
    ],
)
def test_create_refuses_what_is_not_a_video_upload_with_a_clear_message(
    participant_client, payload, code
):
    # given
    body = {"filename": "clip.mp4", "size": 1000, "content_type": "video/mp4", **payload}
    # when
    response = participant_client.post("/api/v1/uploads/", body, content_type="application/json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert UploadSession.objects.count() == 0


def test_create_refuses_an_empty_file(participant_client):
    # when
    response = participant_client.post(
        "/api/v1/uploads/",
        {"filename": "clip.mp4", "size": 0, "content_type": "video/mp4"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["size"]


def test_create_refuses_a_file_over_the_size_limit(participant_client, settings):
    # given
    settings.VIDEOAWARDS_MAX_UPLOAD_BYTES = 1000
    # when
    response = participant_client.post(
        "/api/v1/uploads/",
        {"filename": "clip.mp4", "size": 1001, "content_type": "video/mp4"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "too_big"
    assert response.json()["detail"] == "This video is too big. The limit is 1000\xa0bytes."


def test_creating_too_many_uploads_is_rate_limited(participant_client, settings):
    # given
    settings.TRANSCODING_UPLOAD_CREATE_RATE = "2/m"
    create_upload(participant_client, size=10)
    create_upload(participant_client, size=10)
    # when
    response = participant_client.post(
        "/api/v1/uploads/",
        {"filename": "clip.mp4", "size": 10, "content_type": "video/mp4"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 429


def test_strangers_cannot_start_an_upload(client):
    # when
    response = client.post(
        "/api/v1/uploads/",
        {"filename": "clip.mp4", "size": 10, "content_type": "video/mp4"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 403


def test_another_user_gets_404_for_someone_elses_upload(participant_client, client_for):
    # given
    from tests.factories import ParticipantFactory

    upload = create_upload(participant_client, size=10)
    other = client_for(ParticipantFactory())
    # when
    responses = [
        other.get(f"/api/v1/uploads/{upload['id']}/"),
        complete(other, upload["id"], [{"number": 1, "etag": "x"}]),
        other.delete(f"/api/v1/uploads/{upload['id']}/"),
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert UploadSession.objects.get(pk=upload["id"]).status == UploadSession.Status.OPEN


def test_complete_refuses_when_a_part_is_missing(participant_client):
    # given
    data = _video_bytes(2.5)
    upload = create_upload(participant_client, size=len(data))
    parts = send_parts(participant_client, upload, data, numbers=[1, 2])
    # when
    response = complete(participant_client, upload["id"], [*parts, {"number": 3, "etag": "abc"}])
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "parts_missing"
    assert MediaAsset.objects.count() == 0


def test_complete_refuses_a_list_that_skips_a_part(participant_client):
    # given
    data = _video_bytes(1.5)
    upload = create_upload(participant_client, size=len(data))
    parts = send_parts(participant_client, upload, data)
    # when
    response = complete(participant_client, upload["id"], parts[:1])
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "parts_incomplete"


def test_complete_refuses_an_etag_that_does_not_match_the_stored_part(participant_client):
    # given
    data = _video_bytes(1.5)
    upload = create_upload(participant_client, size=len(data))
    parts = send_parts(participant_client, upload, data)
    parts[1]["etag"] = '"00000000000000000000000000000000"'
    # when
    response = complete(participant_client, upload["id"], parts)
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "etag_mismatch"


def test_completing_twice_gives_the_same_asset(participant_client):
    # given
    data = _video_bytes(1.5)
    upload = create_upload(participant_client, size=len(data))
    parts = send_parts(participant_client, upload, data)
    first = complete(participant_client, upload["id"], parts)
    # when
    second = complete(participant_client, upload["id"], parts)
    # then
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert MediaAsset.objects.count() == 1


@local_only
def test_part_of_the_wrong_size_is_refused(participant_client):
    # given
    upload = create_upload(participant_client, size=len(_video_bytes(1.5)))
    url = upload["part_urls"][0]["url"]
    # when
    result = put_part(participant_client, url, b"x" * 100)
    # then
    assert result.status == 400
    assert result.body["code"] == "bad_part_size"
    assert UploadPart.objects.count() == 0


@local_only
def test_part_bigger_than_expected_is_refused(participant_client):
    # given
    upload = create_upload(participant_client, size=len(_video_bytes(1.5)))
    url = upload["part_urls"][1]["url"]
    # when
    result = put_part(participant_client, url, b"x" * _part_size())
    # then
    assert result.status == 400
    assert result.body["code"] == "bad_part_size"


@local_only
def test_part_number_outside_the_upload_is_refused(participant, participant_client):
    # given
    upload = create_upload(participant_client, size=100)
    session = UploadSession.objects.get(pk=upload["id"])
    urls = storage.store().part_urls(
        upload_id=session.id, key=session.storage_key, s3_upload_id="", sizes={2: 100}
    )
    # when
    result = put_part(participant_client, urls[2], b"x" * 100)
    # then
    assert result.status == 400
    assert result.body["code"] == "bad_part_number"


@local_only
def test_part_url_with_a_forged_signature_is_refused(participant_client):
    # given
    upload = create_upload(participant_client, size=100)
    url = upload["part_urls"][0]["url"].split("?")[0] + "?sig=forged"
    # when
    result = put_part(participant_client, url, b"x" * 100)
    # then
    assert result.status == 403
    assert result.body["code"] == "bad_link"


@local_only
def test_part_answer_carries_the_md5_of_the_body_as_etag(participant_client):
    # given
    import hashlib

    body = b"y" * 100
    upload = create_upload(participant_client, size=len(body))
    # when
    result = put_part(participant_client, upload["part_urls"][0]["url"], body)
    # then
    assert result.etag == f'"{hashlib.md5(body).hexdigest()}"'


def test_abort_removes_the_stored_parts(participant_client):
    # given
    data = _video_bytes(1.5)
    upload = create_upload(participant_client, size=len(data))
    send_parts(participant_client, upload, data, numbers=[1])
    # when
    response = participant_client.delete(f"/api/v1/uploads/{upload['id']}/")
    # then
    assert response.status_code == 204
    session = UploadSession.objects.get(pk=upload["id"])
    assert session.status == UploadSession.Status.ABORTED
    assert UploadPart.objects.count() == 0
    assert storage.list_keys(f"uploads/{session.id}/") == []
    if storage.is_s3():
        with pytest.raises(storage.StorageError):
            storage.store().list_parts(
                upload_id=session.id, key=session.storage_key, s3_upload_id=session.s3_upload_id
            )


def test_parts_cannot_be_sent_to_an_aborted_upload(participant_client):
    # given
    upload = create_upload(participant_client, size=100)
    participant_client.delete(f"/api/v1/uploads/{upload['id']}/")
    # when
    result = put_part(participant_client, upload["part_urls"][0]["url"], b"x" * 100)
    # then
    if storage.is_s3():  # moto answers NoSuchUpload with a 500 where S3 sends a 404
        assert result.status >= 400
    else:
        assert result.status == 409


def test_uploads_left_open_for_a_day_are_aborted_by_the_periodic_task(participant_client):
    # given
    data = _video_bytes(1.5)
    stale = create_upload(participant_client, size=len(data))
    send_parts(participant_client, stale, data, numbers=[1])
    fresh = create_upload(participant_client, size=len(data))
    UploadSession.objects.filter(pk=stale["id"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    # when
    aborted = abort_stale_uploads()
    # then
    assert aborted == 1
    statuses = dict(UploadSession.objects.values_list("id", "status"))
    assert {str(k): v for k, v in statuses.items()} == {
        stale["id"]: UploadSession.Status.ABORTED,
        fresh["id"]: UploadSession.Status.OPEN,
    }
    assert storage.list_keys(f"uploads/{stale['id']}/") == []


def test_on_s3_each_part_url_points_at_the_bucket_with_its_exact_length_signed(
    participant_client, settings
):
    from urllib.parse import parse_qs, urlsplit

    if not storage.is_s3():
        pytest.skip("needs STORAGE_BACKEND=s3")
    # given
    endpoint = urlsplit(settings.STORAGES["default"]["OPTIONS"]["endpoint_url"])
    # when
    upload = create_upload(participant_client, size=2 * _part_size() + 10)
    # then: bytes go to the store, not through Django, and the store checks every length
    for part in upload["part_urls"]:
        url = urlsplit(part["url"])
        query = parse_qs(url.query)
        assert (url.scheme, url.netloc) == (endpoint.scheme, endpoint.netloc)
        assert query["partNumber"] == [str(part["number"])]
        assert "content-length" in query["X-Amz-SignedHeaders"][0].split(";")
