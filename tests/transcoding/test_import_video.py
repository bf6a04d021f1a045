"""`manage.py import_video`: files from this machine become media assets, processed by a
worker (queued, or queued and waited for) or right in the command (--inline)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tests.factories import OrganiserFactory, ParticipantFactory
from transcoding import storage
from transcoding.models import MediaAsset


@pytest.fixture
def ffmpeg_core():
    """The ffmpeg package the pipeline runs on (tests skip until it is there)."""
    return pytest.importorskip("transcoding.media.samples", reason="no transcoding.media yet")


@pytest.fixture
def make_clip(tmp_path, ffmpeg_core):
    """make_clip(name): a tiny generated video with sound."""

    def make(name: str, *, seconds: int = 2, width: int = 640, height: int = 360) -> Path:
        path = tmp_path / name
        ffmpeg_core.make_sample_video(path, seconds=seconds, width=width, height=height)
        return path

    return make


def _import(*args: str) -> tuple[list[dict], str, CommandError | None]:
    """Run the command in this process: (JSON lines, stderr, the error it exited with)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_video", *args, "--json", stdout=out, stderr=err)
    except CommandError as exc:
        return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), exc
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), None


@pytest.mark.django_db
@pytest.mark.slow
def test_inline_import_of_two_clips_prints_a_ready_line_with_renditions_for_each(make_clip):
    # given
    owner = OrganiserFactory()
    clips = [make_clip("lab day 1.mp4"), make_clip("lab day 2.mov")]
    # when
    lines, _stderr, error = _import(*map(str, clips), "--inline", "--owner", owner.email)
    # then
    assert error is None
    assert [(line["file"], line["status"], line["error"]) for line in lines] == [
        (str(clips[0]), "ready", None),
        (str(clips[1]), "ready", None),
    ]
    for line in lines:
        asset = MediaAsset.objects.get(pk=line["asset"])
        assert (asset.owner, asset.status) == (owner, MediaAsset.Status.READY)
        assert line["master"] == asset.master_playlist_key
        assert storage.read_text(line["master"]).startswith("#EXTM3U")
        assert line["renditions"] == [
            {"width": r.width, "height": r.height, "bandwidth": r.bandwidth}
            for r in asset.renditions.order_by("height")
        ]
        assert line["renditions"][-1]["height"] == 360
        assert "lab day" not in asset.source_key


@pytest.mark.django_db
def test_a_text_file_fails_with_a_plain_error_and_a_non_zero_exit(tmp_path, ffmpeg_core):
    # given
    owner = OrganiserFactory()
    notes = tmp_path / "notes.mp4"
    notes.write_text("These are my notes, not a video.\n" * 20)
    # when
    lines, _stderr, error = _import(str(notes), "--inline", "--owner", owner.email)
    # then
    assert error is not None and error.returncode == 1
    assert [(line["status"], line["renditions"], line["master"]) for line in lines] == [
        ("failed", [], None)
    ]
    asset = MediaAsset.objects.get(pk=lines[0]["asset"])
    assert lines[0]["error"] == asset.error_message
    assert "video" in asset.error_message.lower()
    assert "Traceback" not in asset.error_message and "ffprobe" not in asset.error_message


@pytest.mark.django_db
def test_missing_files_and_folders_fail_before_anything_is_stored(tmp_path):
    # given
    owner = OrganiserFactory()
    missing = tmp_path / "not-there.mp4"
    folder = tmp_path / "a-folder"
    folder.mkdir()
    empty = tmp_path / "empty.mp4"
    empty.touch()
    # when
    lines, _stderr, error = _import(str(missing), str(folder), str(empty), "--owner", owner.email)
    # then
    assert error is not None and error.returncode == 1
    assert [(line["status"], line["asset"], line["error"]) for line in lines] == [
        ("failed", None, f"There is no file at {missing}."),
        ("failed", None, f"{folder} is not a regular file."),
        ("failed", None, "This file is empty."),
    ]
    assert MediaAsset.objects.count() == 0
    assert storage.list_keys("uploads/") == []


