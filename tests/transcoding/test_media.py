"""transcoding.media on real generated videos and the real ffmpeg: probe, ladder, transcode,
the sandbox. Clips are tiny (a few seconds, small frames) to keep the suite quick."""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.transcoding import outputs
from transcoding import playlists
from transcoding.media import errors, ladder, pipeline, probe, samples, sandbox, transcode

LIMITS = probe.ProbeLimits(max_duration_s=60)
LOCATION = "+52.5200+013.4000/"
SOURCE_METADATA = {
    "location": LOCATION,
    "com.apple.quicktime.make": "Apple",
    "com.apple.quicktime.model": "iPhone 15",
    "creation_time": "2024-05-01T10:00:00.000000Z",
}


def _encoders() -> str:
    return subprocess.run(
        [sandbox.binary("ffmpeg"), "-hide_banner", "-encoders"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def needs_encoder(name: str):
    return pytest.mark.skipif(
        f" {name} " not in _encoders(), reason=f"this ffmpeg has no {name} encoder"
    )


@dataclasses.dataclass
class Transcoded:
    source: Path
    probe: probe.ProbeResult
    output: transcode.TranscodeOutput
    out_dir: Path
    progress: list[float]

    def joined(self, rendition: str = "") -> Path:
        name = rendition or self.output.renditions[0].name
        return outputs.joined_rendition(
            self.out_dir / name, self.out_dir.parent / f"{self.out_dir.name}-{name}.mp4"
        )


def _transcode(folder: Path, name: str, **sample_options) -> Transcoded:
    source = samples.make_sample_video(folder / name, **sample_options)
    out_dir = folder / f"out-{Path(name).stem}"
    progress: list[float] = []
    result, output = pipeline.probe_and_transcode(
        source, out_dir, max_duration_s=LIMITS.max_duration_s, on_progress=progress.append
    )
    return Transcoded(source, result, output, out_dir, progress)


@pytest.fixture(scope="module")
def hd_clip(tmp_path_factory) -> Transcoded:
    """6 s of 1280x720 with a phone's metadata: two rungs (360p and 720p)."""
    folder = tmp_path_factory.mktemp("hd")
    return _transcode(
        folder, "phone.mov", seconds=6, width=1280, height=720, metadata=SOURCE_METADATA
    )


# --- The ladder (pure) ---


def _probed(width: int, height: int, **changes) -> probe.ProbeResult:
    plain = probe.ProbeResult(
        path=Path("source"),
        format_name="mov,mp4,m4a,3gp,3g2,mj2",
        demuxer="mov",
        duration_s=10.0,
        width=width,
        height=height,
        coded_width=width,
        coded_height=height,
        rotation=0,
        frame_rate=30.0,
        video_codec="h264",
        pix_fmt="yuv420p",
        video_stream=0,
        audio_stream=1,
        audio_codec="aac",
        size_bytes=1000,
    )
    return dataclasses.replace(plain, **changes)


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (3840, 2160, [(640, 360), (1280, 720), (1920, 1080)]),
        (1920, 1080, [(640, 360), (1280, 720), (1920, 1080)]),
        (1280, 720, [(640, 360), (1280, 720)]),
        (854, 480, [(640, 360)]),
        (1080, 1920, [(360, 640), (720, 1280), (1080, 1920)]),
        (160, 120, [(160, 120)]),
        (321, 241, [(320, 240)]),
    ],
)
def test_ladder_has_the_rungs_at_or_below_the_short_side(width, height, expected):
    # when
    rungs = ladder.rungs_for(_probed(width, height))
    # then
    assert [(r.width, r.height) for r in rungs] == expected


def test_ladder_spends_more_bits_on_high_frame_rates_and_none_on_missing_sound():
    # given
    normal, fast = _probed(1280, 720), _probed(1280, 720, frame_rate=60.0)
    silent = dataclasses.replace(normal, audio_stream=None)
    # when
    normal_rungs, fast_rungs = ladder.rungs_for(normal), ladder.rungs_for(fast)
    # then
    faster = zip(normal_rungs, fast_rungs, strict=True)
    assert [f.video_kbps > n.video_kbps for n, f in faster] == [True, True]
    assert {r.audio_kbps for r in ladder.rungs_for(silent)} == {0}


