"""One probed source -> HLS renditions (H.264 + AAC in fMP4 segments), a master
playlist, a poster and a thumbnail, in a local folder.

One ffmpeg process decodes the source once, turns it into constant frame rate 8-bit
4:2:0 standing the right way up, splits it and encodes every rung with the same fixed
keyframe interval, so segments line up across renditions and players can switch
cleanly. No source metadata (GPS location, device, creation time, chapters) reaches
the outputs.
"""

from __future__ import annotations

import logging
import math
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import ffmpeg
from django.utils.translation import gettext_lazy as _

from transcoding import playlists
from transcoding.media import sandbox
from transcoding.media.errors import MediaProcessingError, MediaRejected
from transcoding.media.ladder import Rung
from transcoding.media.probe import FORMAT_WHITELIST, MESSAGES, ProbeResult

logger = logging.getLogger(__name__)

MIB = 1024**2
SEGMENT_SECONDS = 4
KEYFRAME_SECONDS = 2
MAX_OUTPUT_FRAME_RATE = 60
DEFAULT_FRAME_RATE = Fraction(30)
AAC_LC = "mp4a.40.2"
MASTER_PLAYLIST = "master.m3u8"
POSTER = "poster.jpg"
THUMBNAIL = "thumbnail.jpg"
POSTER_LONG_SIDE = 1280
THUMBNAIL_LONG_SIDE = 320
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
}
_TRANSIENT = ("No space left on device", "Cannot allocate memory", "Resource temporarily")
# Outputs written on a filesystem left with less room than this are not to be trusted:
# ffmpeg's HLS muxer may carry on after a failed write and exit 0, leaving short or empty
# playlists that would otherwise look like a damaged video.
MIN_FREE_BYTES = MIB

ProgressCallback = Callable[[float], None]


@dataclass(frozen=True)
class OutputFile:
    """A file ffmpeg wrote, relative to the output folder, with its HTTP content type."""

    relative_path: str
    content_type: str


@dataclass(frozen=True)
class RenditionOutput:
    name: str
    width: int
    height: int
    bandwidth: int  # peak segment bit rate, bits/s (HLS BANDWIDTH)
    average_bandwidth: int
    codecs: str  # e.g. "avc1.64001f,mp4a.40.2"
    frame_rate: float
    playlist: str  # relative path of its media playlist


@dataclass(frozen=True)
class TranscodeOutput:
    """Everything written to the output folder; paths are relative to it."""

    files: list[OutputFile]
    renditions: list[RenditionOutput]
    master_playlist: str
    poster: str | None
    thumbnail: str | None


def _memory_bytes() -> int:
    return int(sandbox.setting("TRANSCODING_FFMPEG_MEMORY_MB", 4096)) * MIB


def limits_for(source: ProbeResult) -> sandbox.ProcessLimits:
    """Limits for transcoding ``source``: time scales with its length and picture size."""
    seconds = max(source.duration_s, 1.0)
    size = max(source.width * source.height / (1280 * 720), 1.0)
    per_second = float(sandbox.setting("TRANSCODING_CPU_SECONDS_PER_SECOND", 12))
    return sandbox.ProcessLimits(
        wall_seconds=120 + seconds * per_second * size / 2,
        cpu_seconds=int(120 + seconds * per_second * size),
        memory_bytes=_memory_bytes(),
        file_size_bytes=2048 * MIB,
    )


def output_frame_rate(source: ProbeResult) -> Fraction:
    """The constant frame rate of every rendition: the source's average, halved until it
    is at most 60 (120 -> 60, 50 -> 50, 29.97 -> 30000/1001)."""
    if source.frame_rate <= 0:
        return DEFAULT_FRAME_RATE
    rate = Fraction(source.frame_rate).limit_denominator(1001)
    while rate > MAX_OUTPUT_FRAME_RATE:
        rate /= 2
    return rate


def _input(source: ProbeResult, path: Path, **options: object) -> ffmpeg.nodes.FilterableStream:
    """The source as an ffmpeg input: local file only, the probed demuxer forced."""
    return ffmpeg.input(
        sandbox.input_url(path),
        f=source.demuxer,
        protocol_whitelist="file",
        format_whitelist=FORMAT_WHITELIST,
        **options,
    )


