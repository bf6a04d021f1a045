"""The S3 server answers errors or stalls: storage calls retry and finish, or fail as a
StorageError in bounded time; a transcode and an account's erasure ride it out.

A FaultProxy sits between the app and a moto S3 server of this module's own; each test
plans what the next requests get (a 503, a 500, a stall that only a timeout ends).
"""

from __future__ import annotations

import time
import uuid

import boto3
import pytest

from tests.factories import ParticipantFactory
from tests.faults import servers
from tests.transcoding.factories import MediaAssetFactory, published_asset
from transcoding import storage
from transcoding.media import samples
from transcoding.models import MediaAsset
from transcoding.services import TransientProcessingError, process_asset
from transcoding.storage import StorageError
from videoawards.privacy.erasure import erase_account
from videoawards.privacy.tasks import erase_stored_media

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.faults]

BUCKET = "videoawards-faults"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}
ATTEMPTS = 4
TIMEOUT_SECONDS = 1.0
STALL_SECONDS = 3.0


@pytest.fixture(scope="module")
def s3_endpoint():
    with servers.moto_server() as endpoint:
        _direct(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint


def _direct(endpoint: str):
    """A client that talks to moto itself, past the proxy: what is really stored."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    )


@pytest.fixture
def proxy(s3_endpoint):
    with servers.FaultProxy(s3_endpoint, stall_seconds=STALL_SECONDS) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def location():
    return f"faults/{uuid.uuid4().hex}"


@pytest.fixture
def store(settings, proxy, location):
    """The app's S3 store, configured as in production but pointed at the proxy."""
    settings.S3_MAX_ATTEMPTS = ATTEMPTS
    settings.S3_CONNECT_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    settings.S3_READ_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    settings.STORAGE_BACKEND = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": proxy.url,
                **CREDENTIALS,
                "signature_version": "s3v4",
                "addressing_style": "path",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "location": location,
            },
        },
    }
    chosen = storage.store()
    assert isinstance(chosen, storage.S3Store)
    return chosen


def _stored_keys(s3_endpoint: str, prefix: str) -> list[str]:
    listing = _direct(s3_endpoint).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"].removeprefix(prefix) for item in listing.get("Contents", []))


def test_an_upload_and_a_download_retry_through_errors_and_a_stall(
    store, proxy, s3_endpoint, location, tmp_path
):
    # given
    source = tmp_path / "segment.m4s"
    source.write_bytes(b"segment-bytes" * 1000)
    proxy.plan("503", "stall", "500")
    # when
    began = time.monotonic()
    store.upload(source, "media/x/v1/seg.m4s", content_type="video/iso.segment", cache_control="")
    # then
    assert proxy.outcomes() == ["503", "stall", "500", "pass"]
    stored = _direct(s3_endpoint).get_object(Bucket=BUCKET, Key=f"{location}/media/x/v1/seg.m4s")
    assert stored["Body"].read() == source.read_bytes()

    # given
    proxy.plan("stall", "503", "pass", "500")
    target = tmp_path / "back.m4s"
    # when
    store.download("media/x/v1/seg.m4s", target)
    # then
    assert target.read_bytes() == source.read_bytes()
    assert proxy.faults_left() == 0
    assert time.monotonic() - began < 20  # each stall cost a timeout, not STALL_SECONDS


def test_a_store_that_keeps_failing_is_a_storage_error_in_bounded_time(store, proxy, tmp_path):
    # given
    source = tmp_path / "segment.m4s"
    source.write_bytes(b"x" * 1000)
    proxy.plan(*["stall"] * 2, *["503"] * 20)
    # when
    began = time.monotonic()
    with pytest.raises(StorageError):
        store.upload(
            source, "media/y/v1/seg.m4s", content_type="video/iso.segment", cache_control=""
        )
    # then
    assert proxy.outcomes() == ["stall", "stall", "503", "503"]  # S3_MAX_ATTEMPTS in all
    assert time.monotonic() - began < 20


def test_a_transcode_is_retried_after_storage_errors_and_then_rides_them_out(
    store, proxy, s3_endpoint, location, tmp_path
):
    # given an uploaded video, and a store that fails every attempt of the second output
    clip = samples.make_sample_video(tmp_path / "clip.mp4", seconds=1, width=160, height=120)
    asset = MediaAssetFactory(owner=ParticipantFactory())
    store.upload(clip, asset.source_key, content_type="video/mp4", cache_control="private")
    proxy.plan("pass", "pass", "pass", "pass", *["503"] * ATTEMPTS)  # HEAD, GET, LIST, PUT
    # when
    with pytest.raises(TransientProcessingError):
        process_asset(asset_id=asset.pk, task_id="celery-task-1")
    # then: retried by Celery, never failed; nothing published
    asset.refresh_from_db()
    assert asset.status == "processing"
    assert (asset.master_playlist_key, asset.ready_version) == ("", None)

    # when the task runs again (a Celery retry keeps its task id) through more trouble
    proxy.plan("503", "pass", "pass", "pass", "stall", "500")
    process_asset(asset_id=asset.pk, task_id="celery-task-1")
    # then
    asset.refresh_from_db()
    assert (asset.status, asset.ready_version) == ("ready", 1)
    assert proxy.faults_left() == 0
    outputs = _stored_keys(s3_endpoint, f"{location}/media/{asset.pk}/v1/")
    assert "master.m3u8" in outputs
    assert sorted(storage.list_keys(f"media/{asset.pk}/")) == [
        f"media/{asset.pk}/v1/{key}" for key in outputs
    ]


def test_erasing_an_account_removes_its_media_through_errors_and_stalls(
    store, proxy, s3_endpoint, location
):
    # given a person with a published video and its source
    person = ParticipantFactory()
    asset = published_asset(owner=person)
    storage.save_bytes(asset.source_key, b"source", content_type="video/mp4")
    assert _stored_keys(s3_endpoint, f"{location}/media/{asset.pk}/") != []
    media = erase_account(user=person)
    # when the store fails every attempt, the task's run is a StorageError (Celery retries it)
    proxy.plan(*["503"] * ATTEMPTS)
    with pytest.raises(StorageError):
        erase_stored_media(**media.as_task_kwargs())
    # when it runs again through errors and a stall
    proxy.plan("500", "stall", "pass", "503", "pass", "stall")
    erase_stored_media(**media.as_task_kwargs())
    # then
    assert proxy.faults_left() == 0
    assert _stored_keys(s3_endpoint, f"{location}/") == []
    assert MediaAsset.objects.filter(pk=asset.pk).exists() is False
