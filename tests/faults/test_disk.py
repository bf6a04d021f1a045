"""The scratch disk is full: the transcode is retried, not failed, and nothing is
published; once there is room the same asset becomes ready."""

from __future__ import annotations

import pytest

from tests.factories import ParticipantFactory
from tests.faults import servers
from tests.transcoding.factories import MediaAssetFactory
from transcoding import storage
from transcoding.media import samples
from transcoding.models import MediaAsset
from transcoding.services import TransientProcessingError, process_asset

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.faults]

KIB = 1024


@pytest.fixture
def scratch(settings):
    with servers.tiny_filesystem("2m") as folder:
        settings.TRANSCODING_WORK_DIR = str(folder / "work")
        yield folder


def test_a_full_scratch_disk_is_retried_and_the_asset_ends_ready_once_there_is_room(
    scratch, tmp_path
):
    # given an uploaded video, and a scratch disk with room for its copy and little more
    clip = samples.make_sample_video(tmp_path / "clip.mp4", seconds=2, width=320, height=240)
    asset = MediaAssetFactory(owner=ParticipantFactory())
    storage.upload(clip, asset.source_key, content_type="video/mp4", cache_control="private")
    filler = servers.fill(scratch, leave=clip.stat().st_size + 16 * KIB)
    # when
    with pytest.raises(TransientProcessingError, match="scratch disk is full"):
        process_asset(asset_id=asset.pk, task_id="celery-task-1")
    # then: to be retried, not failed; nothing published; the scratch folder is gone
    asset.refresh_from_db()
    assert (asset.status, asset.error_code, asset.master_playlist_key) == ("processing", "", "")
    assert storage.list_keys(f"media/{asset.pk}/") == []
    assert list((scratch / "work").iterdir()) == []

    # when the disk has room again and the task runs again (a retry keeps its task id)
    filler.unlink()
    process_asset(asset_id=asset.pk, task_id="celery-task-1")
    # then
    asset.refresh_from_db()
    assert (asset.status, asset.ready_version) == ("ready", 1)
    assert f"media/{asset.pk}/v1/master.m3u8" in storage.list_keys(f"media/{asset.pk}/")
    assert MediaAsset.objects.filter(pk=asset.pk, status="failed").exists() is False
