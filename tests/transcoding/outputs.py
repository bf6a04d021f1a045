"""Looking at what the pipeline wrote, with the real ffprobe (test helpers)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

SOURCE_TAGS = ("location", "location-eng", "com.apple.quicktime.make", "creation_time")


def ffprobe(path: Path, *extra: str) -> dict:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", *extra, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(completed.stdout)


def streams_and_format(path: Path) -> dict:
    return ffprobe(path, "-show_format", "-show_streams")


def joined_rendition(folder: Path, into: Path) -> Path:
    """The init segment and every media segment of a rendition as one playable MP4."""
    segments = sorted(folder.glob("seg_*.m4s"))
    into.write_bytes(b"".join(p.read_bytes() for p in [folder / "init.mp4", *segments]))
    return into


def all_tags(info: dict) -> dict[str, str]:
    """Every tag of the format and of each stream, keys lower-cased."""
    tags = {k.lower(): v for k, v in (info.get("format", {}).get("tags") or {}).items()}
    for stream in info.get("streams", []):
        tags.update({k.lower(): v for k, v in (stream.get("tags") or {}).items()})
    return tags


def video_stream(info: dict) -> dict:
    return next(s for s in info["streams"] if s["codec_type"] == "video")


def keyframe_times(path: Path) -> list[float]:
    frames = ffprobe(
        path,
        "-select_streams", "v:0",
        "-skip_frame", "nokey",
        "-show_entries", "frame=pts_time",
    )["frames"]  # fmt: skip
    return [round(float(f["pts_time"]), 3) for f in frames]


def video_packet_times(path: Path) -> list[float]:
    packets = ffprobe(path, "-select_streams", "v:0", "-show_entries", "packet=pts_time")
    return sorted(float(p["pts_time"]) for p in packets["packets"])