@hypothesis_settings(max_examples=200, deadline=None)
@given(width=st.integers(16, 4096), height=st.integers(16, 4096))
def test_every_rung_is_even_no_larger_than_the_source_and_keeps_its_shape(width, height):
    # given
    source = _probed(width, height)
    # when
    rungs = ladder.rungs_for(source)
    # then
    assert rungs
    for rung in rungs:
        assert rung.width % 2 == 0 and rung.height % 2 == 0
        assert rung.short_side <= max(source.short_side, 2)
        assert (rung.width >= rung.height) == (width >= height) or rung.width == rung.height
        exact_long = rung.short_side * max(width, height) / min(width, height)
        assert abs(max(rung.width, rung.height) - exact_long) <= 2


# --- Probe ---


@pytest.mark.slow
def test_probe_reports_a_portrait_phone_video_as_portrait(tmp_path):
    # given: stored 320x240 with a 90° display rotation, as phones film upright
    source = samples.make_sample_video(
        tmp_path / "upright.mp4", seconds=1, width=320, height=240, rotation=90
    )
    # when
    result = probe.probe(source, limits=LIMITS)
    # then
    assert (result.width, result.height, result.rotation % 180) == (240, 320, 90)
    assert (result.coded_width, result.coded_height, result.is_portrait) == (320, 240, True)


@pytest.mark.slow
def test_probe_reads_codec_pixel_format_frame_rate_and_sound(tmp_path):
    # given
    source = samples.make_sample_video(
        tmp_path / "ten.mkv", seconds=1, width=320, height=240, fps=30, pix_fmt="yuv420p10le"
    )
    # when
    result = probe.probe(source, limits=LIMITS)
    # then
    assert (result.video_codec, result.pix_fmt, result.frame_rate) == ("h264", "yuv420p10le", 30)
    assert (result.demuxer, result.has_audio, round(result.duration_s)) == ("matroska", True, 1)


@pytest.mark.slow
def test_probe_refuses_a_video_longer_than_the_limit_before_any_transcode(tmp_path):
    # given
    source = samples.make_sample_video(tmp_path / "long.mp4", seconds=5, width=64, height=64)
    # when
    with pytest.raises(errors.MediaRejected) as refused:
        probe.probe(source, limits=probe.ProbeLimits(max_duration_s=3))
    # then
    assert refused.value.code == "too_long"
    assert str(refused.value.user_message) == (
        "This video is 0:05 minutes long, but videos here can be at most 0:03 minutes. "
        "Please shorten it and upload it again."
    )


# --- Transcode ---


@pytest.mark.slow
def test_master_playlist_announces_each_rendition_with_real_attributes(hd_clip):
    # given
    master = (hd_clip.out_dir / hd_clip.output.master_playlist).read_text()
    # when
    variants = playlists.stream_attributes(master)
    # then
    assert [(v["RESOLUTION"], v["URI"]) for v in variants] == [
        ("640x360", "360p/index.m3u8"),
        ("1280x720", "720p/index.m3u8"),
    ]
    for variant, rendition in zip(variants, hd_clip.output.renditions, strict=True):
        assert re.fullmatch(r"avc1\.64[0-9a-f]{4},mp4a\.40\.2", variant["CODECS"])
        assert variant["FRAME-RATE"] == "25.000"
        assert int(variant["BANDWIDTH"]) == rendition.bandwidth
        assert rendition.bandwidth >= int(variant["AVERAGE-BANDWIDTH"]) > 100_000
    assert int(variants[1]["BANDWIDTH"]) > int(variants[0]["BANDWIDTH"])


@pytest.mark.slow
def test_codecs_attribute_matches_the_encoded_profile_and_level(hd_clip, tmp_path):
    # given
    rendition = hd_clip.output.renditions[-1]
    # when
    stream = outputs.video_stream(outputs.streams_and_format(hd_clip.joined(rendition.name)))
    # then: avc1.PPCCLL, PP = 0x64 (High), LL = level * 10
    assert stream["profile"] == "High"
    assert rendition.codecs.split(",")[0] == f"avc1.6400{stream['level']:02x}"


