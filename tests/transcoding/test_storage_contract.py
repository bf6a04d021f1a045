"""The storage contract: what transcoding may expect of a media store, asked of both.

Every run tests both back ends: the local folder, and S3 — the configured server when
STORAGE_BACKEND=s3 (CI's services stage), else an in-process moto server started once for
the session. Part PUTs and playback fetches really go over HTTP, as a browser's would.
Each S3 test writes under its own key prefix (the store's ``location``).
"""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from django.conf import settings as django_settings
from django.core.exceptions import SuspiciousFileOperation

from tests.factories import ParticipantFactory
from transcoding import selectors, services, storage
from transcoding.storage import LocalStore, S3Store, StorageError

BUCKET = "videoawards-contract"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def _s3_options():
    """Options of an S3Storage on a live S3: the configured one, or moto in this process."""
    if django_settings.STORAGE_BACKEND == "s3":
        yield dict(django_settings.STORAGES["default"]["OPTIONS"])
        return
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    ).create_bucket(Bucket=BUCKET)
    yield {
        "bucket_name": BUCKET,
        "endpoint_url": endpoint,
        **CREDENTIALS,
        "signature_version": "s3v4",
        "addressing_style": "path",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    server.stop()


@pytest.fixture(params=["local", "s3"])
def store(request, settings, tmp_path):
    """The chosen store of each back end, as settings.STORAGE_BACKEND would choose it."""
    if request.param == "local":
        backend = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": None},
        }
    else:
        options = request.getfixturevalue("_s3_options")
        location = f"contract/{uuid.uuid4().hex}"
        backend = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "location": location},
        }
    settings.STORAGE_BACKEND = request.param
    settings.STORAGES = {**settings.STORAGES, "default": backend}
    settings.TRANSCODING_PART_SIZE = 64 * 1024
    chosen = storage.store()
    assert type(chosen) is {"local": LocalStore, "s3": S3Store}[request.param]
    return chosen


def _fetch(client, url: str) -> tuple[int, bytes, str]:
    """GET url as a browser would: over HTTP for a store's URL, else through Django."""
    if url.startswith("http"):
        response = requests.get(url, timeout=10)
        return response.status_code, response.content, response.headers.get("Content-Type", "")
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content, response.get("Content-Type", "")


def _put(client, url: str, body: bytes) -> tuple[int, str]:
    if url.startswith("http"):
        response = requests.put(url, data=body, timeout=30)
        return response.status_code, storage.normalize_etag(response.headers.get("ETag", ""))
    response = client.put(url, data=body, content_type="application/octet-stream")
    return response.status_code, storage.normalize_etag(response.get("ETag", ""))


# --- Multipart uploads ---


def _upload(*, size: int):
    return services.create_upload(
        owner=ParticipantFactory(),
        filename="clip.mp4",
        size=size,
        content_type="video/mp4",
        max_bytes=100 * 1024 * 1024,
        max_duration_s=180,
    )


@pytest.mark.django_db
def test_parts_put_to_their_urls_are_listed_and_assembled_in_order(store, client):
    # given: two parts, the first of the smallest size the store takes but the last
    part_size = max(store.min_part_size, django_settings.TRANSCODING_PART_SIZE)
    session = _upload(size=part_size + 100)
    bodies = {1: b"a" * part_size, 2: b"b" * 100}
    urls = store.part_urls(
        upload_id=session.id,
        key=session.storage_key,
        s3_upload_id=session.s3_upload_id,
        sizes={1: part_size, 2: 100},
    )
    # when
    results = {number: _put(client, urls[number], bodies[number]) for number in (1, 2)}
    stored = selectors.stored_parts(session=session)
    store.assemble(
        upload_id=session.id,
        key=session.storage_key,
        s3_upload_id=session.s3_upload_id,
        parts=stored,
        size=session.size,
    )
    store.remove_parts(upload_id=session.id)
    # then
    assert session.part_size == part_size
    assert [status for status, _etag in results.values()] == [200, 200]
    assert [(p.number, p.size, p.etag) for p in stored] == [
        (1, part_size, results[1][1]),
        (2, 100, results[2][1]),
    ]
    assert store.object_size(session.storage_key) == part_size + 100
    with store.open(session.storage_key) as handle:
        assert handle.read() == bodies[1] + bodies[2]
    assert store.list_keys(f"uploads/{session.id}/") == [session.storage_key]