def _encoder_options(rung: Rung, rate: Fraction, *, audio: bool) -> dict[str, object]:
    gop = max(1, round(rate * KEYFRAME_SECONDS))
    options: dict[str, object] = {
        "format": "hls",
        "vcodec": "libx264",
        "preset": sandbox.setting("TRANSCODING_X264_PRESET", "veryfast"),
        "profile:v": "high",
        "pix_fmt": "yuv420p",
        "b:v": f"{rung.video_kbps}k",
        "maxrate": f"{round(rung.video_kbps * 1.5)}k",
        "bufsize": f"{rung.video_kbps * 2}k",
        "g": gop,
        "keyint_min": gop,
        "sc_threshold": 0,
        "force_key_frames": f"expr:gte(t,n_forced*{KEYFRAME_SECONDS})",
        "hls_time": SEGMENT_SECONDS,
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "hls_fmp4_init_filename": "init.mp4",
        "hls_segment_filename": f"{rung.name}/seg_%05d.m4s",
        "hls_flags": "independent_segments",
        "map_metadata": -1,
        "map_chapters": -1,
        "max_muxing_queue_size": 4096,
    }
    if audio:
        options.update({"acodec": "aac", "b:a": f"{rung.audio_kbps}k", "ac": 2})
    return options


def build_command(
    source: ProbeResult, path: Path, rungs: Sequence[Rung], rate: Fraction
) -> list[str]:
    """The one ffmpeg command writing every rung (run it in the output folder)."""
    inp = _input(source, path)
    video = inp[str(source.video_stream)].filter("fps", fps=str(rate))
    videos = video.filter_multi_output("split", len(rungs))
    audios = None
    if source.has_audio:
        audio = inp[str(source.audio_stream)].filter(
            "aresample", 48000, **{"async": 1, "first_pts": 0}
        )
        audios = audio.filter_multi_output("asplit", len(rungs))
    outputs = []
    for index, rung in enumerate(rungs):
        picture = (
            videos[index]
            .filter("scale", rung.width, rung.height)
            .filter("setsar", "1")
            .filter("format", "yuv420p")
        )
        streams = [picture] if audios is None else [picture, audios[index]]
        outputs.append(
            ffmpeg.output(
                *streams,
                f"{rung.name}/index.m3u8",
                **_encoder_options(rung, rate, audio=audios is not None),
            )
        )
    command = ffmpeg.merge_outputs(*outputs).global_args(
        "-hide_banner", "-nostdin", "-loglevel", "error", "-nostats", "-progress", "pipe:1"
    )
    return ffmpeg.compile(command, cmd=sandbox.binary("ffmpeg"), overwrite_output=True)


class _Progress:
    """Reads ffmpeg's ``-progress`` lines and reports the fraction done, rising only."""

    def __init__(self, duration_s: float, on_progress: ProgressCallback | None) -> None:
        self._duration_us = max(duration_s, 0.001) * 1_000_000
        self._on_progress = on_progress
        self.last = 0.0

    def __call__(self, line: str) -> None:
        key, _sep, value = line.partition("=")
        if key != "out_time_us" or self._on_progress is None:
            return
        try:
            fraction = min(max(int(value) / self._duration_us, 0.0), 1.0)
        except ValueError:  # "N/A" before the first frame
            return
        if fraction > self.last:
            self.last = fraction
            self._on_progress(fraction)


def _raise_for(completed: sandbox.Completed, what: str) -> None:
    if completed.returncode == 0:
        return
    logger.warning("ffmpeg (%s) failed: %s", what, completed.stderr_tail[-4000:])
    if completed.limit_hit == "cpu":
        raise MediaRejected(
            "too_demanding",
            _(
                "This video needs far too much work to convert, so we stopped. Try exporting "
                "it again at a normal size and frame rate (for example 1080p, 30 fps)."
            ),
        )
    if completed.limit_hit == "file_size":
        raise MediaRejected("too_demanding", MESSAGES["unreadable"])
    if completed.limit_hit in {"time", "killed"} or any(
        t in completed.stderr_tail for t in _TRANSIENT
    ):
        raise MediaProcessingError(f"ffmpeg ({what}) stopped: {completed.limit_hit or 'error'}")
    raise MediaRejected("unreadable", MESSAGES["unreadable"])


