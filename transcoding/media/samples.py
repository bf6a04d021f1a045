"""Generated test videos: ffmpeg's test pattern (lavfi ``testsrc2``) and a sine tone.

For tests, demo data and benchmarks; no file is needed from anywhere. Every option maps
to something the pipeline must cope with: codec, pixel format, rotation, frame rate,
variable frame rate, odd sizes, no sound, and source metadata such as a GPS location.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import ffmpeg

from transcoding.media import sandbox
from transcoding.media.errors import MediaProcessingError

MIB = 1024**2

_FAST = {
    "libx264": {"preset": "ultrafast"},
    "libx265": {"preset": "ultrafast", "x265-params": "log-level=error", "tag:v": "hvc1"},
    "libvpx-vp9": {"deadline": "realtime", "cpu-used": 8, "b:v": "300k"},
    "libvpx": {"deadline": "realtime", "cpu-used": 8, "b:v": "300k"},
}


def _audio_codec(path: Path) -> str:
    return "libopus" if path.suffix.lower() == ".webm" else "aac"


def _run(
    stream: ffmpeg.nodes.OutputStream,
    output: Path,
    seconds: float,
    metadata: Mapping[str, str] | None = None,
) -> None:
    args = ffmpeg.compile(
        stream.global_args("-hide_banner", "-nostdin", "-loglevel", "error"),
        cmd=sandbox.binary("ffmpeg"),
        overwrite_output=True,
    )
    if metadata:  # ffmpeg-python 0.2 cannot repeat an option: insert before the output name
        tags = [arg for key, value in metadata.items() for arg in ("-metadata", f"{key}={value}")]
        at = args.index(str(output))
        args[at:at] = tags
    limits = sandbox.ProcessLimits(
        wall_seconds=120 + 20 * seconds,
        cpu_seconds=int(240 + 40 * seconds),
        memory_bytes=4096 * MIB,
        file_size_bytes=1024 * MIB,
    )
    completed = sandbox.run(args, limits=limits)
    if completed.returncode != 0:
        raise MediaProcessingError(f"making a sample failed: {completed.stderr_tail[-2000:]}")


def make_sample_video(
    path: Path | str,
    *,
    seconds: float,
    width: int,
    height: int,
    fps: float = 25,
    audio: bool = True,
    video_codec: str = "libx264",
    pix_fmt: str = "yuv420p",
    rotation: int = 0,
    variable_frame_rate: bool = False,
    metadata: Mapping[str, str] | None = None,
    faststart: bool = False,
) -> Path:
    """Write a ``seconds``-long test pattern of ``width``x``height`` (as stored, before
    ``rotation``) to ``path``; the container follows the suffix (.mp4, .mov, .mkv,
    .webm, .ts, .avi).

    ``rotation`` (90/180/270, MP4/MOV only) is stored as display rotation, like a phone
    filming upright. ``metadata`` becomes container tags (e.g. ``location``,
    ``com.apple.quicktime.make``). Without ``faststart`` the moov box is at the end,
    as most encoders leave it.
    """
    path = Path(path)
    video = ffmpeg.input(
        f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}", f="lavfi"
    ).video
    if variable_frame_rate:  # drop an irregular pattern of frames
        video = video.filter("select", "not(eq(mod(n,5),1))*not(eq(mod(n,7),3))")
    streams = [video.filter("scale", width, height).filter("format", pix_fmt)]
    options: dict[str, object] = {"vcodec": video_codec, **_FAST.get(video_codec, {})}
    if audio:
        tone = ffmpeg.input(
            f"sine=frequency=440:sample_rate=48000:duration={seconds}", f="lavfi"
        ).audio
        streams.append(tone)
        options.update({"acodec": _audio_codec(path), "ac": 2, "b:a": "64k"})
    if variable_frame_rate:
        options["fps_mode"] = "vfr"
    movflags = []
    if faststart:
        movflags.append("+faststart")
    if metadata:
        movflags.append("+use_metadata_tags")
    if movflags and path.suffix.lower() in {".mp4", ".mov", ".m4v", ".3gp"}:
        options["movflags"] = "".join(movflags)
    if not rotation:
        _run(ffmpeg.output(*streams, str(path), **options), path, seconds, metadata)
        return path
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / f"plain{path.suffix}"
        _run(ffmpeg.output(*streams, str(plain), **options), plain, seconds, metadata)
        # ffmpeg 5 stores the rotate tag as a display matrix only when copying streams.
        rotated_path = Path(work) / f"rotated{path.suffix}"
        rotated = ffmpeg.input(str(plain)).output(
            str(rotated_path),
            c="copy",
            map=0,
            **{"metadata:s:v:0": f"rotate={rotation}"},
            **({"movflags": options["movflags"]} if "movflags" in options else {}),
        )
        _run(rotated, rotated_path, seconds)
        shutil.move(str(rotated_path), path)
    return path
