"""The rendition ladder: which sizes and bit rates a source becomes.

Rungs are chosen by the picture's short side, so a portrait phone video (1080x1920)
gets the same 360/720/1080 rungs as a landscape one. Only rungs at or below the source
are made (never upscaled); a source smaller than the lowest rung gets one rung at its
own size.
"""

from __future__ import annotations

from dataclasses import dataclass

from transcoding.media.probe import ProbeResult

# (short side, video kbit/s at 30 fps): H.264 High, tuned for talking heads and
# experiments filmed on phones rather than for fast sport.
STANDARD_RUNGS = ((360, 800), (720, 2800), (1080, 5000))
AUDIO_KBPS = 128
HIGH_FRAME_RATE = 40.0
HIGH_FRAME_RATE_FACTOR = 1.5
MIN_VIDEO_KBPS = 150


@dataclass(frozen=True)
class Rung:
    """One rendition to make: its name (folder), picture size and target bit rates."""

    name: str
    width: int
    height: int
    video_kbps: int
    audio_kbps: int

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


def _even(value: float) -> int:
    """Rounded down to an even number (H.264 4:2:0 needs even sizes); never upscales."""
    return max(2, int(value + 1e-9) // 2 * 2)


def _size(source: ProbeResult, short: int) -> tuple[int, int]:
    """Width and height (both even) with ``short`` on the short side, keeping the shape."""
    short = _even(short)
    exact = short * source.long_side / source.short_side
    long = min(max(2, round(exact / 2) * 2), _even(source.long_side))
    return (short, long) if source.is_portrait else (long, short)


def rungs_for(source: ProbeResult) -> list[Rung]:
    """The rungs for ``source``, smallest first; never empty."""
    heights = [(short, kbps) for short, kbps in STANDARD_RUNGS if short <= source.short_side]
    if not heights:
        lowest_short, lowest_kbps = STANDARD_RUNGS[0]
        pixels = source.short_side / lowest_short
        heights = [(source.short_side, max(MIN_VIDEO_KBPS, round(lowest_kbps * pixels * pixels)))]
    factor = HIGH_FRAME_RATE_FACTOR if source.frame_rate > HIGH_FRAME_RATE else 1.0
    rungs = []
    for short, kbps in heights:
        width, height = _size(source, short)
        rungs.append(
            Rung(
                name=f"{min(width, height)}p",
                width=width,
                height=height,
                video_kbps=round(kbps * factor),
                audio_kbps=AUDIO_KBPS if source.has_audio else 0,
            )
        )
    return rungs