def disk_full(folder: Path) -> bool:
    """Whether the filesystem of ``folder`` has (almost) no room left."""
    try:
        return shutil.disk_usage(folder).free < MIN_FREE_BYTES
    except OSError:
        return False


def avc_codec_string(init_segment: Path) -> str:
    """The RFC 6381 ``avc1.PPCCLL`` string read from an init segment's avcC box."""
    data = init_segment.read_bytes()
    at = data.find(b"avcC")
    if at < 0 or len(data) < at + 8:
        raise MediaProcessingError(f"no avcC box in {init_segment}")
    profile, constraints, level = data[at + 5], data[at + 6], data[at + 7]
    return f"avc1.{profile:02x}{constraints:02x}{level:02x}"


def _bandwidths(folder: Path, segments: list[tuple[float, str]]) -> tuple[int, int]:
    """(peak, average) bits per second over the segments (the init segment counted once)."""
    sizes = [(duration, (folder / uri).stat().st_size) for duration, uri in segments]
    total_seconds = sum(duration for duration, _size in sizes) or 1.0
    average = sum(size for _duration, size in sizes) * 8 / total_seconds
    full = [(d, s) for d, s in sizes if d >= 1.0] or sizes
    peak = max(size * 8 / max(duration, 0.001) for duration, size in full)
    init = (folder / "init.mp4").stat().st_size * 8 / total_seconds
    return math.ceil(max(peak, average) + init), math.ceil(average + init)


def _rendition(out_dir: Path, rung: Rung, rate: Fraction, *, audio: bool) -> RenditionOutput:
    folder = out_dir / rung.name
    playlist = folder / "index.m3u8"
    if not playlist.exists():
        raise MediaRejected("unreadable", MESSAGES["unreadable"])
    segments = playlists.media_segments(playlist.read_text())
    if not segments or not (folder / "init.mp4").exists():
        raise MediaRejected("no_frames", MESSAGES["unreadable"])
    codecs = avc_codec_string(folder / "init.mp4") + (f",{AAC_LC}" if audio else "")
    peak, average = _bandwidths(folder, segments)
    return RenditionOutput(
        name=rung.name,
        width=rung.width,
        height=rung.height,
        bandwidth=peak,
        average_bandwidth=average,
        codecs=codecs,
        frame_rate=round(float(rate), 3),
        playlist=f"{rung.name}/index.m3u8",
    )


# A file whose pictures end this much before the length its container declares is cut
# off (an upload that stopped, a copy that did not finish): more than a second, and more
# than a tenth of the video, so a clip whose sound runs on a little is not refused.
MISSING_SECONDS = 1.0
MISSING_SHARE = 0.1


def _check_complete(out_dir: Path, rung: Rung, source: ProbeResult) -> None:
    """Refuse a video of which only a part could be decoded, although its index promised
    more: ffmpeg stops at the end of the data without an error."""
    segments = playlists.media_segments((out_dir / rung.name / "index.m3u8").read_text())
    decoded = sum(duration for duration, _uri in segments)
    missing = source.duration_s - decoded
    if missing > max(MISSING_SECONDS, MISSING_SHARE * source.duration_s):
        logger.info("truncated: %.2fs decoded of %.2fs declared", decoded, source.duration_s)
        raise MediaRejected("truncated", MESSAGES["truncated"])


def _fit(source: ProbeResult, long_side: int) -> tuple[int, int]:
    scale = min(long_side / source.long_side, 1.0)
    return (
        max(2, round(source.width * scale / 2) * 2),
        max(2, round(source.height * scale / 2) * 2),
    )