@pytest.mark.slow
def test_renditions_have_the_same_segments_and_keyframes(hd_clip):
    # given
    names = [r.name for r in hd_clip.output.renditions]
    # when
    segments = {
        name: [
            round(duration, 2)
            for duration, _uri in playlists.media_segments(
                (hd_clip.out_dir / name / "index.m3u8").read_text()
            )
        ]
        for name in names
    }
    keyframes = {name: outputs.keyframe_times(hd_clip.joined(name)) for name in names}
    # then
    assert segments == {name: [4.0, 2.0] for name in names}
    assert {name: [round(t - k[0], 3) for t in k] for name, k in keyframes.items()} == {
        name: [0.0, 2.0, 4.0] for name in names
    }


@pytest.mark.slow
def test_progress_rises_to_one(hd_clip):
    # then
    assert hd_clip.progress == sorted(hd_clip.progress)
    assert len(hd_clip.progress) >= 2
    assert hd_clip.progress[-1] == 1.0


@pytest.mark.slow
def test_outputs_carry_no_source_metadata(hd_clip):
    # given: the source has a GPS location, the phone's make and model and when it filmed
    source_tags = outputs.all_tags(outputs.streams_and_format(hd_clip.source))
    assert source_tags["location"] == LOCATION
    assert source_tags["com.apple.quicktime.make"] == "Apple"
    assert source_tags["creation_time"] == "2024-05-01T10:00:00.000000Z"
    # when
    written = [hd_clip.joined(r.name) for r in hd_clip.output.renditions]
    written += [hd_clip.out_dir / hd_clip.output.poster, hd_clip.out_dir / hd_clip.output.thumbnail]
    tags = [outputs.all_tags(outputs.streams_and_format(path)) for path in written]
    # then
    for found in tags:
        assert set(found) & {"location", "location-eng", "creation_time"} == set()
        assert not [k for k in found if k.startswith("com.apple")]
        assert LOCATION not in found.values()


@pytest.mark.slow
def test_output_files_are_listed_with_their_content_types(hd_clip):
    # when
    files = {f.relative_path: f.content_type for f in hd_clip.output.files}
    # then
    on_disk = {
        p.relative_to(hd_clip.out_dir).as_posix() for p in hd_clip.out_dir.rglob("*") if p.is_file()
    }
    assert set(files) == on_disk
    assert files["master.m3u8"] == "application/vnd.apple.mpegurl"
    assert files["720p/init.mp4"] == "video/mp4"
    assert files["720p/seg_00000.m4s"] == "video/iso.segment"
    assert files["poster.jpg"] == files["thumbnail.jpg"] == "image/jpeg"


@pytest.mark.slow
def test_poster_and_thumbnail_are_jpeg_stills_of_the_video(hd_clip):
    # when
    poster = outputs.video_stream(outputs.streams_and_format(hd_clip.out_dir / "poster.jpg"))
    thumb = outputs.video_stream(outputs.streams_and_format(hd_clip.out_dir / "thumbnail.jpg"))
    # then
    assert (poster["codec_name"], poster["width"], poster["height"]) == ("mjpeg", 1280, 720)
    assert (thumb["codec_name"], thumb["width"], thumb["height"]) == ("mjpeg", 320, 180)


@pytest.mark.slow
def test_portrait_phone_video_stays_portrait_and_upright(tmp_path):
    # when
    done = _transcode(
        tmp_path, "upright.mp4", seconds=1, width=640, height=360, rotation=90, audio=False
    )
    # then
    stream = outputs.video_stream(outputs.streams_and_format(done.joined()))
    assert [(r.width, r.height) for r in done.output.renditions] == [(360, 640)]
    assert (stream["width"], stream["height"]) == (360, 640)
    assert [d for d in stream.get("side_data_list", []) if "rotation" in d] == []


