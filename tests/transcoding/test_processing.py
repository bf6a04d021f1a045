"""Processing bookkeeping: fair queueing, deliveries, the sweeper, re-transcodes."""

from __future__ import annotations

import os
import subprocess
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OrganiserFactory, ParticipantFactory
from tests.transcoding.factories import MediaAssetFactory, published_asset
from transcoding import services
from transcoding.models import MediaAsset
from transcoding.services.processing import ProgressWriter, begin_processing, time_limits
from transcoding.signals import asset_failed

pytestmark = pytest.mark.django_db


def _queued(owner) -> int:
    return MediaAsset.objects.filter(owner=owner, queued_at__isnull=False).count()


def test_one_participants_twenty_uploads_do_not_starve_anyone_else(
    settings, django_capture_on_commit_callbacks
):
    # given
    settings.TRANSCODING_MAX_QUEUED_PER_OWNER = 2
    busy, other = ParticipantFactory(), ParticipantFactory()
    MediaAssetFactory.create_batch(20, owner=busy)
    MediaAssetFactory(owner=other)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_waiting_assets(owner_id=busy.pk)
        services.queue_waiting_assets(owner_id=other.pk)
    # then
    assert (_queued(busy), _queued(other)) == (2, 1)


def test_a_finished_asset_frees_its_owners_slot_for_the_next_one(
    settings, django_capture_on_commit_callbacks
):
    # given
    settings.TRANSCODING_MAX_QUEUED_PER_OWNER = 1
    owner = ParticipantFactory()
    first, second = MediaAssetFactory.create_batch(2, owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_waiting_assets(owner_id=owner.pk)
    queued_first = MediaAsset.objects.get(queued_at__isnull=False)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.fail_asset(asset_id=queued_first.pk, code="test", message="Broken.")
    # then
    waiting = {first.pk, second.pk} - {queued_first.pk}
    assert MediaAsset.objects.get(pk=waiting.pop()).queued_at is not None


def test_a_file_that_kills_the_worker_every_time_ends_failed(
    settings, django_capture_on_commit_callbacks
):
    # given
    settings.TRANSCODING_MAX_DELIVERIES = 3
    asset = MediaAssetFactory()
    failures = []

    def record(sender, asset, **kwargs):
        failures.append(asset.pk)

    asset_failed.connect(record)
    # when: the same message is delivered again after each crash
    try:
        with django_capture_on_commit_callbacks(execute=True):
            claims = [begin_processing(asset_id=asset.pk, task_id="task-1") for _ in range(4)]
    finally:
        asset_failed.disconnect(record)
    # then
    asset.refresh_from_db()
    assert [claim is not None for claim in claims] == [True, True, True, False]
    assert (asset.status, asset.error_code, asset.delivery_count) == ("failed", "gave_up", 4)
    assert asset.error_message.startswith("We tried several times")
    assert failures == [asset.pk]


def test_a_duplicate_message_is_turned_away_while_the_first_worker_is_alive():
    # given
    asset = MediaAssetFactory()
    begin_processing(asset_id=asset.pk, task_id="task-1")
    # when
    duplicate = begin_processing(asset_id=asset.pk, task_id="task-2")
    # then
    asset.refresh_from_db()
    assert duplicate is None
    assert (asset.processing_task_id, asset.delivery_count) == ("task-1", 1)


def test_a_finished_asset_is_not_processed_again():
    # given
    asset = published_asset()
    # when
    claim = begin_processing(asset_id=asset.pk, task_id="task-9")
    # then
    asset.refresh_from_db()
    assert claim is None
    assert (asset.status, asset.delivery_count) == ("ready", 0)


def test_sweeper_queues_again_an_asset_whose_worker_went_quiet(settings):
    # given
    asset = MediaAssetFactory()
    begin_processing(asset_id=asset.pk, task_id="task-1")
    stale = timezone.now() - timedelta(seconds=settings.TRANSCODING_STALE_SECONDS + 60)
    MediaAsset.objects.filter(pk=asset.pk).update(heartbeat_at=stale)
    # when
    swept = services.sweep_stale_assets()
    # then
    asset.refresh_from_db()
    assert swept == 1
    assert asset.processing_task_id != "task-1"
    assert begin_processing(asset_id=asset.pk, task_id=asset.processing_task_id) is not None


def test_progress_of_a_replaced_worker_is_ignored():
    # given
    asset = MediaAssetFactory()
    claimed = begin_processing(asset_id=asset.pk, task_id="task-1")
    progress = ProgressWriter(claimed, "task-1")
    MediaAsset.objects.filter(pk=asset.pk).update(processing_task_id="task-2")
    # when
    progress(0.5)
    # then
    asset.refresh_from_db()
    assert asset.progress == 0.0


def test_progress_is_written_for_the_worker_that_holds_the_asset():
    # given
    asset = MediaAssetFactory()
    claimed = begin_processing(asset_id=asset.pk, task_id="task-1")
    # when
    ProgressWriter(claimed, "task-1")(0.25)
    # then
    asset.refresh_from_db()
    assert asset.progress == 0.25


def test_running_out_of_retries_ends_the_asset_failed():
    # given
    asset = MediaAssetFactory()
    begin_processing(asset_id=asset.pk, task_id="task-1")
    # when
    services.fail_after_retries(asset_id=asset.pk, task_id="task-1")
    # then
    asset.refresh_from_db()
    assert (asset.status, asset.error_code) == ("failed", "processing_failed")


def test_retranscode_makes_a_new_version_and_keeps_the_old_one_playable(
    participant, participant_client, django_capture_on_commit_callbacks
):
    # given
    asset = published_asset(owner=participant)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.retranscode_asset(asset=asset)
    # then
    asset.refresh_from_db()
    assert (asset.version, asset.status, asset.ready_version) == (2, "uploaded", 1)
    assert asset.queued_at is not None
    assert asset.output_prefix() == f"media/{asset.pk}/v2/"
    assert participant_client.get(f"/media/assets/{asset.pk}/master.m3u8").status_code == 200


def test_organisers_can_retranscode_a_set_of_assets_from_the_admin(client_for):
    # given
    assets = [published_asset(), published_asset(), MediaAssetFactory(source_key="")]
    admin = client_for(OrganiserFactory(is_superuser=True))
    # when
    response = admin.post(
        "/admin/transcoding/mediaasset/",
        {"action": "retranscode", "_selected_action": [str(a.pk) for a in assets]},
    )
    # then
    assert response.status_code == 302
    versions = {a.pk: a.version for a in MediaAsset.objects.all()}
    assert [versions[a.pk] for a in assets] == [2, 2, 1]


def test_time_limits_grow_with_the_length_of_the_video():
    # given
    short = MediaAsset(duration_s=10)
    long = MediaAsset(duration_s=600)
    # when
    (short_soft, short_hard), (long_soft, long_hard) = time_limits(short), time_limits(long)
    # then
    assert short_soft < long_soft
    assert (short_hard - short_soft, long_hard - long_soft) == (120, 120)


def test_work_folders_of_dead_jobs_are_removed_and_live_ones_kept(settings, tmp_path):
    # given
    settings.TRANSCODING_WORK_DIR = str(tmp_path)
    dead = tmp_path / f"asset-{uuid.uuid4()}-pid{_exited_pid()}-abc"
    live = tmp_path / f"asset-{uuid.uuid4()}-pid{os.getpid()}-def"
    unrelated = tmp_path / "something-else"
    for folder in (dead, live, unrelated):
        (folder / "out").mkdir(parents=True)
    # when
    removed = services.remove_orphaned_work_dirs()
    # then
    assert removed == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, unrelated.name])


def _exited_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