@pytest.mark.django_db
def test_a_part_of_another_length_than_signed_is_refused(store, client):
    if isinstance(store, S3Store):
        pytest.skip("moto does not check signatures; S3 refuses a length it did not sign")
    # given
    part_size = max(store.min_part_size, django_settings.TRANSCODING_PART_SIZE)
    session = _upload(size=part_size + 100)
    urls = store.part_urls(
        upload_id=session.id,
        key=session.storage_key,
        s3_upload_id=session.s3_upload_id,
        sizes={2: 100},
    )
    # when
    status, _etag = _put(client, urls[2], b"b" * 99)
    # then
    assert status >= 400
    assert selectors.stored_parts(session=session) == []


@pytest.mark.django_db
def test_aborting_removes_the_parts_and_is_harmless_to_repeat(store, client):
    # given
    session = _upload(size=100)
    urls = store.part_urls(
        upload_id=session.id,
        key=session.storage_key,
        s3_upload_id=session.s3_upload_id,
        sizes={1: 100},
    )
    assert _put(client, urls[1], b"x" * 100)[0] == 200
    # when
    store.abort_multipart(
        upload_id=session.id, key=session.storage_key, s3_upload_id=session.s3_upload_id
    )
    store.abort_multipart(
        upload_id=session.id, key=session.storage_key, s3_upload_id=session.s3_upload_id
    )
    # then
    assert store.list_keys(f"uploads/{session.id}/") == []
    assert store.object_size(session.storage_key) is None
    if isinstance(store, S3Store):  # the upload itself is gone from the bucket
        with pytest.raises(StorageError):
            store.list_parts(
                upload_id=session.id, key=session.storage_key, s3_upload_id=session.s3_upload_id
            )


def test_only_the_local_store_takes_parts_through_django(store):
    # given
    upload_id = uuid.uuid4()
    (url,) = store.part_urls(
        upload_id=upload_id, key=f"uploads/{upload_id}/source", s3_upload_id="x", sizes={1: 1}
    ).values()
    signature = url.partition("?sig=")[2]
    # when
    accepted = store.check_part_signature(upload_id=upload_id, number=1, signature=signature)
    # then
    assert accepted is isinstance(store, LocalStore)
    assert store.check_part_signature(upload_id=upload_id, number=2, signature=signature) is False


# --- Objects ---


def test_saved_bytes_are_sized_read_listed_and_deleted(store):
    # given
    store.save_bytes("media/a/captions/en.vtt", b"WEBVTT\n", content_type="text/vtt")
    store.save_bytes("media/a/captions/en.vtt", b"WEBVTT\n\nreplaced", content_type="text/vtt")
    store.save_bytes("media/a/v1/poster.jpg", b"\xff\xd8", content_type="image/jpeg")
    # when
    size = store.object_size("media/a/captions/en.vtt")
    text = store.read_text("media/a/captions/en.vtt")
    keys = sorted(store.list_keys("media/a/"))
    store.delete("media/a/captions/en.vtt")
    store.delete("")
    # then
    assert size == len(b"WEBVTT\n\nreplaced")
    assert text == "WEBVTT\n\nreplaced"
    assert keys == ["media/a/captions/en.vtt", "media/a/v1/poster.jpg"]
    assert store.object_size("media/a/captions/en.vtt") is None
    assert store.list_keys("media/a/") == ["media/a/v1/poster.jpg"]


def test_a_missing_object_has_no_size_and_cannot_be_read(store):
    assert store.object_size("media/none/poster.jpg") is None
    assert store.list_keys("media/none/") == []
    with pytest.raises(FileNotFoundError):
        store.read_text("media/none/index.m3u8")


def test_saved_content_type_is_kept_on_s3(store):
    # given
    store.save_bytes("media/t/captions/en.vtt", b"WEBVTT\n", content_type="text/vtt")
    # then: S3 keeps the type and the cache policy; the local gateway sets them per request
    if isinstance(store, S3Store):
        head = store.call("head_object", Key=store.key("media/t/captions/en.vtt"))
        assert (head["ContentType"], head["CacheControl"]) == ("text/vtt", "private, max-age=60")