@pytest.mark.slow
def test_odd_sized_4_4_4_video_without_sound_becomes_even_4_2_0_video_only(tmp_path):
    # when
    done = _transcode(
        tmp_path, "odd.mp4", seconds=1, width=321, height=241, pix_fmt="yuv444p", audio=False
    )
    # then
    info = outputs.streams_and_format(done.joined())
    stream = outputs.video_stream(info)
    assert (stream["width"], stream["height"], stream["pix_fmt"]) == (320, 240, "yuv420p")
    assert [s["codec_type"] for s in info["streams"]] == ["video"]
    assert re.fullmatch(r"avc1\.[0-9a-f]{6}", done.output.renditions[0].codecs)


@pytest.mark.slow
def test_ten_bit_video_becomes_eight_bit_high_profile(tmp_path):
    # when
    done = _transcode(tmp_path, "ten.mp4", seconds=1, width=320, height=240, pix_fmt="yuv420p10le")
    # then
    stream = outputs.video_stream(outputs.streams_and_format(done.joined()))
    assert (stream["pix_fmt"], stream["profile"]) == ("yuv420p", "High")


@pytest.mark.slow
def test_variable_frame_rate_video_becomes_constant_frame_rate(tmp_path):
    # given: 25 fps with an irregular pattern of frames missing
    done = _transcode(
        tmp_path, "vfr.mp4", seconds=2, width=320, height=240, variable_frame_rate=True
    )
    source_times = outputs.video_packet_times(done.source)
    gaps = {round(b - a, 3) for a, b in itertools.pairwise(source_times)}
    assert len(gaps) > 1
    # when
    times = outputs.video_packet_times(done.joined())
    # then
    step = 1 / done.output.renditions[0].frame_rate
    assert {round(b - a, 3) for a, b in itertools.pairwise(times)} == {round(step, 3)}


@pytest.mark.slow
@needs_encoder("libx265")
def test_hevc_source_is_transcoded_to_h264(tmp_path):
    # when
    done = _transcode(tmp_path, "hevc.mp4", seconds=1, width=320, height=240, video_codec="libx265")
    # then
    assert done.probe.video_codec == "hevc"
    stream = outputs.video_stream(outputs.streams_and_format(done.joined()))
    assert (stream["codec_name"], stream["width"], stream["height"]) == ("h264", 320, 240)


@pytest.mark.slow
@needs_encoder("libvpx-vp9")
def test_vp9_webm_source_is_transcoded_to_h264_and_aac(tmp_path):
    # when
    done = _transcode(
        tmp_path, "vp9.webm", seconds=1, width=320, height=240, video_codec="libvpx-vp9"
    )
    # then
    assert (done.probe.video_codec, done.probe.audio_codec) == ("vp9", "opus")
    info = outputs.streams_and_format(done.joined())
    assert [s["codec_name"] for s in info["streams"]] == ["h264", "aac"]


def test_limits_grow_with_length_and_picture_size():
    # given
    short, long = _probed(1280, 720), _probed(1280, 720, duration_s=100.0)
    big = _probed(3840, 2160)
    # when
    limits = [transcode.limits_for(p) for p in (short, long, big)]
    # then
    assert limits[0].cpu_seconds < limits[2].cpu_seconds < limits[1].cpu_seconds
    assert limits[0].wall_seconds < limits[1].wall_seconds


def _transcode_again(done: Transcoded, out_dir: Path, limits: sandbox.ProcessLimits) -> None:
    rungs = ladder.rungs_for(done.probe)
    transcode.transcode(done.source, out_dir, probe=done.probe, rungs=rungs, limits=limits)


@pytest.mark.slow
def test_a_transcode_that_burns_through_its_cpu_limit_is_refused_for_good(hd_clip, tmp_path):
    # given
    limits = sandbox.ProcessLimits(
        wall_seconds=120, cpu_seconds=1, memory_bytes=2**32, file_size_bytes=2**30
    )
    # when
    with pytest.raises(errors.MediaRejected) as refused:
        _transcode_again(hd_clip, tmp_path / "out", limits)
    # then
    assert refused.value.code == "too_demanding"


