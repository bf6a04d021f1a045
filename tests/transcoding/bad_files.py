"""Real bad files for the pipeline to refuse, made with ffmpeg on the spot (test helpers)."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from transcoding.media import samples, sandbox


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [sandbox.binary("ffmpeg"), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=120,
    )


class Canary:
    """A TCP server on loopback that counts every connection made to it."""

    def __init__(self) -> None:
        self.hits = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self._server.accept()
            except TimeoutError:
                continue
            self.hits += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._server.close()


def empty_file(folder: Path) -> Path:
    path = folder / "empty.mp4"
    path.write_bytes(b"")
    return path


def text_renamed_mp4(folder: Path) -> Path:
    path = folder / "homework.mp4"
    path.write_text("My science homework: why the sky is blue.\n" * 50)
    return path


def png_renamed_mp4(folder: Path) -> Path:
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", str(folder / "a.png"))
    return (folder / "a.png").rename(folder / "photo.mp4")


def jpeg_renamed_mp4(folder: Path) -> Path:
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", str(folder / "a.jpg"))
    return (folder / "a.jpg").rename(folder / "photo.mp4")


def one_frame_mp4(folder: Path) -> Path:
    return samples.make_sample_video(
        folder / "one.mp4", seconds=1, fps=1, width=320, height=240, audio=False
    )


def audio_only_mp4(folder: Path) -> Path:
    path = folder / "sound.mp4"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", str(path))
    return path


def truncated_mp4_with_moov_at_the_end(folder: Path) -> Path:
    path = samples.make_sample_video(folder / "cut.mp4", seconds=2, width=320, height=240)
    data = path.read_bytes()
    assert data.find(b"moov") > len(data) // 2  # the index is at the end, as phones leave it
    path.write_bytes(data[: len(data) // 2])
    return path


def first_third_of_a_faststart_mp4(folder: Path) -> Path:
    """The index (moov) at the front promises 12 s; only the first 4 s of data follow."""
    path = samples.make_sample_video(
        folder / "cut.mp4", seconds=12, width=320, height=240, faststart=True
    )
    data = path.read_bytes()
    assert data.find(b"moov") < len(data) // 10
    path.write_bytes(data[: len(data) // 3])
    return path


def hls_playlist_disguised_as_video(canary: Canary) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / "video.mp4"
        path.write_text(
            "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n"
            f'#EXT-X-MAP:URI="{canary.url}/init.mp4"\n'
            f"#EXTINF:4.0,\n{canary.url}/seg0.m4s\n"
            f"#EXTINF:4.0,\n{canary.url}/seg1.ts\n#EXT-X-ENDLIST\n"
        )
        return path

    return make


def ffconcat_naming_etc_passwd(folder: Path) -> Path:
    path = folder / "video.mp4"
    path.write_text("ffconcat version 1.0\nfile /etc/passwd\nfile 'file:/etc/passwd'\n")
    return path


def three_hour_tiny_clip(folder: Path) -> Path:
    # one frame a minute for three hours: 180 frames, a few KB, made in a blink
    path = folder / "long.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "color=c=black:size=64x64:rate=1/60",
        "-t", "10800", "-c:v", "libx264", "-preset", "ultrafast", str(path),
    )  # fmt: skip
    return path


def eight_k_clip(folder: Path) -> Path:
    path = folder / "8k.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "color=c=blue:size=7680x4320:rate=1:duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", str(path),
    )  # fmt: skip
    return path


def two_hundred_forty_fps_clip(folder: Path) -> Path:
    return samples.make_sample_video(
        folder / "fast.mp4", seconds=1, fps=240, width=64, height=64, audio=False
    )
