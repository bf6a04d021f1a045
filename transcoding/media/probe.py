"""Looking inside an uploaded file with ffprobe, and refusing what we will not transcode.

``probe()`` answers in seconds whatever the file is: it reads only the container's
headers under a time limit, accepts only allow-listed demuxers (so playlists, concat
scripts, images and text never get opened as media) and checks every limit before a
transcode could start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from transcoding.media import sandbox
from transcoding.media.errors import MediaProcessingError, MediaRejected

MIB = 1024**2

# ffprobe's demuxer name -> the name to force with ``-f`` when transcoding.
ALLOWED_FORMATS = {
    "mov": "mov",  # MP4, MOV, M4V, 3GP
    "matroska": "matroska",  # MKV and WebM
    "avi": "avi",
    "mpegts": "mpegts",
}
FORMAT_WHITELIST = ",".join(ALLOWED_FORMATS)
# Codecs that are normally a single picture: a "video" made of one of these with one
# frame is a photo.
IMAGE_CODECS = frozenset(
    {"png", "mjpeg", "jpeg2000", "jpegls", "bmp", "gif", "webp", "tiff", "apng", "ppm", "targa"}
)
MIN_DURATION_S = 0.3
DURATION_TOLERANCE_S = 0.5

MESSAGES = {
    "empty": _("This file is empty. Please try uploading your video again."),
    "unsupported_format": _(
        "This file isn't a video we can read. Please upload an MP4, MOV, WebM, MKV or AVI video."
    ),
    "unreadable": _(
        "We couldn't read this video. It may be damaged or only partly uploaded. Try saving "
        "it again from your phone or editing app and upload it once more."
    ),
    "no_video": _(
        "This file has no moving picture in it (maybe it's only sound). Please upload a video."
    ),
    "still_image": _("This looks like a photo, not a video. Please upload a video."),
    "too_short": _("This video is too short. It needs to be at least half a second long."),
    "truncated": _(
        "Only part of this video arrived: it stops long before its end. Please upload it "
        "again, and keep the page open until the upload is finished."
    ),
    "too_slow_to_read": _(
        "This file takes far too long to open, so we stopped. Try saving it again from your "
        "phone or editing app and upload it once more."
    ),
}


def _default(name: str, fallback: Any) -> Any:
    return sandbox.setting(name, fallback)


@dataclass(frozen=True)
class ProbeLimits:
    """What a video may be. Only the length usually varies (per challenge); the rest
    comes from the settings."""

    max_duration_s: float
    max_long_side: int = field(default_factory=lambda: _default("TRANSCODING_MAX_DIMENSION", 4096))
    min_short_side: int = 16
    max_frame_rate: float = field(
        default_factory=lambda: _default("TRANSCODING_MAX_FRAME_RATE", 120)
    )
    timeout_s: float = 30.0


@dataclass(frozen=True)
class ProbeResult:
    """What ffprobe found. ``width``/``height`` are as displayed (rotation and pixel
    aspect applied): a phone's portrait video has height > width."""

    path: Path
    format_name: str
    demuxer: str
    duration_s: float
    width: int
    height: int
    coded_width: int
    coded_height: int
    rotation: int
    frame_rate: float
    video_codec: str
    pix_fmt: str
    video_stream: int
    audio_stream: int | None
    audio_codec: str
    size_bytes: int

    @property
    def has_audio(self) -> bool:
        return self.audio_stream is not None

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)

    @property
    def long_side(self) -> int:
        return max(self.width, self.height)

    @property
    def is_portrait(self) -> bool:
        return self.height > self.width


_MP4_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot"}


def looks_like_video(path: Path) -> bool:
    """Whether the file starts like one of the allowed containers (to tell a damaged
    video from something that never was one, when ffprobe can't open either)."""
    with Path(path).open("rb") as handle:
        head = handle.read(400)
    return (
        head[4:8] in _MP4_BOXES
        or head.startswith(b"\x1a\x45\xdf\xa3")  # Matroska/WebM (EBML)
        or (head.startswith(b"RIFF") and head[8:11] == b"AVI")
        or (len(head) > 376 and head[0] == head[188] == head[376] == 0x47)  # MPEG-TS
    )


