"""HLS playlist rewriting for the playback gateway: pure text in, text out."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_URI_ATTRIBUTE = re.compile(r'URI="([^"]*)"')
SUBTITLES_GROUP = "subs"


@dataclass(frozen=True)
class SubtitleTrack:
    language: str
    label: str
    url: str


def _quoted(value: str) -> str:
    return value.replace('"', "'").replace("\n", " ").replace("\r", " ")


def _is_uri_line(line: str) -> bool:
    return bool(line) and not line.startswith("#")


def rewrite_master(
    text: str, *, variant_url: Callable[[str], str], subtitles: Sequence[SubtitleTrack] = ()
) -> str:
    """Point every variant at variant_url(relative path) and add a SUBTITLES group."""
    lines = [line.strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line.startswith("#EXT-X-MEDIA:") and "TYPE=SUBTITLES" in line:
            continue  # captions come from the database, not the stored master
        if _is_uri_line(line):
            out.append(variant_url(line))
        elif line.startswith("#EXT-X-STREAM-INF:") and subtitles:
            out.append(f'{line},SUBTITLES="{SUBTITLES_GROUP}"')
        elif line.startswith("#EXT-X-MEDIA:") or line.startswith("#EXT-X-I-FRAME-STREAM-INF:"):
            out.append(_URI_ATTRIBUTE.sub(lambda m: f'URI="{variant_url(m.group(1))}"', line))
        else:
            out.append(line)
    if subtitles:
        media = [
            f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="{SUBTITLES_GROUP}",'
            f'NAME="{_quoted(track.label)}",LANGUAGE="{_quoted(track.language)}",'
            f'DEFAULT={"YES" if index == 0 else "NO"},AUTOSELECT=YES,URI="{track.url}"'
            for index, track in enumerate(subtitles)
        ]
        first_variant = next(
            (i for i, line in enumerate(out) if line.startswith("#EXT-X-STREAM-INF:")), len(out)
        )
        out[first_variant:first_variant] = media
    return "\n".join(out) + "\n"


def rewrite_media(text: str, *, uri_url: Callable[[str], str]) -> str:
    """Point every segment and the init section (EXT-X-MAP) at uri_url(relative path)."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if _is_uri_line(line):
            out.append(uri_url(line))
        elif line.startswith("#EXT-X-MAP:") or line.startswith("#EXT-X-KEY:"):
            out.append(_URI_ATTRIBUTE.sub(lambda m: f'URI="{uri_url(m.group(1))}"', line))
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def subtitle_playlist(*, duration_s: float, url: str) -> str:
    """A one-segment media playlist around a whole WebVTT file."""
    duration = max(duration_s, 1.0)
    return (
        "#EXTM3U\n#EXT-X-VERSION:3\n"
        f"#EXT-X-TARGETDURATION:{math.ceil(duration)}\n"
        "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        f"#EXTINF:{duration:.3f},\n{url}\n#EXT-X-ENDLIST\n"
    )


def safe_relative(path: str) -> str | None:
    """path when it stays inside its folder (no '..', no absolute path, no URL), else None."""
    if not path or path.startswith("/") or "\\" in path or ":" in path or "?" in path:
        return None
    parts = path.split("/")
    if any(part in {"", ".", ".."} for part in parts):
        return None
    return path


def join(folder: str, relative: str) -> str | None:
    """Resolve a playlist URI relative to folder ('a/b/'), refusing to climb out of it."""
    clean = safe_relative(relative)
    return None if clean is None else f"{folder}{clean}"


# --- Writing the stored master playlist (transcoding.media.transcode) ---


@dataclass(frozen=True)
class Variant:
    """One rendition as the master playlist announces it to players."""

    uri: str
    bandwidth: int
    average_bandwidth: int
    width: int
    height: int
    codecs: str
    frame_rate: float


def master_playlist(variants: Sequence[Variant]) -> str:
    """An HLS master playlist (version 7, fMP4) listing ``variants`` in the given order."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for variant in variants:
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={variant.bandwidth},"
            f"AVERAGE-BANDWIDTH={variant.average_bandwidth},"
            f"RESOLUTION={variant.width}x{variant.height},"
            f'CODECS="{_quoted(variant.codecs)}",'
            f"FRAME-RATE={variant.frame_rate:.3f}"
        )
        lines.append(variant.uri)
    return "\n".join(lines) + "\n"


def media_segments(text: str) -> list[tuple[float, str]]:
    """(duration, URI) of every segment of a media playlist, in order."""
    segments: list[tuple[float, str]] = []
    duration: float | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif _is_uri_line(line) and duration is not None:
            segments.append((duration, line))
            duration = None
    return segments


def stream_attributes(text: str) -> list[dict[str, str]]:
    """The attributes of each #EXT-X-STREAM-INF of a master playlist, with its URI as "URI"."""
    variants: list[dict[str, str]] = []
    pending: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXT-X-STREAM-INF:"):
            body = line[len("#EXT-X-STREAM-INF:") :]
            pending = {
                m.group(1): m.group(2).strip('"')
                for m in re.finditer(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)', body)
            }
        elif _is_uri_line(line) and pending is not None:
            variants.append({**pending, "URI": line})
            pending = None
    return variants