@pytest.mark.slow
def test_a_transcode_past_its_wall_clock_limit_is_worth_another_try(hd_clip, tmp_path):
    # given
    limits = sandbox.ProcessLimits(
        wall_seconds=0.5, cpu_seconds=600, memory_bytes=2**32, file_size_bytes=2**30
    )
    # when / then
    with pytest.raises(errors.MediaProcessingError, match="time"):
        _transcode_again(hd_clip, tmp_path / "out", limits)


# --- The sandbox ---


def _endless_ffmpeg(marker: str) -> list[str]:
    return [
        sandbox.binary("ffmpeg"), "-nostdin", "-loglevel", "error", "-f", "lavfi",
        "-i", f"testsrc2=size={marker}", "-c:v", "libx264", "-preset", "ultrafast",
        "-f", "null", "-",
    ]  # fmt: skip


def _running(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
def test_sandbox_kills_ffmpeg_at_the_wall_clock_limit():
    # given
    marker = "102x78"
    limits = sandbox.ProcessLimits(
        wall_seconds=1, cpu_seconds=60, memory_bytes=2**31, file_size_bytes=2**20
    )
    # when
    started = time.monotonic()
    completed = sandbox.run(_endless_ffmpeg(marker), limits=limits)
    # then
    assert (completed.timed_out, completed.limit_hit) == (True, "time")
    assert time.monotonic() - started < 10
    assert _running(marker) == []


@pytest.mark.slow
def test_sandbox_stops_ffmpeg_at_the_cpu_limit():
    # given
    limits = sandbox.ProcessLimits(
        wall_seconds=30, cpu_seconds=1, memory_bytes=2**31, file_size_bytes=2**20
    )
    # when
    completed = sandbox.run(_endless_ffmpeg("104x78"), limits=limits)
    # then
    assert (completed.timed_out, completed.limit_hit) == (False, "cpu")


@pytest.mark.slow
def test_a_kill_from_outside_before_the_cpu_limit_is_worth_another_try():
    # given: ffmpeg well within its limits, then SIGKILLed as the out-of-memory killer would
    import os
    import signal
    import threading

    from transcoding.media.transcode import _raise_for

    marker = "108x78"
    limits = sandbox.ProcessLimits(
        wall_seconds=30, cpu_seconds=60, memory_bytes=2**31, file_size_bytes=2**20
    )

    def kill_it() -> None:
        deadline = time.monotonic() + 10
        while not _running(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        for pid in _running(marker):
            os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_it)
    killer.start()
    # when
    completed = sandbox.run(_endless_ffmpeg(marker), limits=limits)
    killer.join()
    # then: not the CPU limit (that refuses the video for good) but a retry
    assert (completed.returncode, completed.limit_hit) == (-signal.SIGKILL, "killed")
    assert completed.cpu_seconds < 0.9 * completed.cpu_limit
    with pytest.raises(errors.MediaProcessingError):
        _raise_for(completed, "ladder")


@pytest.mark.slow
def test_sandbox_kills_and_reaps_ffmpeg_when_the_caller_fails():
    # given
    marker = "106x78"
    limits = sandbox.ProcessLimits(
        wall_seconds=30, cpu_seconds=60, memory_bytes=2**31, file_size_bytes=2**20
    )
    command = [*_endless_ffmpeg(marker)[:-3], "-progress", "pipe:1", "-f", "null", "-"]

    def fail(line: str) -> None:
        raise RuntimeError("the database went away")

    # when
    with pytest.raises(RuntimeError):
        sandbox.run(command, limits=limits, on_line=fail)
    # then
    assert _running(marker) == []


@pytest.mark.slow
def test_sandbox_gives_ffmpeg_a_clean_environment(monkeypatch):
    # given
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9/")
    limits = sandbox.ProcessLimits(
        wall_seconds=10, cpu_seconds=5, memory_bytes=2**30, file_size_bytes=2**20
    )
    # when
    completed = sandbox.run(["/usr/bin/env"], limits=limits)
    # then
    assert sorted(line.split("=")[0] for line in completed.stdout.splitlines()) == [
        "LC_ALL",
        "PATH",
    ]
    assert os.environ["http_proxy"] == "http://127.0.0.1:9/"
