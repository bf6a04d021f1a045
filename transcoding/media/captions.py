"""Checking uploaded WebVTT caption files before anyone's player reads them."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from transcoding.media.errors import MediaRejected

MAX_CUE_SECONDS = 24 * 3600
_SIGNATURE = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_TIMESTAMP = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t].*)?$")


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def validate_webvtt(content: bytes) -> str:
    """The caption file as clean text (UTF-8 without a byte-order mark, ``\\n`` line
    ends), or MediaRejected saying in plain words what is wrong and on which line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MediaRejected(
            "caption_encoding",
            _("Save your caption file as UTF-8 text (most editors offer this under “Save as”)."),
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise MediaRejected("caption_not_text", _("This caption file isn't plain text."))
    lines = text.split("\n")
    if not _SIGNATURE.match(lines[0]):
        raise MediaRejected(
            "caption_not_webvtt",
            _(
                "This isn't a WebVTT caption file: its first line must be WEBVTT. If you have "
                "an .srt file, convert it to .vtt first."
            ),
        )
    cues = 0
    for number, line in enumerate(lines[1:], start=2):
        if "-->" not in line:
            continue
        match = _TIMING.match(line.strip())
        if match is None:
            raise MediaRejected(
                "caption_bad_timing",
                _(
                    "Line %(line)s: the cue time should look like "
                    "00:01.000 --> 00:04.000 (minutes:seconds.milliseconds)."
                )
                % {"line": number},
            )
        start = _seconds(*match.groups()[:4])
        end = _seconds(*match.groups()[4:])
        if end <= start:
            raise MediaRejected(
                "caption_bad_timing",
                _("Line %(line)s: the caption ends before it starts.") % {"line": number},
            )
        if end > MAX_CUE_SECONDS:
            raise MediaRejected(
                "caption_bad_timing",
                _("Line %(line)s: the caption time is far longer than any video.")
                % {"line": number},
            )
        cues += 1
    if cues == 0:
        raise MediaRejected(
            "caption_empty",
            _("This caption file has no captions in it (no lines like 00:01.000 --> 00:04.000)."),
        )
    return text