def make_stills(source: ProbeResult, path: Path, out_dir: Path) -> tuple[str | None, str | None]:
    """A poster (JPEG, up to 1280 px) and a thumbnail (up to 320 px) from a frame a little
    way in; (None, None) when no frame can be had (the video itself is still usable)."""
    for seek in (min(source.duration_s * 0.1, 5.0), 0.0):
        stream = _input(source, path, ss=f"{seek:.3f}")[str(source.video_stream)]
        pictures = stream.filter_multi_output("split", 2)
        outputs = []
        for index, (name, long_side) in enumerate(
            ((POSTER, POSTER_LONG_SIDE), (THUMBNAIL, THUMBNAIL_LONG_SIDE))
        ):
            width, height = _fit(source, long_side)
            picture = (
                pictures[index]
                .filter("scale", width, height)
                .filter("setsar", "1")
                .filter("format", "yuvj420p")
            )
            outputs.append(
                ffmpeg.output(
                    picture,
                    name,
                    format="image2",
                    vcodec="mjpeg",
                    update=1,
                    map_metadata=-1,
                    **{"frames:v": 1, "q:v": 3},
                )
            )
        args = ffmpeg.compile(
            ffmpeg.merge_outputs(*outputs).global_args(
                "-hide_banner", "-nostdin", "-loglevel", "error"
            ),
            cmd=sandbox.binary("ffmpeg"),
            overwrite_output=True,
        )
        limits = sandbox.ProcessLimits(
            wall_seconds=60, cpu_seconds=40, memory_bytes=_memory_bytes(), file_size_bytes=64 * MIB
        )
        completed = sandbox.run(args, limits=limits, cwd=out_dir)
        if completed.returncode == 0 and all(
            (out_dir / name).is_file() and (out_dir / name).stat().st_size
            for name in (POSTER, THUMBNAIL)
        ):
            return POSTER, THUMBNAIL
        logger.info("no still at %.1fs: %s", seek, completed.stderr_tail[-1000:])
    return None, None


def _files(out_dir: Path) -> list[OutputFile]:
    return [
        OutputFile(
            relative_path=path.relative_to(out_dir).as_posix(),
            content_type=CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"),
        )
        for path in sorted(out_dir.rglob("*"))
        if path.is_file()
    ]


def transcode(
    source: Path,
    out_dir: Path,
    *,
    probe: ProbeResult,
    rungs: Sequence[Rung],
    limits: sandbox.ProcessLimits,
    on_progress: ProgressCallback | None = None,
) -> TranscodeOutput:
    """Write the HLS renditions of ``rungs``, ``master.m3u8``, ``poster.jpg`` and
    ``thumbnail.jpg`` into ``out_dir`` (which should be empty).

    ``on_progress(fraction)`` is called with rising values from 0 to 1. Raises
    MediaRejected when the file turns out to be undecodable, MediaProcessingError when
    ffmpeg failed for reasons of its own or the disk of ``out_dir`` filled up (worth a
    retry, never the file's fault).
    """
    if not rungs:
        raise ValueError("transcode() needs at least one rung")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for rung in rungs:
        (out_dir / rung.name).mkdir(exist_ok=True)
    rate = output_frame_rate(probe)
    progress = _Progress(probe.duration_s, on_progress)
    command = build_command(probe, Path(source), rungs, rate)
    completed = sandbox.run(command, limits=limits, on_line=progress, cwd=out_dir)
    try:
        _raise_for(completed, "renditions")
        renditions = [_rendition(out_dir, rung, rate, audio=probe.has_audio) for rung in rungs]
        _check_complete(out_dir, rungs[0], probe)
    except MediaRejected as exc:
        if disk_full(out_dir):  # not the file's fault: the scratch disk is full
            raise MediaProcessingError(f"the scratch disk is full ({exc.code})") from exc
        raise
    master = playlists.master_playlist(
        [
            playlists.Variant(
                uri=r.playlist,
                bandwidth=r.bandwidth,
                average_bandwidth=r.average_bandwidth,
                width=r.width,
                height=r.height,
                codecs=r.codecs,
                frame_rate=r.frame_rate,
            )
            for r in renditions
        ]
    )
    (out_dir / MASTER_PLAYLIST).write_text(master)
    poster, thumbnail = make_stills(probe, Path(source), out_dir)
    if disk_full(out_dir):  # a still or a segment may be missing or cut short
        raise MediaProcessingError("the scratch disk is full")
    if on_progress is not None:
        on_progress(1.0)
    return TranscodeOutput(
        files=_files(out_dir),
        renditions=renditions,
        master_playlist=MASTER_PLAYLIST,
        poster=poster,
        thumbnail=thumbnail,
    )
