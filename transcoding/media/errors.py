"""The two ways media work can fail: the file's fault, or ours."""

from __future__ import annotations

from django.utils.functional import Promise


class MediaRejected(Exception):
    """The file itself is unusable (not a video, too long, too big...): never retried.

    ``code`` is stable and machine-readable; ``user_message`` is a plain, translatable
    sentence for the person who uploaded it.
    """

    def __init__(self, code: str, user_message: str | Promise) -> None:
        super().__init__(code)  # the message stays lazy: translated where it is shown
        self.code = code
        self.user_message = user_message

    def __str__(self) -> str:
        return f"{self.code}: {self.user_message}"


class MediaProcessingError(Exception):
    """Processing failed for a reason that is not the file's fault (a crashed or
    overloaded ffmpeg, a full disk): worth trying again."""
