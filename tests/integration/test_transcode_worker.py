"""Transcoding on a real Celery worker process, through the real broker and storage,
including a worker killed with SIGKILL in the middle of an encode."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path, PurePosixPath

import pytest

from tests.factories import ParticipantFactory
from tests.transcoding.bad_files import Canary, eight_k_clip, hls_playlist_disguised_as_video
from tests.transcoding.test_bad_files import NOISY_CLIP_ENDS, REFUSED
from transcoding import services, storage
from transcoding.media import samples
from transcoding.models import MediaAsset
from videoawards.celery import app

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 180


def _uploaded_asset(tmp_path, *, seconds: int, width: int, height: int) -> MediaAsset:
    source = tmp_path / "source.mp4"
    samples.make_sample_video(source, seconds=seconds, width=width, height=height)
    return _uploaded_file(source)


def _uploaded_file(source: Path) -> MediaAsset:
    asset = MediaAsset.objects.create(owner=ParticipantFactory(), source_key="", max_duration_s=600)
    key = f"uploads/{asset.pk}/source"
    storage.upload(source, key, content_type="video/mp4", cache_control="private")
    MediaAsset.objects.filter(pk=asset.pk).update(source_key=key, source_size=source.stat().st_size)
    asset.refresh_from_db()
    return asset


def _wait_for(asset: MediaAsset, condition, *, what: str, timeout: float = WAIT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        asset.refresh_from_db()
        if condition(asset):
            return asset
        time.sleep(0.1)
    raise AssertionError(f"asset never {what}: {asset.status} {asset.error_message}")


def _processes_reading(asset: MediaAsset) -> list[int]:
    """Pids of the processes (ffmpeg) whose command line names this asset's work folder."""
    marker = f"asset-{asset.pk}-".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_until_gone(asset: MediaAsset, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while _processes_reading(asset) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_reading(asset) == [], "an ffmpeg outlived its worker"


def _referenced_keys(asset: MediaAsset) -> set[str]:
    """Every object the published playlists (and the stills) point at."""
    keys = {asset.master_playlist_key, asset.poster_key, asset.thumbnail_key} - {""}
    folder = PurePosixPath(asset.master_playlist_key).parent
    for rendition in asset.renditions.filter(version=asset.ready_version):
        keys.add(rendition.playlist_key)
        playlist_folder = PurePosixPath(rendition.playlist_key).parent
        for line in storage.read_text(rendition.playlist_key).splitlines():
            if line.startswith("#EXT-X-MAP:"):
                keys.add(str(playlist_folder / line.split('URI="', 1)[1].split('"', 1)[0]))
            elif line and not line.startswith("#"):
                keys.add(str(playlist_folder / line))
    master = storage.read_text(asset.master_playlist_key)
    assert all(
        str(folder / line) in keys for line in master.splitlines() if line and line[0] != "#"
    )
    return keys


def test_worker_transcodes_an_uploaded_video_into_hls(celery_worker_process, tmp_path):
    # given
    asset = _uploaded_asset(tmp_path, seconds=3, width=640, height=360)
    # when
    services.queue_waiting_assets(owner_id=asset.owner_id)
    # then
    asset = _wait_for(asset, lambda a: a.status in {"ready", "failed"}, what="finished")
    assert (asset.status, asset.progress, asset.delivery_count) == ("ready", 1.0, 1)
    assert set(storage.list_keys(f"media/{asset.pk}/")) == _referenced_keys(asset)


KILLS = 5
REQUEUED_WITHIN_SECONDS = 60


def _wait_until_encoding(asset: MediaAsset, timeout: float = WAIT_SECONDS) -> MediaAsset:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _processes_reading(asset):
            asset.refresh_from_db()
            return asset
        time.sleep(0.05)
    asset.refresh_from_db()
    raise AssertionError(f"never started encoding: {asset.status} {asset.error_message}")


def test_a_worker_killed_mid_transcode_five_times_queues_each_job_again_by_itself(
    celery_worker_process, tmp_path
):
    # given: the worker's jobs count as dead after 5 s without a heartbeat
    # (tests/conftest.py; 30 s in production)
    assets, requeued_after = [], []
    for number in range(KILLS):
        # when: someone's upload is encoding and the worker and its pool get SIGKILL,
        # then a worker starts again; nobody runs the sweeper by hand
        folder = tmp_path / str(number)
        folder.mkdir()
        asset = _uploaded_asset(folder, seconds=6, width=960, height=540)
        assets.append(asset)
        services.queue_waiting_assets(owner_id=asset.owner_id)
        victim = _wait_until_encoding(asset)
        celery_worker_process.kill(signal.SIGKILL)
        assert celery_worker_process.wait() == -signal.SIGKILL
        _wait_until_gone(victim)  # ffmpeg dies with the worker's pool process
        celery_worker_process.start()
        back = time.monotonic()
        # then: the killed job is queued again (a new task) within a minute
        _wait_for(
            victim,
            lambda a, killed=victim.processing_task_id: a.processing_task_id != killed,
            what="queued again",
            timeout=REQUEUED_WITHIN_SECONDS,
        )
        requeued_after.append(round(time.monotonic() - back, 1))
    # then: every asset ends ready, with one set of renditions and nothing orphaned
    finished = [
        _wait_for(asset, lambda a: a.status in {"ready", "failed"}, what="finished")
        for asset in assets
    ]
    assert [(a.status, a.delivery_count, a.ready_version) for a in finished] == [
        ("ready", 2, 1)
    ] * KILLS
    for asset in finished:
        assert set(storage.list_keys(f"media/{asset.pk}/")) == _referenced_keys(asset)
    from transcoding.services.processing import work_root

    assert [list(work_root().glob(f"asset-{a.pk}-*")) for a in finished] == [[]] * KILLS
    print(f"killed jobs queued again {requeued_after} s after the worker was back")


def test_the_sweeper_takes_over_a_dead_job_and_fences_out_its_worker(
    celery_worker_process, tmp_path
):
    # given: an asset that a worker claimed and then went silent (killed long ago)
    from datetime import timedelta

    from django.utils import timezone

    asset = _uploaded_asset(tmp_path, seconds=2, width=320, height=180)
    silent = timezone.now() - timedelta(minutes=5)
    MediaAsset.objects.filter(pk=asset.pk).update(
        status="processing", processing_task_id="dead-task", heartbeat_at=silent, delivery_count=1
    )
    # when
    queued = services.sweep_stale_assets()
    # then
    asset = _wait_for(asset, lambda a: a.status in {"ready", "failed"}, what="finished")
    assert (queued, asset.status, asset.delivery_count) == (1, "ready", 2)
    assert asset.processing_task_id != "dead-task"


def _noisy_clip(folder: Path) -> Path:
    """A good clip with its middle third overwritten by (seeded) random bytes."""
    path = samples.make_sample_video(folder / "noisy.mp4", seconds=3, width=320, height=240)
    data = bytearray(path.read_bytes())
    start, length = len(data) // 3, len(data) // 3
    data[start : start + length] = random.Random(20261125).randbytes(length)
    path.write_bytes(bytes(data))
    return path


def test_worker_refuses_every_bad_file_and_keeps_working(celery_worker_process, tmp_path):
    # given: every bad file of the inline tests, then a good one, each its own participant's
    canary = Canary()
    makers = {
        **{make.__name__: make for make, _code in REFUSED},
        "eight_k_clip": eight_k_clip,
        "hls_playlist_disguised_as_video": hls_playlist_disguised_as_video(canary),
        "noisy_clip": _noisy_clip,
    }
    bad = {}
    for name, make in makers.items():
        folder = tmp_path / name
        folder.mkdir()
        bad[name] = _uploaded_file(make(folder))
    good = _uploaded_asset(tmp_path, seconds=2, width=320, height=240)
    worker_pid = celery_worker_process.pid
    # when
    try:
        for asset in [*bad.values(), good]:
            services.queue_waiting_assets(owner_id=asset.owner_id)
        finished = {
            name: _wait_for(asset, lambda a: a.status in {"ready", "failed"}, what="finished")
            for name, asset in {**bad, "good": good}.items()
        }
    finally:
        canary.close()
    # then: each ends as the inline run says, in one delivery, with a message to show
    assert {name: (a.status, a.error_code) for name, a in finished.items()} == {
        **{make.__name__: ("failed", code) for make, code in REFUSED},
        "eight_k_clip": ("failed", "too_large"),
        "hls_playlist_disguised_as_video": ("failed", "unsupported_format"),
        "noisy_clip": NOISY_CLIP_ENDS,
        "good": ("ready", ""),
    }
    assert all(a.error_message for a in finished.values() if a.status == "failed")
    assert {a.delivery_count for a in finished.values()} == {1}
    assert canary.hits == 0
    # the same worker process answered every one and still answers
    assert celery_worker_process.pid == worker_pid
    hostname = celery_worker_process.hostname
    assert app.control.ping(destination=[hostname], timeout=5) == [{hostname: {"ok": "pong"}}]


def test_an_asset_whose_message_was_lost_is_queued_again_by_the_sweeper(
    celery_worker_process, tmp_path, settings
):
    # given: queued an hour ago, but the message never reached the broker
    from datetime import timedelta

    from django.utils import timezone

    asset = _uploaded_asset(tmp_path, seconds=2, width=320, height=180)
    long_ago = timezone.now() - timedelta(seconds=settings.TRANSCODING_LOST_MESSAGE_SECONDS + 60)
    MediaAsset.objects.filter(pk=asset.pk).update(queued_at=long_ago)
    # when
    swept = services.sweep_stale_assets()
    # then: the worker gets it and prepares it once
    assert swept == 1
    asset = _wait_for(asset, lambda a: a.status in {"ready", "failed"}, what="finished")
    assert (asset.status, asset.delivery_count) == ("ready", 1)
    assert services.sweep_stale_assets() == 0
