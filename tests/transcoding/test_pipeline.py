"""The whole pipeline run inline (the task function called directly, no broker)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.transcoding.factories import MediaAssetFactory
from transcoding import storage
from transcoding.media import samples
from transcoding.models import MediaAsset
from transcoding.signals import asset_ready
from transcoding.tasks import transcode_asset

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def uploaded_sample(participant, tmp_path):
    source = tmp_path / "sample.mp4"
    samples.make_sample_video(source, seconds=2, width=320, height=240)
    asset = MediaAssetFactory(owner=participant)
    storage.upload(source, asset.source_key, content_type="video/mp4", cache_control="private")
    return asset


def test_processing_publishes_hls_under_the_version_prefix_and_marks_ready(
    uploaded_sample, django_capture_on_commit_callbacks
):
    # given
    ready = []

    def record(sender, asset, **kwargs):
        ready.append(asset.pk)

    asset_ready.connect(record)
    # when
    try:
        with django_capture_on_commit_callbacks(execute=True):
            transcode_asset(str(uploaded_sample.pk))
    finally:
        asset_ready.disconnect(record)
    # then
    asset = MediaAsset.objects.get(pk=uploaded_sample.pk)
    assert (asset.status, asset.progress, asset.ready_version) == ("ready", 1.0, 1)
    assert ready == [asset.pk]
    keys = storage.list_keys(f"media/{asset.pk}/")
    assert asset.master_playlist_key in keys
    assert all(key.startswith(f"media/{asset.pk}/v1/") for key in keys)
    assert [r.height for r in asset.renditions.all()] == [240]


def test_processing_twice_leaves_the_same_objects(
    uploaded_sample, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        transcode_asset(str(uploaded_sample.pk))
    keys = storage.list_keys(f"media/{uploaded_sample.pk}/")
    # as if the first worker died after publishing, before its "ready" was recorded
    MediaAsset.objects.filter(pk=uploaded_sample.pk).update(
        status=MediaAsset.Status.PROCESSING,
        heartbeat_at=timezone.now() - timedelta(seconds=settings.TRANSCODING_STALE_SECONDS + 1),
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        transcode_asset(str(uploaded_sample.pk))
    # then
    assert storage.list_keys(f"media/{uploaded_sample.pk}/") == keys
    assert MediaAsset.objects.get(pk=uploaded_sample.pk).status == "ready"


def test_a_file_that_is_not_a_video_fails_with_a_plain_message_and_no_retry(participant):
    # given
    asset = MediaAssetFactory(owner=participant)
    storage.save_bytes(
        asset.source_key, b"this is my homework, not a video\n", content_type="video/mp4"
    )
    # when
    transcode_asset(str(asset.pk))
    # then
    asset.refresh_from_db()
    assert asset.status == "failed"
    assert asset.error_message != ""
    assert asset.delivery_count == 1