@pytest.mark.django_db
def test_a_file_over_the_upload_limit_is_refused(tmp_path, settings):
    # given
    settings.VIDEOAWARDS_MAX_UPLOAD_BYTES = 1000
    owner = OrganiserFactory()
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * 1001)
    # when
    lines, _stderr, error = _import(str(big), "--owner", owner.email)
    # then
    assert error is not None
    assert lines[0]["error"] == "This video is too big. The limit is 1000\xa0bytes."
    assert MediaAsset.objects.count() == 0


@pytest.mark.django_db
def test_by_default_files_are_stored_and_queued_for_the_worker_under_keys_without_their_names(
    tmp_path, django_capture_on_commit_callbacks
):
    # given: any bytes will do, nobody processes them here
    owner = OrganiserFactory()
    files = [tmp_path / "Pia's experiment.mp4", tmp_path / "quinn.webm"]
    for number, path in enumerate(files):
        path.write_bytes(bytes([number]) * 70_000)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        lines, _stderr, error = _import(*map(str, files), "--owner", owner.email)
    # then
    assert error is None
    assert [(line["status"], line["renditions"], line["master"]) for line in lines] == [
        ("queued", [], None),
        ("queued", [], None),
    ]
    for path, line in zip(files, lines, strict=True):
        asset = MediaAsset.objects.get(pk=line["asset"])
        assert asset.source_key == f"uploads/{asset.pk}/source"
        assert (asset.status, asset.source_size) == (MediaAsset.Status.UPLOADED, 70_000)
        assert asset.queued_at is not None
        with default_storage.open(asset.source_key, "rb") as stored:
            assert stored.read() == path.read_bytes()


@pytest.mark.django_db
def test_without_owner_the_sites_only_organiser_owns_the_videos(tmp_path):
    # given
    organiser = OrganiserFactory()
    ParticipantFactory()
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\1" * 1000)
    # when
    lines, _stderr, error = _import(str(clip))
    # then
    assert error is None
    assert MediaAsset.objects.get(pk=lines[0]["asset"]).owner == organiser


@pytest.mark.django_db
@pytest.mark.parametrize("organisers", [0, 2])
def test_without_owner_and_not_exactly_one_organiser_the_command_asks_for_one(tmp_path, organisers):
    # given
    OrganiserFactory.create_batch(organisers)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\1" * 1000)
    # when
    with pytest.raises(CommandError) as raised:
        call_command("import_video", str(clip), stdout=StringIO(), stderr=StringIO())
    # then
    assert "--owner EMAIL" in str(raised.value)
    assert MediaAsset.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_owner_is_refused(tmp_path):
    # given
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\1" * 1000)
    # when
    with pytest.raises(CommandError) as raised:
        call_command("import_video", str(clip), "--owner", "nobody@example.com")
    # then
    assert str(raised.value) == "There is no active account with the email nobody@example.com."


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_wait_queues_for_a_real_worker_and_returns_when_it_is_done(
    make_clip, celery_worker_process
):
    # given
    owner = OrganiserFactory()
    clip = make_clip("workshop.mp4")
    # when: the command runs as its own process, like an organiser's shell
    result = celery_worker_process.manage(
        "import_video", str(clip), "--wait", "--timeout", "180", "--json", "--owner", owner.email
    )
    # then
    assert result.returncode == 0, result.stderr
    (line,) = [json.loads(text) for text in result.stdout.splitlines()]
    asset = MediaAsset.objects.get(pk=line["asset"])
    assert (line["status"], asset.status, asset.processing_task_id.startswith("import-")) == (
        "ready",
        MediaAsset.Status.READY,
        False,
    )
    assert line["master"] == asset.master_playlist_key
    assert [r["height"] for r in line["renditions"]] == [360]
    assert f"{clip}: ready 100%" in result.stderr