def test_files_upload_and_download_streaming(store, tmp_path: Path):
    # given
    source = tmp_path / "in.mp4"
    source.write_bytes(b"\x00video" * 1000)
    # when
    store.upload(source, "uploads/u/source", content_type="video/mp4", cache_control="private")
    store.upload(source, "uploads/u/source", content_type="video/mp4", cache_control="private")
    store.download("uploads/u/source", tmp_path / "out.mp4")
    # then
    assert (tmp_path / "out.mp4").read_bytes() == source.read_bytes()
    assert store.list_keys("uploads/u/") == ["uploads/u/source"]


def test_delete_prefix_removes_only_that_prefix_and_refuses_broad_ones(store):
    # given
    for key in ("media/p/v1/a.m4s", "media/p/v1/360p/b.m4s", "media/p/v2/a.m4s", "media/q/a"):
        store.save_bytes(key, b"x", content_type="video/mp4")
    # when
    store.delete_prefix("media/p/v1/")
    # then
    assert sorted(store.list_keys("media/")) == ["media/p/v2/a.m4s", "media/q/a"]
    for broad in ("media/", "media/p", ""):
        with pytest.raises(ValueError, match="broad prefix"):
            store.delete_prefix(broad)


def test_keys_outside_the_store_are_refused(store):
    with pytest.raises(SuspiciousFileOperation, match="not a storage key"):
        store.save_bytes("media/../../etc/passwd", b"x", content_type="text/plain")


def test_the_module_functions_call_the_chosen_store(store, tmp_path: Path):
    # given: the names callers outside transcoding use
    storage.save_bytes("media/m/v1/a.m4s", b"segment", content_type="video/mp4")
    # then
    assert storage.object_size("media/m/v1/a.m4s") == len(b"segment")
    assert storage.read_text("media/m/v1/a.m4s") == "segment"
    assert storage.list_keys("media/m/") == ["media/m/v1/a.m4s"]
    storage.delete_prefix("media/m/v1/")
    assert storage.list_keys("media/m/") == []
    storage.abort_multipart(upload_id=uuid.uuid4(), key="uploads/none/source", s3_upload_id="")
    assert storage.is_s3() is isinstance(store, S3Store)


# --- Browsers ---


def test_direct_urls_fetch_the_bytes_with_their_type(store):
    # given
    key = f"media/{uuid.uuid4()}/v1/360p/seg_00000.m4s"
    store.save_bytes(key, b"segment bytes", content_type="video/iso.segment")
    # when
    direct = store.direct_url(key, expires=60, content_type="video/iso.segment")
    # then: on S3 the browser fetches it from the bucket with the type asked for; locally
    # the playback gateway serves every file (tests/transcoding/test_gateway.py)
    if isinstance(store, LocalStore):
        assert direct is None
    else:
        status, content, content_type = _fetch(None, direct)
        assert (status, content, content_type) == (200, b"segment bytes", "video/iso.segment")


def test_direct_urls_exist_only_where_browsers_fetch_from_the_store(store):
    # given
    store.save_bytes("media/d/poster.jpg", b"\xff\xd8", content_type="image/jpeg")
    # when
    direct = store.direct_url("media/d/poster.jpg", expires=60, content_type="image/jpeg")
    # then
    if isinstance(store, LocalStore):
        assert direct is None
        assert store.origin() is None
    else:
        response = requests.get(direct, timeout=10)
        assert (response.status_code, response.content) == (200, b"\xff\xd8")
        assert direct.startswith(store.origin() + "/")


def test_cors_lets_the_site_put_parts_and_read_etags(store):
    # when
    configured = store.configure_cors(origins=["https://videoawards.example/", ""])
    # then
    if isinstance(store, LocalStore):
        assert configured is None
        return
    assert configured is True
    (rule,) = store.call("get_bucket_cors")["CORSRules"]
    assert rule["AllowedOrigins"] == ["https://videoawards.example"]
    assert sorted(rule["AllowedMethods"]) == ["GET", "HEAD", "PUT"]
    assert "ETag" in rule["ExposeHeaders"]
