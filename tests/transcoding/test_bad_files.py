"""The whole pipeline (the transcode task run inline) on real bad files made here.

Each file ends failed with a plain message and no retry, or ready; nothing reaches the
network or a file outside the upload, and refusals come from probe within seconds.
"""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.transcoding.bad_files import (
    Canary,
    audio_only_mp4,
    eight_k_clip,
    empty_file,
    ffconcat_naming_etc_passwd,
    first_third_of_a_faststart_mp4,
    hls_playlist_disguised_as_video,
    jpeg_renamed_mp4,
    one_frame_mp4,
    png_renamed_mp4,
    text_renamed_mp4,
    three_hour_tiny_clip,
    truncated_mp4_with_moov_at_the_end,
    two_hundred_forty_fps_clip,
)
from tests.transcoding.factories import MediaAssetFactory
from transcoding import storage
from transcoding.media import samples
from transcoding.media.probe import MESSAGES
from transcoding.models import MediaAsset
from transcoding.tasks import transcode_asset

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# What the seeded noisy clip ends as (ffmpeg decodes around the damage).
NOISY_CLIP_ENDS = ("ready", "")
REFUSAL_SECONDS = 15  # generous for a busy 2-core machine; a refusal takes well under 1 s


@pytest.fixture
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.close()


def run_pipeline(owner, source: Path) -> tuple[MediaAsset, float]:
    asset = MediaAssetFactory(owner=owner, max_duration_s=180)
    storage.upload(source, asset.source_key, content_type="video/mp4", cache_control="private")
    started = time.monotonic()
    transcode_asset(str(asset.pk))
    asset.refresh_from_db()
    return asset, time.monotonic() - started


REFUSED = [
    (empty_file, "empty"),
    (text_renamed_mp4, "unsupported_format"),
    (png_renamed_mp4, "unsupported_format"),
    (jpeg_renamed_mp4, "unsupported_format"),
    (one_frame_mp4, "still_image"),
    (audio_only_mp4, "no_video"),
    (truncated_mp4_with_moov_at_the_end, "unreadable"),
    (first_third_of_a_faststart_mp4, "truncated"),
    (ffconcat_naming_etc_passwd, "unsupported_format"),
    (three_hour_tiny_clip, "too_long"),
    (two_hundred_forty_fps_clip, "frame_rate"),
]


@pytest.mark.parametrize(("make", "code"), REFUSED, ids=[m.__name__ for m, _code in REFUSED])
def test_bad_file_is_refused_by_probe_with_a_plain_message_and_no_retry(
    participant, tmp_path, make, code
):
    # given
    source = make(tmp_path)
    # when
    asset, seconds = run_pipeline(participant, source)
    # then
    assert (asset.status, asset.error_code, asset.delivery_count) == ("failed", code, 1)
    assert asset.error_message == str(MESSAGES.get(code, asset.error_message))
    assert "ffmpeg" not in asset.error_message.lower()
    assert str(tmp_path) not in asset.error_message
    assert seconds < REFUSAL_SECONDS
    assert storage.list_keys(f"media/{asset.pk}/") == []


def test_eight_k_clip_is_refused_for_its_size(participant, tmp_path):
    # given
    source = eight_k_clip(tmp_path)
    # when
    asset, seconds = run_pipeline(participant, source)
    # then
    assert (asset.status, asset.error_code) == ("failed", "too_large")
    assert asset.error_message == (
        "This video's picture is too big (7680x4320 pixels). Please export it with at most "
        "4096 pixels on the long side, for example 1920x1080."
    )
    assert seconds < REFUSAL_SECONDS


def test_three_hour_clip_is_refused_as_too_long_without_encoding(participant, tmp_path):
    # given
    source = three_hour_tiny_clip(tmp_path)
    # when
    asset, seconds = run_pipeline(participant, source)
    # then
    assert asset.error_message == (
        "This video is 180:00 minutes long, but videos here can be at most 3:00 minutes. "
        "Please shorten it and upload it again."
    )
    assert (asset.progress, asset.renditions.count()) == (0.0, 0)
    assert seconds < REFUSAL_SECONDS


def test_hls_playlist_disguised_as_a_video_never_touches_the_network(participant, tmp_path, canary):
    # given
    source = hls_playlist_disguised_as_video(canary)(tmp_path)
    # when
    asset, _seconds = run_pipeline(participant, source)
    # then
    assert (asset.status, asset.error_code) == ("failed", "unsupported_format")
    time.sleep(0.5)  # any late connection would still be counted
    assert canary.hits == 0
    socket.create_connection(("127.0.0.1", canary.port), timeout=5).close()
    deadline = time.monotonic() + 5
    while canary.hits == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert canary.hits == 1  # the canary does count what reaches it


def test_random_bytes_in_the_middle_of_a_good_file_end_ready_or_failed_plainly(
    participant, tmp_path
):
    # given: a third of a good video overwritten with noise
    path = samples.make_sample_video(tmp_path / "noisy.mp4", seconds=3, width=320, height=240)
    data = bytearray(path.read_bytes())
    start, length = len(data) // 3, len(data) // 3
    data[start : start + length] = random.Random(20261125).randbytes(length)
    path.write_bytes(bytes(data))
    # when
    asset, _seconds = run_pipeline(participant, path)
    # then: the seed is fixed, so is the outcome; either way nothing crashes
    assert (asset.status, asset.error_code) == NOISY_CLIP_ENDS
    if asset.status == "ready":
        assert asset.renditions.count() == 1
        assert asset.master_playlist_key in storage.list_keys(f"media/{asset.pk}/")
    else:
        assert asset.error_message
        assert asset.delivery_count == 1