def run_ffprobe(path: Path, *, timeout_s: float = 30.0) -> dict[str, Any]:
    """ffprobe's JSON about ``path`` (format and streams), under the sandbox's limits."""
    args = [
        sandbox.binary("ffprobe"),
        "-hide_banner",
        "-v", "error",
        "-protocol_whitelist", "file",
        "-format_whitelist", FORMAT_WHITELIST,
        "-print_format", "json",
        "-show_format",
        "-show_streams",
        sandbox.input_url(path),
    ]  # fmt: skip
    limits = sandbox.ProcessLimits(
        wall_seconds=timeout_s,
        cpu_seconds=max(int(timeout_s * 2 / 3), 1),
        memory_bytes=2048 * MIB,
        file_size_bytes=MIB,
    )
    completed = sandbox.run(args, limits=limits)
    if completed.limit_hit == "cpu":
        raise MediaRejected("too_slow_to_read", MESSAGES["too_slow_to_read"])
    if completed.limit_hit:
        raise MediaProcessingError(f"ffprobe stopped by the {completed.limit_hit} limit")
    if completed.returncode != 0:
        if "not on whitelist" in completed.stderr_tail or not looks_like_video(path):
            raise MediaRejected("unsupported_format", MESSAGES["unsupported_format"])
        raise MediaRejected("unreadable", MESSAGES["unreadable"])
    try:
        data = json.loads(completed.stdout)
    except ValueError:
        raise MediaRejected("unreadable", MESSAGES["unreadable"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("format"), dict):
        raise MediaRejected("unreadable", MESSAGES["unreadable"])
    return data


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def _rate(value: Any) -> float | None:
    try:
        rate = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None
    return float(rate) if 0 < rate < 10_000 else None


def _rotation(stream: dict[str, Any]) -> int:
    """Degrees (0, 90, 180, 270) the picture must turn to stand the right way up."""
    degrees = None
    for side_data in stream.get("side_data_list") or []:
        if isinstance(side_data, dict) and _number(side_data.get("rotation")) is not None:
            degrees = _number(side_data.get("rotation"))
    if degrees is None:
        degrees = _number((stream.get("tags") or {}).get("rotate")) or 0.0
    return round(degrees / 90.0) % 4 * 90


def _display_size(stream: dict[str, Any], rotation: int) -> tuple[int, int]:
    width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
    try:
        sar = Fraction(str(stream.get("sample_aspect_ratio") or "1:1").replace(":", "/"))
    except (ValueError, ZeroDivisionError):
        sar = Fraction(1)
    if 0 < sar < 10 and sar != 1:
        width = round(width * sar)
    return (height, width) if rotation in (90, 270) else (width, height)


def _is_picture(stream: dict[str, Any], duration_s: float) -> bool:
    if (stream.get("disposition") or {}).get("attached_pic"):
        return True
    frames = _number(stream.get("nb_frames"))
    if frames is not None and frames <= 1:
        return True
    return stream.get("codec_name") in IMAGE_CODECS and frames is None and duration_s < 1.0


def _video_stream(streams: list[dict[str, Any]]) -> dict[str, Any] | None:
    videos = [
        s
        for s in streams
        if s.get("codec_type") == "video" and int(s.get("width") or 0) > 0 and s.get("codec_name")
    ]
    moving = [s for s in videos if not (s.get("disposition") or {}).get("attached_pic")]
    return (moving or videos or [None])[0]


def _audio_stream(streams: list[dict[str, Any]]) -> dict[str, Any] | None:
    for stream in streams:
        if (
            stream.get("codec_type") == "audio"
            and stream.get("codec_name")
            and int(stream.get("channels") or 0) > 0
        ):
            return stream
    return None


def _demuxer(format_name: str) -> str | None:
    names = set(format_name.split(","))
    for allowed, forced in ALLOWED_FORMATS.items():
        if allowed in names:
            return forced
    return None


def _minutes(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}:{seconds % 60:02d}"


def probe(path: Path, *, limits: ProbeLimits) -> ProbeResult:
    """Describe the video at ``path`` or raise MediaRejected saying, in plain words, why
    we won't process it. Raises MediaProcessingError when ffprobe itself misbehaved."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise MediaRejected("empty", MESSAGES["empty"])
    data = run_ffprobe(path, timeout_s=limits.timeout_s)
    fmt = data["format"]
    demuxer = _demuxer(str(fmt.get("format_name") or ""))
    if demuxer is None:
        raise MediaRejected("unsupported_format", MESSAGES["unsupported_format"])
    streams = [s for s in data.get("streams") or [] if isinstance(s, dict)]
    video = _video_stream(streams)
    if video is None:
        raise MediaRejected("no_video", MESSAGES["no_video"])
    rotation = _rotation(video)
    width, height = _display_size(video, rotation)
    if max(width, height) > limits.max_long_side:
        raise MediaRejected(
            "too_large",
            _(
                "This video's picture is too big (%(width)sx%(height)s pixels). Please export "
                "it with at most %(limit)s pixels on the long side, for example 1920x1080."
            )
            % {"width": width, "height": height, "limit": limits.max_long_side},
        )
    if min(width, height) < limits.min_short_side:
        raise MediaRejected(
            "too_small",
            _("This video's picture is too small (%(width)sx%(height)s pixels).")
            % {"width": width, "height": height},
        )
    frame_rate = _rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")) or 0.0
    if frame_rate > limits.max_frame_rate:
        raise MediaRejected(
            "frame_rate",
            _(
                "This video has too many frames per second (%(rate)s). Please export it "
                "with at most %(limit)s frames per second."
            )
            % {"rate": round(frame_rate), "limit": round(limits.max_frame_rate)},
        )
    duration = _number(fmt.get("duration")) or _number(video.get("duration")) or 0.0
    if duration > limits.max_duration_s + DURATION_TOLERANCE_S:
        raise MediaRejected(
            "too_long",
            _(
                "This video is %(length)s minutes long, but videos here can be at most "
                "%(limit)s minutes. Please shorten it and upload it again."
            )
            % {"length": _minutes(duration), "limit": _minutes(limits.max_duration_s)},
        )
    if _is_picture(video, duration):
        raise MediaRejected("still_image", MESSAGES["still_image"])
    if duration < MIN_DURATION_S:
        raise MediaRejected("too_short", MESSAGES["too_short"])
    audio = _audio_stream(streams)
    return ProbeResult(
        path=path,
        format_name=str(fmt.get("format_name")),
        demuxer=demuxer,
        duration_s=duration,
        width=width,
        height=height,
        coded_width=int(video["width"]),
        coded_height=int(video["height"]),
        rotation=rotation,
        frame_rate=frame_rate,
        video_codec=str(video.get("codec_name")),
        pix_fmt=str(video.get("pix_fmt") or ""),
        video_stream=int(video.get("index", 0)),
        audio_stream=int(audio.get("index", 0)) if audio else None,
        audio_codec=str(audio.get("codec_name")) if audio else "",
        size_bytes=size,
    )
